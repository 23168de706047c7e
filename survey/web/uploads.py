"""Hostile multipart bodies: stray files dropped, malformed parts left out, nothing leaks."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from flask import Request, request
from werkzeug.datastructures import ImmutableMultiDict

from ..i18n import format_decimal

KB = 1024
MB = 1024 * KB


@dataclass(frozen=True)
class Upload:
    """A view whose form has a file field: how large a body it takes, and the page of its form
    (an endpoint taking the same view arguments), where a refusal sends the user back to."""

    limit: int
    form_page: str


#: Every view whose form has a file field, each with a limit above its largest legitimate file
#: (bytes; MAX_CONTENT_LENGTH, for everything else, is sized for a survey answer).
UPLOADS = {
    # Address files: at most MAX_COUNT = 20,000 letters a form; a row of name, c/o, street,
    # postcode, city and number is ~65 bytes (1,500 rows of namn;gatuadress;postnummer;ort
    # are ~95 kB) and rarely over 150, so 20,000 x 150 B = 3 MB, with room: 4 MB.
    "organizer.invitation_letters": Upload(4 * MB, "organizer.invitations"),
    "organizer.invitation_reminders": Upload(4 * MB, "organizer.invitations"),
    # A place list: area, slug (<= 64 characters) and name (~30, at most 200) is ~100 bytes a
    # row; 10,000 places, far more than one police area names, are ~1 MB.
    "organizer.place_import": Upload(1 * MB, "organizer.places"),
    # A questionnaire: the file and the pasted text (re-sent after a refusal) of at most
    # MAX_DEFINITION = 100,000 bytes each (2 x 100,000 B = 195 kB), and the form's other
    # parts, with room: 256 kB.
    "organizer.questionnaire_upload": Upload(256 * KB, "organizer.questionnaires"),
    # Statistics Sweden's export of a district's small regions (DeSO) by single year of age
    # runs to a few hundred kB; with several years or districts, up to 2 MB.
    "organizer.population_upload": Upload(2 * MB, "organizer.population"),
    # A crime data file: the police's event list is about 200 kB, Brå's largest exports a
    # few MB; a year of events kept from many downloads, merged by hand, stays below 20 MB.
    "organizer.crime_upload": Upload(20 * MB, "organizer.crime_imports"),
}
#: The views whose forms have a file field.
UPLOAD_ENDPOINTS = frozenset(UPLOADS)
MARGINS_UPLOAD = "organizer.population_upload"
CRIME_UPLOAD = "organizer.crime_upload"


def size_text(size: int) -> str:
    """A byte count as a limit is told, in the reader's language: '2 MB', '1,5 MB', '64 kB'."""
    if size >= MB:
        return f"{format_decimal(size / MB, '#,##0.#')} MB"
    return f"{format_decimal(size / KB, '#,##0')} kB"


class BoundedRequest(Request):
    """A request that parses hostile multipart bodies safely.

    Uploads are kept in memory (MAX_CONTENT_LENGTH, or UPLOADS, keeps them small):
    Werkzeug's temporary files warn when garbage collected unclosed, which happens when a
    malformed multipart body (say a field name that is not UTF-8) aborts the parse.
    """

    @property  # type: ignore[override]
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH, or the larger limit of an upload page (UPLOADS)."""
        upload = UPLOADS.get(self.endpoint or "")
        return upload.limit if upload else super().max_content_length

    def _get_file_stream(self, *_args: Any, **_kwargs: Any) -> IO[bytes]:
        return io.BytesIO()

    def _load_form_data(self) -> None:
        super()._load_form_data()
        # A part whose name header is malformed is parsed with the name None, which breaks
        # Flask-WTF's search for the CSRF token (a 500): such a part has no field to go to.
        for attribute in ("form", "files"):
            parsed = self.__dict__.get(attribute)
            if parsed is not None and None in parsed:
                self.__dict__[attribute] = ImmutableMultiDict(
                    [(k, v) for k, v in parsed.items(multi=True) if k is not None]
                )


def drop_stray_files() -> None:
    """Drop the files of a multipart POST to a form without a file field.

    Flask-WTF hands a form the files together with the fields, so a file sent under a text
    field's name would reach that field as a file object (a 500 where text was expected).
    A file is never an answer to a text question.
    """
    if request.endpoint in UPLOAD_ENDPOINTS or request.mimetype != "multipart/form-data":
        return
    if request.files:
        for _name, upload in request.files.items(multi=True):
            upload.close()
        request.files = ImmutableMultiDict()  # type: ignore[misc]

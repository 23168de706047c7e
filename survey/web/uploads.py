"""Hostile multipart bodies: stray files dropped, malformed parts left out, nothing leaks."""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Request, request
from werkzeug.datastructures import ImmutableMultiDict

#: The views whose forms have a file field.
UPLOAD_ENDPOINTS = frozenset(
    {
        "organizer.place_import",
        "organizer.questionnaire_upload",
        "organizer.population_upload",
        "organizer.invitation_letters",
        "organizer.invitation_reminders",
    }
)
#: Uploads allowed to be larger than MAX_CONTENT_LENGTH, in bytes. Statistics Sweden's export
#: of a district's small regions (DeSO) by single year of age runs to a few hundred kB.
MARGINS_UPLOAD = "organizer.population_upload"
UPLOAD_LIMITS = {MARGINS_UPLOAD: 2 * 1024 * 1024}


def size_text(size: int) -> str:
    """A byte count as a limit is told: '2 MB', '64 kB'."""
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size // 1024} kB"


class BoundedRequest(Request):
    """A request that parses hostile multipart bodies safely.

    Uploads are kept in memory (MAX_CONTENT_LENGTH, or UPLOAD_LIMITS, keeps them small):
    Werkzeug's temporary files warn when garbage collected unclosed, which happens when a
    malformed multipart body (say a field name that is not UTF-8) aborts the parse.
    """

    @property  # type: ignore[override]
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH, or the larger limit of an upload page (UPLOAD_LIMITS)."""
        return UPLOAD_LIMITS.get(self.endpoint or "") or super().max_content_length

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

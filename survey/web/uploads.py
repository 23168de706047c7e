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


class BoundedRequest(Request):
    """A request that parses hostile multipart bodies safely.

    Uploads are kept in memory (MAX_CONTENT_LENGTH keeps them small): Werkzeug's temporary
    files warn when garbage collected unclosed, which happens when a malformed multipart body
    (say a field name that is not UTF-8) aborts the parse.
    """

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

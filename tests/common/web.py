"""Using the app as a browser would: answers, CSRF tokens, forms, the test accounts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.extensions import db
from survey.models import Response
from survey.web.limits import ANSWERED_COOKIE

#: The required answers of questionnaire v1; tests add to it.
VALID_ANSWER = {
    "relation": "live",
    "safety_day": "1",
    "safety_afternoon": "2",
    "safety_evening": "3",
    "safety_night": "avoid",
}


def local_today() -> dt.date:
    """Today where the residents are: the app dates answers in its default time zone."""
    return dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    # Followed as a browser would: a blank paper form's page first gets its name.
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def forget_answers(client: FlaskClient) -> None:
    """Drop the browser's "already answered" cookie, as another resident's browser would."""
    for key in [k for k in client._cookies if k[2] == ANSWERED_COOKIE]:
        del client._cookies[key]


def submit(
    client: FlaskClient, slug: str, data: dict[str, Any], same_browser: bool = False, **kwargs: Any
):
    """Answer the survey for a place as a browser would: GET the form, POST with its token.

    Many tests let one client stand for many residents: unless ``same_browser``, the
    one-answer-per-place-and-round cookie of earlier answers is dropped first.
    """
    if not same_browser:
        forget_answers(client)
    path = f"/s/{slug}"
    # A browser that has answered gets no form there, but the session's token is the same.
    form = "/radera" if same_browser else path
    return client.post(path, data={"csrf_token": csrf_token(client, form), **data}, **kwargs)


def count_responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def stored_responses(app: Flask) -> list[Response]:
    with app.app_context():
        query = select(Response).options(joinedload(Response.place)).order_by(Response.id)
        return list(db.session.scalars(query))


def post_files(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any):
    """POST a multipart form; a value (stream, filename) is a file.

    Encoded in memory: the test client spools a body above 500 kB to a temporary file,
    which a request refused as too large leaves unclosed (a ResourceWarning).
    """
    fields = {
        k: FileStorage(stream=v[0], filename=v[1]) if isinstance(v, tuple) else v
        for k, v in data.items()
    }
    boundary, body = encode_multipart(fields)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post(path, data=body, content_type=content_type, **kwargs)


def post_form(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any):
    """POST to a path with a valid CSRF token of the client's session, as a browser would."""
    token = csrf_token(client, kwargs.pop("token_from", path))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


ACCOUNTS = {
    "admin": ("admin@trygghet.test", "admin-password-123"),
    "organizer": ("organizer@trygghet.test", "organizer-password-123"),
}


class Auth:
    """Log the test client in and out as one of the test accounts."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, role: str = "organizer"):
        email, password = ACCOUNTS[role]
        response = post_form(
            self.client, "/organizer/login", {"email": email, "password": password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return post_form(self.client, "/organizer/logout", {}, token_from="/organizer/")


def tampered(signed: str) -> str:
    """An itsdangerous value with its signature's first character changed.

    That character carries six whole bits; the last one's low bits are base64 padding, so a
    changed last character can decode to the same signature and still verify.
    """
    body, signature = signed.rsplit(".", 1)
    return body + "." + ("B" if signature[0] == "A" else "A") + signature[1:]

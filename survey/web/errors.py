"""Error pages in the visitor's language; never a traceback, never a bare 500."""

from __future__ import annotations

import logging
import math

from flask import Flask, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError

from ..db import db_error_summary
from ..extensions import db
from .uploads import MARGINS_UPLOAD, UPLOADS, size_text

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("The request could not be understood"), _l("Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (
        _l("Page not found"),
        _l("There is no page at this address. Check the link or start from the home page."),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (
        _l("Too much data"),
        _l("What you sent is larger than any survey answer can be. Please shorten it."),
    ),
    411: (
        _l("The request could not be understood"),
        _l("Your browser sent the form in a way we cannot accept. Please try again."),
    ),
    415: (
        _l("The request could not be understood"),
        _l("Only forms from this site can be sent here."),
    ),
    429: (
        _l("Too many answers from here"),
        _l(
            "We have received many answers from your connection in a short time. "
            "Please wait a while and try again."
        ),
    ),
    500: (
        _l("Something went wrong"),
        _l("We could not handle your request. Please try again in a moment."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The service cannot be reached right now. Please try again in a few minutes."),
    ),
}

LOGIN_THROTTLED = (
    _l("Too many login attempts"),
    _l("There have been too many failed login attempts. Wait 15 minutes and try again."),
)

RESET_THROTTLED = (
    _l("Too many requests for a new password"),
    _l(
        "There have been many requests for a new password from here or for this address. "
        "Wait an hour and try again, or ask an admin for help."
    ),
)


def margins_too_large(limit: int) -> tuple:
    """The 413 page of the population margins upload, which has a limit of its own."""
    return (
        _l("The file is too large"),
        _l(
            "This page takes files of at most %(size)s. Export fewer years or regions at a"
            " time, or import the file with the command trygghet import population, which has"
            " no such limit. Nothing was imported.",
            size=size_text(limit),
        ),
    )


def too_large() -> tuple:
    """The 413 page's words: the limit of an organizer's upload or form, else a survey's."""
    upload = UPLOADS.get(request.endpoint or "")
    if upload is None:
        if not _for_organizer():
            return MESSAGES[413]
        return (
            _l("Too much data"),
            _l(
                "What you sent is larger than this form takes: at most %(size)s. Shorten the"
                " text and try again. Nothing was saved.",
                size=size_text(current_app.config["MAX_CONTENT_LENGTH"]),
            ),
        )
    if request.endpoint == MARGINS_UPLOAD:
        return margins_too_large(upload.limit)
    return (
        _l("The file is too large"),
        _l(
            "This page takes files of at most %(size)s. The file was not read and nothing was"
            " changed.",
            size=size_text(upload.limit),
        ),
    )


def back_to_form() -> str | None:
    """The page of the upload form a request was refused on, to go back to; None elsewhere."""
    upload = UPLOADS.get(request.endpoint or "")
    if upload is None:
        return None
    return url_for(upload.form_page, **(request.view_args or {}))


def erase_throttled(retry_after: str, wrong_codes: bool) -> tuple:
    """The 429 page of /radera: why, and the wait in whole minutes."""
    try:
        # At least 2: one plural form in both languages, and a short wait said a bit long.
        minutes = max(2, math.ceil(int(retry_after) / 60))
    except ValueError:
        minutes = 15
    if wrong_codes:
        return (
            _l("Too many wrong codes"),
            _l("Too many wrong codes. Wait %(minutes)d minutes and try again.", minutes=minutes),
        )
    return (
        _l("Too many attempts from here"),
        _l(
            "Many codes have been sent from your connection in a short time. "
            "Wait %(minutes)d minutes and try again.",
            minutes=minutes,
        ),
    )


CSRF_MESSAGE = (
    _l("The form has expired"),
    _l(
        "For your security the form can only be sent from this site and within a few hours. "
        "Go back, reload the page and send your answers again."
    ),
)


#: The same, for any other form (an organizer's, erasing an answer, hiding a receipt code): no
#: "send your answers again", which invited a second answer to the survey.
CSRF_FORM_MESSAGE = (
    CSRF_MESSAGE[0],
    _l(
        "For your security a form can only be sent from this site and within a few hours."
        " Go back, reload the page and send the form again."
    ),
)


def _for_organizer() -> bool:
    return request.path.startswith("/organizer/")


def render_error(
    status: int, message: tuple | None = None, headers: dict | None = None, back: str | None = None
):
    title, body = message or MESSAGES.get(status, MESSAGES[500])
    page = render_template(
        "errors/error.html",
        status=status,
        title=title,
        body=body,
        back=back,
        organizer=_for_organizer(),
    )
    return page, status, headers or {}


API_PREFIX = "/api/"

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_unexpected_bodies() -> None:
    """A POST must be a form of known length: no JSON, no chunked body past the size limit."""
    if request.method != "POST" or request.path == "/healthz":
        return
    if request.content_length is None and request.headers.get("Transfer-Encoding"):
        abort(411)
    if request.content_length and request.mimetype not in FORM_TYPES:
        abort(415)


def _form_again(why: str, status: int) -> Response | None:
    """A resident's survey answers are not thrown away: the form again, as it was filled in
    (survey.public.views.show_form_again); None for any other request."""
    from ..public.views import FORMS_SHOWN_AGAIN, show_form_again

    if request.method != "POST" or request.endpoint not in FORMS_SHOWN_AGAIN:
        return None
    return show_form_again(why, status)


def init_app(app: Flask) -> None:
    # First of all before-request functions, so it runs before the CSRF check reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unexpected_bodies)

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        from ..public.views import FORMS_SHOWN_AGAIN

        if (again := _form_again("expired", 400)) is not None:
            return again
        answers = request.endpoint in FORMS_SHOWN_AGAIN
        return render_error(400, CSRF_MESSAGE if answers else CSRF_FORM_MESSAGE)

    @app.errorhandler(SecurityError)
    def untrusted_host(_exc: SecurityError):
        # A Host header outside TRUSTED_HOSTS: plain text, since a page's links would be
        # built on the very host that was refused.
        return "400 Bad Request: unknown host\n", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if request.path == "/healthz":
            return exc
        if request.path.startswith(API_PREFIX):
            # Also where no API route matched: programs get JSON, never an HTML page.
            from ..api.errors import http_error as api_http_error

            return api_http_error(exc)
        message = MESSAGES.get(exc.code)
        if exc.code == 413:
            return render_error(413, too_large(), back=back_to_form())
        # Keep what HTTP requires (Allow on 405, Retry-After where set).
        headers = {k: v for k, v in exc.get_headers() if k in ("Allow", "Retry-After")}
        if exc.code == 429:
            headers.setdefault("Retry-After", "60")
            if (page := _form_again("too_many", 429)) is not None:
                page.headers["Retry-After"] = headers["Retry-After"]
                return page
            if request.path.startswith("/organizer/login"):
                message = LOGIN_THROTTLED
            elif request.path.startswith("/organizer/forgot-password"):
                message = RESET_THROTTLED
            elif request.path.startswith(("/radera", "/k")):  # codes: erasure, invitation
                wait = str(g.get("erase_wait") or headers["Retry-After"])
                message = erase_throttled(wait, wrong_codes=bool(g.get("erase_throttled")))
        return render_error(exc.code, message, headers)

    # OperationalError: the server cannot be reached or is gone, a connect timeout, SQLite's
    # "database is locked" after its busy timeout. The visitor can retry later: 503.
    @app.errorhandler(OperationalError)
    def database_unavailable(exc: DBAPIError):
        log.warning("database unavailable: %s", db_error_summary(exc))
        db.session.rollback()
        return render_error(503, headers={"Retry-After": "30"})

    @app.errorhandler(SQLAlchemyError)
    def database_error(exc: SQLAlchemyError):
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # A connection lost in another way (e.g. InterfaceError: "the connection is
            # closed"); the pool has dropped it, so a retry gets a fresh one.
            return database_unavailable(exc)
        log.error("database error: %s", db_error_summary(exc))
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return render_error(500)

"""JSON errors for the API: a client of /api/v1 never gets an HTML page or a traceback."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, json
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..db import db_error_summary
from ..extensions import db

log = logging.getLogger(__name__)

PREFIX = "/api/"

#: Machine-readable error codes and English messages (the API speaks English to programs).
ERRORS = {
    400: ("bad_request", "The request could not be understood."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "The API is read-only: use GET."),
    411: ("length_required", "The API is read-only: use GET."),
    413: ("too_large", "The API is read-only: use GET."),
    415: ("unsupported_media_type", "The API is read-only: use GET."),
    429: ("too_many_requests", "Too many requests from this address; wait and try again."),
    500: ("internal_error", "Something went wrong on our side; please try again later."),
    503: ("unavailable", "The service is temporarily unavailable; please try again later."),
}


def json_error(
    status: int, error: str | None = None, message: str | None = None, headers: dict | None = None
) -> Response:
    """An error as {"error": code, "message": text} with the given status."""
    code, text = ERRORS.get(status, ERRORS[500] if status >= 500 else ERRORS[400])
    body = json.dumps({"error": error or code, "message": message or text})
    response = Response(body + "\n", status=status, mimetype="application/json")
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def http_error(exc: HTTPException) -> Response:
    """Turn an HTTP error into JSON, keeping the headers HTTP requires (Allow, Retry-After)."""
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k in ("Allow", "Retry-After")}
    if status == 429:
        headers.setdefault("Retry-After", "60")
    # A message the view chose (abort(400, description=...)) is meant for the client.
    custom = exc.description if exc.description != type(exc).description else None
    return json_error(status, message=custom, headers=headers)


def init_blueprint(bp: Blueprint) -> None:
    """Register JSON handlers for everything that can go wrong inside the API's views."""
    bp.register_error_handler(HTTPException, http_error)

    @bp.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError) -> Response:
        log.warning("database unavailable: %s", db_error_summary(exc))
        db.session.rollback()
        return json_error(503, headers={"Retry-After": "30"})

    @bp.errorhandler(SQLAlchemyError)
    def database_error(exc: SQLAlchemyError) -> Response:
        log.error("database error: %s", db_error_summary(exc))
        db.session.rollback()
        return json_error(500)

    @bp.errorhandler(Exception)
    def unexpected(_exc: Exception) -> Response:
        log.exception("unhandled error in the API")
        return json_error(500)

"""Storing a resident's web answer: its receipt code, the burst hold, one writer at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from sqlalchemy.exc import IntegrityError

from ..db import write_turn
from ..extensions import db, limiter
from ..questionnaire import Questionnaire
from ..services.receipts import FORM_FIELD, code_for_form, new_code, receipt_hash
from ..services.responses import hold_latest, insert_web_response, receipt_stored
from ..web.limits import burst

#: New codes to try if one is already taken (with 50 random bits, practically never).
RECEIPT_ATTEMPTS = 3


def burst_hold(place_id: int) -> tuple[bool, int]:
    """Whether this answer is part of a burst, and how many earlier ones to hold with it."""
    limit = current_app.config["TRYGGHET_BURST_ANSWERS"]
    count = burst(limiter.storage if limiter.enabled else None, place_id)
    if not limit or count <= limit:
        return False, 0
    # The answer that passes the limit also holds the ones before it in the window.
    return True, (limit if count == limit + 1 else 0)


def store_answer(
    conn: Any,
    place_id: int,
    questionnaire: Questionnaire,
    answers: Mapping[str, str | None],
    round_id: int,
) -> str:
    """Store a web answer with a new receipt code and commit; return the code.

    ``conn``: the request's session, or a pooled connection (a quick answer). The code is
    the survey page's own (``code_for_form``): a page sent twice (a double click) is stored
    once, and the second send gets the first one's code.
    """
    page_code = code_for_form(request.form.get(FORM_FIELD), current_app.secret_key or "")
    held, earlier = burst_hold(place_id)
    attempts_left = RECEIPT_ATTEMPTS
    while True:
        code = page_code or new_code()
        try:
            with write_turn(db.engine):
                if earlier:
                    hold_latest(conn, place_id, earlier)
                insert_web_response(
                    conn,
                    place_id,
                    questionnaire.version,
                    answers,
                    round_id=round_id,
                    receipt_hash=receipt_hash(code),
                    held=held,
                    questionnaire=questionnaire,
                )
                conn.commit()
            return code
        except IntegrityError:
            conn.rollback()
            if page_code is not None and receipt_stored(conn, receipt_hash(page_code)):
                # This page's answer, stored by its first send: one answer, counted once.
                burst(limiter.storage if limiter.enabled else None, place_id, amount=-1)
                return page_code
            # The unique index refused a code another answer has: draw a new one.
            page_code = None
            attempts_left -= 1
            if not attempts_left:
                raise

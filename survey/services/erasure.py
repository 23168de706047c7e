"""Erasure on request (GDPR art. 17): find an answer by its receipt code and delete it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import Place, Response
from . import audit
from .receipts import receipt_hash


def find_by_receipt(session: Session, code: str) -> Response | None:
    """The answer whose receipt is this normalized code, with place, area and round, or None."""
    return session.scalar(
        select(Response)
        .where(Response.receipt_hash == receipt_hash(code))
        .options(
            joinedload(Response.place).joinedload(Place.area),
            joinedload(Response.round),
            selectinload(Response.tags),
        )
    )


def erase_answer(session: Session, response: Response) -> None:
    """Delete an answer with its topic tags, record it in the audit trail, and flush.

    The audit event names only the place: not the code (it would let the log find the
    answer's trace again), not the answer's id, date or content.
    """
    place = response.place
    session.delete(response)
    session.flush()
    audit.record(session, "response.erase", place, {"erased": 1, "place": place.slug})

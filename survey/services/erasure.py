"""Erasure on request (GDPR art. 17): find an answer by its receipt code and delete it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import AuditEvent, Place, Response
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


#: The audit trail's actor when residents erase their own answer: no person, no address.
RESIDENT_ACTOR = "resident"


def erase_answer(session: Session, response: Response, by_resident: bool = False) -> None:
    """Delete an answer with its topic tags, record it in the audit trail, and flush.

    The audit event names only the place: not the code (it would let the log find the
    answer's trace again), not the answer's id, date or content. When the resident erases
    it (``by_resident``, on the public page) the event names no user either, even if an
    organizer happens to be logged in in the same browser.
    """
    place = response.place
    forget_tags(session, [response.id])
    session.delete(response)
    session.flush()
    event = audit.record(session, "response.erase", place, {"erased": 1, "place": place.slug})
    if by_resident:
        event.user_id = None
        event.actor = RESIDENT_ACTOR


#: Audit events that name a comment's topic tag.
TAG_ACTIONS = ("comment_tag.add", "comment_tag.remove")


def forget_tags(session: Session, response_ids: Any) -> None:
    """Drop the tag text from the audit events of these answers' comments (ids or a subquery).

    A free tag can say what the comment said; once the comment is gone, the trail keeps only
    that someone tagged an answer, not with what.
    """
    session.execute(
        update(AuditEvent)
        .where(
            AuditEvent.action.in_(TAG_ACTIONS),
            AuditEvent.target_type == "Response",
            AuditEvent.target_id.in_(response_ids),
        )
        .values(details=None)
        .execution_options(synchronize_session=False)
    )

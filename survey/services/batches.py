"""Import batches: what each imported file or paper key-in sitting brought, and undoing one.

Undoing deletes the batch's answers (with their comments' topic tags) in the caller's
transaction, so a mistaken import goes as a whole or not at all, and marks the batch undone
(models.responses.UNDONE_CHECKSUM): its row stays, out of every list, so that no later
batch gets its id. The situation pictures follow by themselves: their data version counts
answers and audit events, and both change. Releases are snapshots and stay as they were
published.

Undoing never frees an invitation code. An answer imported (or keyed in from paper) into a
round by invitation used one code, but by design nothing records which: the code's row holds
only "used" and its round. So the codes stay used, one per such answer; ``codes_kept`` counts
them, and the undo says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import CommentTag, ImportBatch, Response, SurveyRound
from ..models.responses import UNDONE_CHECKSUM, batch_not_undone, response_table
from . import audit
from .erasure import forget_tags


@dataclass(frozen=True)
class BatchSummary:
    """One batch as the lists show it: what it is, and how many of its answers are left."""

    id: int
    kind: str
    filename: str
    #: The file's SHA-256; None for paper forms.
    checksum: str | None
    rows: int
    answers: int
    imported_at: dt.datetime
    imported_by: str


def _answer_counts():
    return (
        select(Response.import_batch_id, func.count().label("answers"))
        .where(Response.import_batch_id.is_not(None))
        .group_by(Response.import_batch_id)
        .subquery()
    )


def list_batches(session: Session, limit: int = 500) -> list[BatchSummary]:
    """The newest batches first, each with how many answers it still has (one query)."""
    counts = _answer_counts()
    rows = session.execute(
        select(ImportBatch, func.coalesce(counts.c.answers, 0))
        .outerjoin(counts, counts.c.import_batch_id == ImportBatch.id)
        .where(batch_not_undone())
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
        .limit(limit)
    )
    return [_summary(batch, answers) for batch, answers in rows]


def batch_summary(session: Session, batch_id: int) -> BatchSummary | None:
    """One batch with its answer count, or None (also for one undone)."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.undone:
        return None
    answers = session.scalar(
        select(func.count()).select_from(Response).where(Response.import_batch_id == batch_id)
    )
    return _summary(batch, answers or 0)


def _summary(batch: ImportBatch, answers: int) -> BatchSummary:
    return BatchSummary(
        id=batch.id,
        kind=batch.kind,
        filename=batch.filename,
        checksum=batch.checksum if batch.kind == "file" else None,
        rows=batch.rows,
        answers=answers,
        imported_at=batch.imported_at,
        imported_by=batch.imported_by,
    )


def codes_kept(session: Session, batch_id: int) -> int:
    """How many invitation codes stay used when the batch is undone: one per answer of the
    batch in a round by invitation (each used a code, and nothing records which)."""
    count = session.scalar(
        select(func.count())
        .select_from(Response)
        .join(SurveyRound, SurveyRound.id == Response.round_id)
        .where(Response.import_batch_id == batch_id, SurveyRound.by_invitation.is_(True))
    )
    return count or 0


def undo_batch(session: Session, batch_id: int) -> BatchSummary | None:
    """Delete all answers of a batch and mark it undone, audited, and flush; None if there is
    no such batch (or it is undone).

    The audit event keeps what identifies the batch (file name, checksum, time, rows), never
    an answer. The same file can be imported again afterwards.
    """
    summary = batch_summary(session, batch_id)
    if summary is None:
        return None
    kept = codes_kept(session, batch_id)
    answer_ids = select(response_table.c.id).where(response_table.c.import_batch_id == batch_id)
    forget_tags(session, answer_ids)
    session.execute(delete(CommentTag).where(CommentTag.response_id.in_(answer_ids)))
    session.execute(delete(response_table).where(response_table.c.import_batch_id == batch_id))
    batch = session.get_one(ImportBatch, batch_id)
    audit.record(
        session,
        "responses.undo_import",
        batch,
        {
            "kind": summary.kind,
            "filename": summary.filename,
            "checksum": summary.checksum,
            "imported_at": summary.imported_at.isoformat(timespec="minutes"),
            "imported_by": summary.imported_by,
            "deleted": summary.answers,
            "codes_kept_used": kept,
        },
    )
    batch.checksum = f"{UNDONE_CHECKSUM}{batch.id}"
    session.flush()
    return summary

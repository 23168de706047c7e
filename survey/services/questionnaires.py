"""Questionnaire versions: which ones fix the meaning of a code, and deleting a draft."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import QuestionnaireVersion, Response
from . import audit


class DraftError(ValueError):
    """A version that cannot be deleted: it has been live, or answers were given with it."""


def answer_count(session: Session, version: int) -> int:
    """How many answers were given with this version (web, paper or imported)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.questionnaire_version == version)
        )
        or 0
    )


def binding_versions(session: Session) -> list[int]:
    """The versions that fix what their codes mean: every one that has been live or holds
    answers. A draft that never was is a proposal: a new upload may give its codes another
    meaning."""
    answered = select(Response.questionnaire_version).distinct()
    return list(
        session.scalars(
            select(QuestionnaireVersion.version)
            .where(
                or_(
                    QuestionnaireVersion.status == "live",
                    QuestionnaireVersion.live_since.is_not(None),
                    QuestionnaireVersion.version.in_(answered),
                )
            )
            .order_by(QuestionnaireVersion.version)
        )
    )


def deletable(row: QuestionnaireVersion, answers: int) -> bool:
    """A draft that was never live and has no answers (nothing else refers to a version)."""
    return row.status == "draft" and row.live_since is None and answers == 0


def delete_draft(session: Session, row: QuestionnaireVersion) -> None:
    """Delete a draft that was never live and has no answers, audited; flush.

    Its number is free again once no higher version is recorded: answers, paper forms,
    releases and printed forms refer only to versions that were live or hold answers.
    """
    if not deletable(row, answer_count(session, row.version)):
        raise DraftError(row.version)
    audit.record(session, "questionnaire.delete", row, {"version": row.version})
    session.delete(row)
    session.flush()

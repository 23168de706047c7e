"""Reads and writes of the dialogue log. Writes are audited and flushed; callers commit."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Area, Dialogue, DialogueIssue, Place, User
from . import audit

#: The list shows at most this many dialogues; filters narrow it down.
LIST_LIMIT = 500


def list_dialogues(
    session: Session,
    area_id: int | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[tuple[Dialogue, int]]:
    """Dialogues newest first, each with its number of issues, in three queries."""
    counts = (
        select(DialogueIssue.dialogue_id, func.count().label("n"))
        .group_by(DialogueIssue.dialogue_id)
        .subquery()
    )
    stmt = (
        select(Dialogue, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.dialogue_id == Dialogue.id)
        .options(selectinload(Dialogue.area), selectinload(Dialogue.place))
        .order_by(Dialogue.held_on.desc(), Dialogue.id.desc())
        .limit(LIST_LIMIT)
    )
    if area_id is not None:
        stmt = stmt.where(Dialogue.area_id == area_id)
    if kind:
        stmt = stmt.where(Dialogue.kind == kind)
    if date_from:
        stmt = stmt.where(Dialogue.held_on >= date_from)
    if date_to:
        stmt = stmt.where(Dialogue.held_on <= date_to)
    return [(dialogue, count) for dialogue, count in session.execute(stmt)]


def get_dialogue(session: Session, dialogue_id: int) -> Dialogue | None:
    """One dialogue with its area, place and issues (and their places) loaded."""
    return session.scalar(
        select(Dialogue)
        .where(Dialogue.id == dialogue_id)
        .options(
            selectinload(Dialogue.area),
            selectinload(Dialogue.place),
            selectinload(Dialogue.issues).selectinload(DialogueIssue.place),
        )
    )


def issues_outside_area(dialogue: Dialogue, area_id: int) -> list[DialogueIssue]:
    """Issues whose place lies in another area than ``area_id``."""
    return [i for i in dialogue.issues if i.place is not None and i.place.area_id != area_id]


#: A place or an area: both have a slug.
_Slugged = TypeVar("_Slugged", Area, Place)


def _slug(session: Session, model: type[_Slugged], key: int | None) -> str | None:
    # Usually already in the session's identity map (the form's choices loaded it).
    return session.get_one(model, key).slug if key is not None else None


def _audit_value(session: Session, name: str, value: Any) -> tuple[str, Any]:
    """A column and its value as the audit log shows them: slugs, not ids; ISO dates."""
    if name == "area_id":
        return "area", _slug(session, Area, value)
    if name == "place_id":
        return "place", _slug(session, Place, value)
    if isinstance(value, dt.date):
        return name, value.isoformat()
    return name, value


def _changes(session: Session, target: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the values on the target; return what changed as {column: [old, new]}."""
    changes = {}
    for name, new in values.items():
        old = getattr(target, name)
        if old != new:
            key, old_shown = _audit_value(session, name, old)
            changes[key] = [old_shown, _audit_value(session, name, new)[1]]
            setattr(target, name, new)
    return changes


def _dialogue_summary(session: Session, dialogue: Dialogue) -> dict[str, Any]:
    return dict(
        _audit_value(session, name, getattr(dialogue, name))
        for name in ("held_on", "area_id", "place_id", "kind")
    )


def create_dialogue(
    session: Session, values: dict[str, Any], created_by: User | None = None
) -> Dialogue:
    """Add a dialogue with the form's values."""
    dialogue = Dialogue(**values, created_by_id=created_by.id if created_by else None)
    session.add(dialogue)
    session.flush()
    details = _dialogue_summary(session, dialogue) | {
        "residents": dialogue.residents,
        "partners": dialogue.partners,
        "staff": dialogue.staff,
    }
    audit.record(session, "dialogue.create", dialogue, details)
    return dialogue


def update_dialogue(session: Session, dialogue: Dialogue, values: dict[str, Any]) -> bool:
    """Change a dialogue; audit what changed. Return whether anything did."""
    changes = _changes(session, dialogue, values)
    if changes:
        session.flush()
        audit.record(session, "dialogue.update", dialogue, {"changes": changes})
    return bool(changes)


def delete_dialogue(session: Session, dialogue: Dialogue) -> None:
    """Delete a dialogue and every issue raised in it."""
    details = _dialogue_summary(session, dialogue) | {"issues": len(dialogue.issues)}
    audit.record(session, "dialogue.delete", dialogue, details)
    session.delete(dialogue)
    session.flush()


def _issue_summary(session: Session, issue: DialogueIssue) -> dict[str, Any]:
    return {
        "dialogue_id": issue.dialogue_id,
        "position": issue.position,
        "problem": issue.problem,
        "place": _slug(session, Place, issue.place_id),
    }


def add_issue(session: Session, dialogue: Dialogue, values: dict[str, Any]) -> DialogueIssue:
    """Add an issue after the dialogue's last one (for a walk: the next stop)."""
    last = session.scalar(
        select(func.max(DialogueIssue.position)).where(DialogueIssue.dialogue_id == dialogue.id)
    )
    issue = DialogueIssue(dialogue_id=dialogue.id, position=(last or 0) + 1, **values)
    session.add(issue)
    session.flush()
    details = _issue_summary(session, issue) | {
        "times": issue.times,
        "raised_by": issue.raised_by,
        "weight": issue.weight,
    }
    audit.record(session, "dialogue_issue.create", issue, details)
    return issue


def update_issue(session: Session, issue: DialogueIssue, values: dict[str, Any]) -> bool:
    """Change an issue; audit what changed. Return whether anything did."""
    changes = _changes(session, issue, values)
    if changes:
        session.flush()
        audit.record(
            session,
            "dialogue_issue.update",
            issue,
            {"dialogue_id": issue.dialogue_id, "changes": changes},
        )
    return bool(changes)


def delete_issue(session: Session, issue: DialogueIssue) -> None:
    """Delete one issue; the others keep their positions (their order is what counts)."""
    audit.record(session, "dialogue_issue.delete", issue, _issue_summary(session, issue))
    session.delete(issue)
    session.flush()

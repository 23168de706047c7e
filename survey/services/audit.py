"""The audit trail: every organizer write records who, what and when."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from ..models import AuditEvent, User

CLI_ACTOR = "cli"


def _current_user() -> User | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def current_actor_name() -> str:
    """The e-mail of the logged-in user, or ``cli`` outside a request."""
    user = _current_user()
    return user.email if user else CLI_ACTOR


def record(
    session: Session,
    action: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Add an audit event for the current user (or the CLI) in the caller's transaction."""
    actor = actor or _current_user()
    event = AuditEvent(
        user_id=actor.id if actor else None,
        actor=actor.email if actor else CLI_ACTOR,
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
    )
    session.add(event)
    return event

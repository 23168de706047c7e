"""Organizer accounts and the audit trail of their writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

ROLES = ("admin", "organizer")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'organizer')", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: scrypt hash; empty until an invited user has chosen a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    #: SHA-256 of the one-time invitation token, so a leaked database cannot be used to log in.
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Copied into the session at login and checked on every request: raising it (logout,
    #: password change, disable, role change) ends every session of the user.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The user asked for an e-mail digest of new crime deviations (services/alerts.py).
    notify_deviations: Mapped[bool] = mapped_column(default=False, server_default=false())

    # What Flask-Login asks of a user (written out so the models need no Flask import).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AuditEvent(Base):
    """Who did what, when: one row per organizer write (web or CLI)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: The actor as shown: the user's e-mail at the time, or ``cli``.
    actor: Mapped[str] = mapped_column(String(254))
    #: A dotted verb such as ``dialogue.create`` or ``user.set_role``.
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

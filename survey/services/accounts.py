"""Account services: create, authenticate, invite, reset, change role, disable. Callers commit."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets

from flask import current_app, has_app_context
from flask_babel import gettext as _
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import ROLES, User
from ..models.accounts import utcnow
from . import audit

MIN_PASSWORD_LENGTH = 10
INVITE_VALID_FOR = dt.timedelta(days=7)
RESET_VALID_FOR = dt.timedelta(minutes=60)
#: Something before one "@" and a domain after it, without spaces or empty parts: "anna@" or
#: "anna@polisen..se" made an account no password mail could reach.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*")


def _hash_method() -> str:
    # scrypt; the test suite configures a cheap method (config.py allows it only when TESTING).
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


@functools.cache
def _dummy_hash(method: str) -> str:
    # Compared against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
    # password and response times do not reveal which accounts exist.
    return generate_password_hash("not-a-real-password-0000", method=method)


class AccountError(ValueError):
    """A refused account change, with a message fit to show the user."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        )
    return generate_password_hash(password, method=_hash_method())


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    session: Session, email: str, role: str, password: str | None, actor: User | None = None
) -> User:
    """Create an account; without a password it must be activated through an invitation."""
    email = normalize_email(email)
    if not EMAIL.fullmatch(email) or len(email) > 254:
        raise AccountError(_("%(email)s is not an e-mail address.", email=email))
    if role not in ROLES:
        raise AccountError(_("The role must be one of %(roles)s.", roles=", ".join(ROLES)))
    if find_user(session, email) is not None:
        raise AccountError(_("There is already an account for %(email)s.", email=email))
    user = User(email=email, role=role, password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    audit.record(session, "user.create", user, {"email": email, "role": role}, actor=actor)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user(session, email)
    stored = user.password_hash if user and user.password_hash else _dummy_hash(_hash_method())
    valid = check_password_hash(stored, password)
    if user is None or not user.password_hash or not valid or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def set_role(session: Session, user: User, role: str, actor: User | None = None) -> None:
    if role not in ROLES:
        raise AccountError(_("The role must be one of %(roles)s.", roles=", ".join(ROLES)))
    if user.role == "admin" and role != "admin":
        _keep_one_admin(session, user)
    old, user.role = user.role, role
    end_sessions(user)
    audit.record(session, "user.set_role", user, {"from": old, "to": role}, actor=actor)


def set_active(session: Session, user: User, active: bool, actor: User | None = None) -> None:
    if not active and user.role == "admin":
        _keep_one_admin(session, user)
    user.active = active
    end_sessions(user)
    audit.record(session, "user.enable" if active else "user.disable", user, actor=actor)


def end_sessions(user: User) -> None:
    """End every session of the user (each carries the version it was logged in with)."""
    user.session_version = (user.session_version or 0) + 1


def _keep_one_admin(session: Session, leaving: User) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != leaving.id)
    )
    if not others:
        raise AccountError(_("At least one active admin must remain."))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(session: Session, email: str, role: str, actor: User | None = None) -> str:
    """Create an account without a password and return its one-time invitation token."""
    user = create_user(session, email, role, None, actor=actor)
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = _token_hash(token)
    user.invite_expires_at = utcnow() + INVITE_VALID_FOR
    return token


def find_invited(session: Session, token: str) -> User | None:
    """The user this unexpired invitation token belongs to, or None."""
    user = session.scalar(select(User).where(User.invite_token_hash == _token_hash(token)))
    if user is None or user.invite_expires_at is None:
        return None
    expires = user.invite_expires_at
    if expires.tzinfo is None:  # SQLite returns naive datetimes
        expires = expires.replace(tzinfo=dt.UTC)
    return user if expires > utcnow() and user.active else None


def accept_invite(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)
    user.invite_token_hash = None
    user.invite_expires_at = None
    audit.record(session, "user.accept_invite", user, actor=user)


class _ResetSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        # The accounts' clock (utcnow), which the tests move forward.
        return int(utcnow().timestamp())


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="trygghet-password-reset", signer=_ResetSigner
    )


def _password_fingerprint(user: User | None) -> str:
    # Changes with every new password (a new salt) and every end of sessions, so a link
    # works once and not after the password was changed some other way.
    state = f"{user.password_hash or ''}|{user.session_version or 0}" if user else "none"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    """A signed one-time token to choose a new password, valid for RESET_VALID_FOR."""
    return _reset_serializer().dumps([user.id, _password_fingerprint(user)])


def request_reset(session: Session, email: str) -> tuple[User | None, str]:
    """The active account with this e-mail (or None) and a reset token for it.

    Without such an account the token is one that matches no one, made the same way, so
    that both cases cost the same.
    """
    user = find_user(session, email[:254])
    if user is None or not user.active:
        return None, _reset_serializer().dumps([0, _password_fingerprint(None)])
    return user, reset_token(user)


def find_by_reset_token(session: Session, token: str) -> User | None:
    """The active user whose unexpired, unused reset token this is, or None."""
    try:
        user_id, fingerprint = _reset_serializer().loads(
            token, max_age=int(RESET_VALID_FOR.total_seconds())
        )
    except (BadData, TypeError, ValueError):
        return None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        return None
    expected = _password_fingerprint(user)
    return user if secrets.compare_digest(str(fingerprint), expected) else None


def reset_password(session: Session, user: User, password: str) -> None:
    """Set the password chosen through a reset link; end the user's other sessions."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    # Whoever reads the mailbox could also have used a pending invitation.
    user.invite_token_hash = None
    user.invite_expires_at = None
    audit.record(session, "user.reset_password", user, actor=user)

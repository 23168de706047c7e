"""Organizer sessions that end on the server: a session version and an idle time.

The session cookie is signed, not stored, so logging out alone cannot make a copied cookie
useless. Each user has a session version; login writes it into the session and every request
compares it (the user loader). Logout, a password change, disabling the account and a role
change raise it, ending every session of that user. A session also ends after
ORGANIZER_IDLE_MINUTES without a request.
"""

from __future__ import annotations

import time

from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user

from survey.models import User

#: Session keys: the version logged in with, and the last request's time (whole seconds).
VERSION_KEY = "_sv"
SEEN_KEY = "_seen"
#: The last-seen time is rewritten at most this often (the cookie changes with it).
SEEN_RESOLUTION = 30


def _now() -> int:
    return int(time.time())


def start(user: User) -> None:
    """Log the user in with their current session version."""
    login_user(user)
    session[VERSION_KEY] = user.session_version or 0
    session[SEEN_KEY] = _now()


def forget() -> None:
    for key in ("_user_id", "_fresh", "_id", VERSION_KEY, SEEN_KEY):
        session.pop(key, None)


def valid(user: User) -> bool:
    """Whether this request's session may act as the user; refresh its last-seen time."""
    if session.get(VERSION_KEY) != (user.session_version or 0):
        forget()
        return False
    now = _now()
    seen = session.get(SEEN_KEY)
    idle = current_app.config["ORGANIZER_IDLE_MINUTES"] * 60
    if not isinstance(seen, int) or now - seen > idle:
        forget()
        flash(_("You were logged out after a while without activity. Log in again."), "info")
        return False
    if now - seen >= SEEN_RESOLUTION:
        session[SEEN_KEY] = now
    return True

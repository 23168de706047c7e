"""Logging in and out, and accepting an invitation."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from survey.extensions import db, limiter
from survey.services.accounts import (
    INVITE_VALID_FOR,
    accept_invite,
    authenticate,
    end_sessions,
    find_invited,
    normalize_email,
)
from survey.web.limits import client_key, keyed_hash

from .. import bp
from . import reset, sessions  # noqa: F401 (reset: the forgot-password pages)
from .forms import LoginForm, PasswordForm

#: Failed logins allowed per account from one client before that client gets 429 for it.
#: Keyed by (account, client): an outsider's failures never lock the account's owner out
#: when the owner logs in from elsewhere.
LOGIN_ACCOUNT_LIMIT = "5 per 15 minutes"
#: Failed logins allowed per client, whatever the accounts tried (guessing across accounts).
LOGIN_CLIENT_LIMIT = "10 per 15 minutes"


def _login_failed(_response: object) -> bool:
    return bool(g.get("login_failed"))


def _account_client_key() -> str:
    # Hashed like the address: the limiter's storage holds no e-mail address either.
    email = normalize_email(request.form.get("email", ""))[:254]
    return f"login-account:{keyed_hash(email)}:{client_key()}"


def safe_next(target: str | None) -> str | None:
    """Only a local path is a valid place to go after login (no open redirects)."""
    # Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    # "/<TAB>/evil.example" and "/\\evil.example" would both lead to another site; so could
    # their encoded forms ("/%5Cevil.example", "/%2F/evil.example") once decoded by a page.
    if not target:
        return None
    for form in (target, unquote(target)):
        if "\\" in form or any(ord(c) < 0x20 or ord(c) == 0x7F for c in form):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or not form.startswith("/") or form.startswith("//"):
            return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_CLIENT_LIMIT, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    LOGIN_ACCOUNT_LIMIT, methods=["POST"], key_func=_account_client_key, deduct_when=_login_failed
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            sessions.start(user)
            return redirect(safe_next(request.args.get("next")) or url_for("organizer.home"))
        g.login_failed = True
        form.password.errors.append(_("Wrong e-mail or password, or the account is disabled."))
    status = 401 if g.get("login_failed") else (422 if form.errors else 200)
    return render_template("organizer/auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Every copy of this session's cookie stops working, not only this browser's.
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    sessions.forget()
    flash(_("You are logged out."), "info")
    return redirect(url_for("organizer.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invitation(token: str):
    user = find_invited(db.session, token)
    if user is None:
        # Used, expired or cut short: say so, as a reset link does, not "no such page".
        days = INVITE_VALID_FOR.days
        return render_template("organizer/auth/invite_invalid.html", days=days), 404
    form = PasswordForm()
    if form.validate_on_submit():
        accept_invite(db.session, user, form.password.data)
        db.session.commit()
        sessions.start(user)
        flash(_("Welcome! Your password is saved."), "success")
        return redirect(url_for("organizer.home"))
    return render_template("organizer/auth/invite.html", form=form, user=user), (
        422 if form.errors else 200
    )

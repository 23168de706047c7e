"""Forgot password: a one-time link by e-mail, and the page that sets a new password.

The request page answers the same whether an account has the address or not, and as fast:
the mail goes out from a background thread, so no one can learn which addresses have
accounts. Without mail settings the page says to ask an admin, who prints a link with
``trygghet user reset-link``.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.extensions import db, limiter
from survey.services.accounts import (
    RESET_VALID_FOR,
    find_by_reset_token,
    normalize_email,
    request_reset,
    reset_password,
)
from survey.services.mail import SmtpSettings, compose, send_in_background, smtp_settings
from survey.web.limits import keyed_hash
from survey.web.urls import absolute_url

from .. import bp
from . import sessions
from .forms import ForgotPasswordForm, PasswordForm

#: Reset requests per client, whatever the addresses (probing many addresses, mail floods).
RESET_CLIENT_LIMIT = "5 per 15 minutes"
#: Reset requests per address, from any client: one mailbox gets a few links an hour at most.
RESET_ADDRESS_LIMIT = "3 per hour"
#: How long a link works, as told in the mail and on the pages.
VALID_MINUTES = int(RESET_VALID_FOR.total_seconds() // 60)


def _address_key() -> str:
    # Hashed like the login's key: the limiter's storage holds no e-mail address.
    email = normalize_email(request.form.get("email", ""))[:254]
    return f"reset-address:{keyed_hash(email)}"


def _reset_mail(
    settings: SmtpSettings, email: str, token: str, send: bool
) -> Callable[[], EmailMessage | None]:
    """What makes the mail, in the requester's language; None for an address with no account."""
    subject = _("Choose a new password for Trygghet")
    body = _(
        "Someone, hopefully you, asked to choose a new password for the account "
        "%(email)s on Trygghet.\n\n"
        "Open this link within %(minutes)d minutes to choose a new password:\n\n"
        "%(link)s\n\n"
        "The link works once. If you did not ask for it, you can ignore this e-mail: "
        "your password stays as it is.",
        email=email,
        minutes=VALID_MINUTES,
        link=absolute_url("organizer.password_reset", token=token),
    )
    return lambda: compose(settings, email, subject, body) if send else None


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(RESET_CLIENT_LIMIT, methods=["POST"])
@limiter.limit(RESET_ADDRESS_LIMIT, methods=["POST"], key_func=_address_key)
def forgot_password():
    settings = smtp_settings(current_app.config)
    if settings is None:
        return render_template("organizer/auth/forgot.html", form=None)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        user, token = request_reset(db.session, email)
        # The same work whether or not the account exists, and the mail is made and sent
        # in a thread started once the answer has gone out (the WSGI server closes the
        # response), so the answer takes as long either way. A failed send is logged, not
        # shown: that would tell that the account exists.
        make = _reset_mail(settings, user.email if user else email, token, user is not None)
        response = redirect(url_for("organizer.reset_sent"))
        response.call_on_close(lambda: send_in_background(settings, make))
        return response
    return render_template("organizer/auth/forgot.html", form=form), (422 if form.errors else 200)


@bp.get("/forgot-password/sent")
def reset_sent():
    return render_template("organizer/auth/reset_sent.html", minutes=VALID_MINUTES)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    user = find_by_reset_token(db.session, token)
    if user is None:
        return render_template("organizer/auth/reset_invalid.html", minutes=VALID_MINUTES), 404
    form = PasswordForm()
    if form.validate_on_submit():
        # Ends every other session of the user (and makes this link unusable).
        reset_password(db.session, user, form.password.data)
        db.session.commit()
        sessions.start(user)
        flash(_("Your new password is saved."), "success")
        return redirect(url_for("organizer.home"))
    return render_template("organizer/auth/reset.html", form=form, user=user), (
        422 if form.errors else 200
    )

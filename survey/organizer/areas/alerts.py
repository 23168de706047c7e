"""Deviations marked as handled on the dashboard, and each user's choice of the e-mail digest.

Both writes are audited (services/alerts.py). The digest itself goes out from the CLI
(``trygghet alerts send``, and after every crime fetch or import).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

from survey.db import or_404
from survey.extensions import db
from survey.models import Area
from survey.models.alerts import NOTE_MAX
from survey.services import alerts
from survey.services.mail import smtp_settings
from survey.web.fields import REQUIRED, no_control_characters

from .. import bp, menu_item, organizer_required

menu_item("organizer.alert_settings", _l("E-mail alerts"))


class HandledForm(FlaskForm):
    """One deviation (its category and month, from the row) and what was done about it."""

    # A NUL reached the alerts' lookup, which PostgreSQL's driver refuses: a 500.
    category = HiddenField(
        validators=[InputRequired(REQUIRED), Length(max=120), no_control_characters]
    )
    month = HiddenField(validators=[InputRequired(REQUIRED), Regexp(r"^\d{4}-\d{2}$")])
    note = TextAreaField(
        _l("What was done, and with which partners"),
        validators=[
            InputRequired(_l("Write what was done, and with which partners.")),
            Length(max=NOTE_MAX, message=_l("Write at most %(max)d characters.")),
        ],
    )


class NotifyForm(FlaskForm):
    notify = BooleanField(_l("E-mail me a digest when crime deviates from the usual"))


def dashboard_marks(slug: str) -> dict[tuple[str, str], Any]:
    """The area's deviations seen before, by (category, YYYY-MM): who handled them, the note."""
    area = db.session.scalar(select(Area).where(Area.slug == slug))
    return alerts.marks(db.session, area) if area is not None else {}


def _month(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        return None


@bp.post("/areas/<area>/deviations/handled")
@organizer_required
def deviation_handled(area: str):
    found = or_404(db.session.scalar(select(Area).where(Area.slug == area)))
    back = url_for("organizer.area", area=area, _anchor="deviations")
    # A refusal is said at the top of the page, where the messages are: at the deviations
    # further down it was out of sight.
    refused = url_for("organizer.area", area=area)
    form = HandledForm()
    month = _month(form.month.data or "")
    if not form.validate_on_submit() or month is None:
        errors = form.note.errors or [_("The form had expired or was changed: try again.")]
        flash(str(errors[0]), "error")
        return redirect(refused)
    try:
        alerts.mark_handled(
            db.session,
            found,
            form.category.data,
            month,
            form.note.data,
            current_user._get_current_object(),
        )
    except alerts.AlertError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(refused)
    db.session.commit()
    flash(_("Marked as handled, with your note."), "success")
    return redirect(back)


@bp.get("/alerts")
@organizer_required
def alert_settings():
    form = NotifyForm(notify=current_user.notify_deviations)
    return _settings_page(form)


@bp.post("/alerts")
@organizer_required
def alert_settings_save():
    form = NotifyForm()
    if not form.validate_on_submit():
        flash(_("The form had expired: try again."), "error")
        return redirect(url_for("organizer.alert_settings"))
    changed = alerts.set_notify(db.session, current_user._get_current_object(), form.notify.data)
    db.session.commit()
    if changed and form.notify.data and smtp_settings(current_app.config) is None:
        # "You will get an e-mail" was not so: no digest is sent until mail is set up.
        flash(
            _("Saved. Mail is not set up on this server yet: you will get the e-mails once it is."),
            "success",
        )
    elif changed:
        flash(
            _("You will get an e-mail when crime deviates.")
            if form.notify.data
            else _("You will no longer get e-mails about deviations."),
            "success",
        )
    return redirect(url_for("organizer.alert_settings"))


def _settings_page(form: NotifyForm):
    return render_template(
        "organizer/alerts.html",
        form=form,
        mail_configured=smtp_settings(current_app.config) is not None,
    )

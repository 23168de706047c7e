"""Held answers: a burst of answers to one place waits here for an organizer's review.

The page shows how many answers were held per place and day (never what they say). Release
counts them in every figure again; discard deletes them. Both are audited. A meeting is
opened here too (``survey.web.meetings``): a room answering from one network, whose bursts
then wait here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from ..dates import local_datetime
from ..db import or_404
from ..extensions import db, limiter
from ..models import Area, Place
from ..services import audit
from ..services.held import discard_held, held_groups, release_held
from ..web.fields import INVALID_CHOICE, REQUIRED
from ..web.meetings import MEETING_HOURS, close_meeting, meeting_until, open_meeting
from . import bp, organizer_required


class MeetingForm(FlaskForm):
    hours = SelectField(
        _l("How long"),
        coerce=int,
        validators=[InputRequired(REQUIRED)],
        invalid_choice_message=INVALID_CHOICE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hours.choices = [
            (hours, ngettext("%(num)d hour", "%(num)d hours", hours)) for hours in MEETING_HOURS
        ]


class HeldForm(FlaskForm):
    place = IntegerField(validators=[InputRequired(REQUIRED)])
    day = DateField(validators=[InputRequired(REQUIRED)])
    action = SelectField(
        choices=[SelectChoice("release", "release"), SelectChoice("discard", "discard")],
        validators=[InputRequired(REQUIRED)],
        invalid_choice_message=INVALID_CHOICE,
    )


def _area_or_404(slug: str) -> Area:
    return or_404(db.session.scalar(select(Area).where(Area.slug == slug)))


@bp.get("/areas/<area>/held")
@organizer_required
def held_answers(area: str):
    found = _area_or_404(area)
    return render_template(
        "organizer/held.html",
        area=found,
        groups=held_groups(db.session, found),
        form=HeldForm(),
        meeting=MeetingForm(hours=3),
        meeting_until=_until(found.id),
        limits_on=limiter.enabled,
    )


def _until(area_id: int) -> str | None:
    """When the area's open meeting ends in local time (16:30; another day with its date), or
    None when none is open."""
    until = meeting_until(area_id)
    if until is None:
        return None
    zone = ZoneInfo(current_app.config["TRYGGHET_TIMEZONE"])
    if until.astimezone(zone).date() != dt.datetime.now(zone).date():
        return local_datetime(until)
    return until.astimezone(zone).strftime("%H:%M")


@bp.post("/areas/<area>/meeting")
@organizer_required
def meeting(area: str):
    """Open the area's places for a meeting for some hours, or close it (``close``)."""
    found = _area_or_404(area)
    back = redirect(url_for("organizer.held_answers", area=area))
    if "close" in request.form:
        close_meeting(found.id)
        audit.record(db.session, "area.meeting_closed", found)
        db.session.commit()
        flash(_("The meeting is closed: the ordinary limit holds again."), "success")
        return back
    form = MeetingForm()
    if not form.validate_on_submit():
        flash(_("Choose how many hours the meeting lasts."), "error")
        return back
    if open_meeting(found.id, form.hours.data) is None:
        flash(
            _("The meeting could not be opened: the rate limit's counters did not answer."), "error"
        )
        return back
    audit.record(db.session, "area.meeting_opened", found, {"hours": form.hours.data})
    db.session.commit()
    flash(_("Open for a meeting until %(time)s.", time=_until(found.id)), "success")
    return back


@bp.post("/areas/<area>/held")
@organizer_required
def held_review(area: str):
    found = _area_or_404(area)
    form = HeldForm()
    if not form.validate_on_submit():
        flash(_("Choose a group of held answers and what to do with it."), "error")
        return redirect(url_for("organizer.held_answers", area=area))
    place = db.session.get(Place, form.place.data)
    if place is None or place.area_id != found.id:
        abort(404)
    day: dt.date = form.day.data
    if form.action.data == "release":
        done = release_held(db.session, place, day)
        message = _("%(num)d answers released: they count again.", num=done)
    else:
        done = discard_held(db.session, place, day)
        message = _("%(num)d answers discarded.", num=done)
    db.session.commit()
    if not done:
        message = _("Those answers were already reviewed.")
    flash(message, "success" if done else "info")
    return redirect(url_for("organizer.held_answers", area=area))

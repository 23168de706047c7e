"""Held answers: a burst of answers to one place waits here for an organizer's review.

The page shows how many answers were held per place and day (never what they say). Release
counts them in every figure again; discard deletes them. Both are audited.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from ..db import or_404
from ..extensions import db
from ..models import Area, Place
from ..services.held import discard_held, held_groups, release_held
from ..web.fields import INVALID_CHOICE, REQUIRED
from . import bp, organizer_required


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
        "organizer/held.html", area=found, groups=held_groups(db.session, found), form=HeldForm()
    )


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

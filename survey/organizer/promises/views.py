"""Citizen promises (medborgarlöften): record them, log the work done, read the follow-up."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from survey import labels
from survey.db import or_404
from survey.extensions import db
from survey.models import Promise, PromiseActivity
from survey.reports.organizer_form import hide_counts
from survey.services.places import current_places
from survey.services.promises import (
    add_activity,
    create_promise,
    crime_categories,
    delete_activity,
    delete_promise,
    form_choices,
    get_promise,
    list_promises,
    promise_followup,
    update_promise,
)

from .. import bp, menu_item, organizer_required
from .forms import ActivityForm, PromiseForm, promise_data

menu_item("organizer.promises", _l("Citizen promises"))

TEMPLATES = "organizer/promises/"


def _number(value: float) -> str:
    return format_decimal(value, "0.##")


def _labels() -> dict[str, Any]:
    """Readable names for stored keys, and number formats, for the templates."""
    return {
        "problems": labels.survey_problems(str(get_locale())),
        "times": labels.TIMES,
        "kinds": labels.ACTIVITY_KINDS,
        "statuses": labels.STATUSES,
        "number": _number,
    }


def _status(form: FlaskForm) -> int:
    return 422 if form.errors else 200


def _activity_or_404(promise: Promise, activity_id: int) -> PromiseActivity:
    # Only an activity of this promise: the address names both.
    return or_404(next((a for a in promise.activities if a.id == activity_id), None))


def _promise_form(promise: Promise | None) -> PromiseForm:
    areas, rounds = form_choices(db.session)
    locale = str(get_locale())
    known = crime_categories(db.session)
    if promise is None:
        return PromiseForm(areas=areas, rounds=rounds, locale=locale, known_categories=known)
    return PromiseForm(
        data=promise_data(promise),
        areas=areas,
        rounds=rounds,
        locale=locale,
        known_categories=known,
        chosen=promise.places,
        activities=promise.activities,
    )


def _detail(promise: Promise, form: ActivityForm):
    threshold = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    result = promise_followup(db.session, promise, threshold)
    hide_counts(result, threshold)  # a hidden figure's count would say what the few answered
    return render_template(
        TEMPLATES + "detail.html", promise=promise, result=result, form=form, **_labels()
    ), _status(form)


def _activity_form(promise: Promise) -> ActivityForm:
    return ActivityForm(promise=promise, places=current_places(db.session, promise.area_id))


def _to_promise(promise_id: int, anchor: str | None = None):
    return redirect(url_for("organizer.promise", promise_id=promise_id, _anchor=anchor), 303)


@bp.get("/promises")
@organizer_required
def promises():
    return render_template(TEMPLATES + "list.html", rows=list_promises(db.session))


@bp.route("/promises/new", methods=["GET", "POST"])
@organizer_required
def promise_new():
    form = _promise_form(None)
    if form.validate_on_submit():
        promise = create_promise(db.session, form.values())
        db.session.commit()
        flash(_("The promise is saved."), "success")
        return _to_promise(promise.id)
    return render_template(TEMPLATES + "form.html", form=form, promise=None), _status(form)


@bp.get("/promises/<int:promise_id>")
@organizer_required
def promise(promise_id: int):
    found = or_404(get_promise(db.session, promise_id))
    return _detail(found, _activity_form(found))


@bp.route("/promises/<int:promise_id>/edit", methods=["GET", "POST"])
@organizer_required
def promise_edit(promise_id: int):
    found = or_404(get_promise(db.session, promise_id))
    form = _promise_form(found)
    if form.validate_on_submit():
        if update_promise(db.session, found, form.values()):
            db.session.commit()
            flash(_("The changes are saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return _to_promise(found.id)
    return render_template(TEMPLATES + "form.html", form=form, promise=found), _status(form)


@bp.route("/promises/<int:promise_id>/delete", methods=["GET", "POST"])
@organizer_required
def promise_delete(promise_id: int):
    found = or_404(get_promise(db.session, promise_id))
    form = FlaskForm()
    if form.validate_on_submit():
        delete_promise(db.session, found)
        db.session.commit()
        flash(_("The promise is deleted."), "success")
        return redirect(url_for("organizer.promises"), 303)
    return render_template(
        TEMPLATES + "confirm_delete.html", form=form, promise=found, activity=None, **_labels()
    ), _status(form)


@bp.post("/promises/<int:promise_id>/activities")
@organizer_required
def activity_add(promise_id: int):
    found = or_404(get_promise(db.session, promise_id))
    form = _activity_form(found)
    if form.validate_on_submit():
        add_activity(db.session, found, form.values())
        db.session.commit()
        flash(_("The activity is logged."), "success")
        return _to_promise(found.id, "activities")
    return _detail(found, form)


@bp.route("/promises/<int:promise_id>/activities/<int:activity_id>/delete", methods=["GET", "POST"])
@organizer_required
def activity_delete(promise_id: int, activity_id: int):
    found = or_404(get_promise(db.session, promise_id))
    activity = _activity_or_404(found, activity_id)
    form = FlaskForm()
    if form.validate_on_submit():
        delete_activity(db.session, activity)
        db.session.commit()
        flash(_("The activity is deleted."), "success")
        return _to_promise(found.id, "activities")
    return render_template(
        TEMPLATES + "confirm_delete.html",
        form=form,
        promise=found,
        activity=activity,
        **_labels(),
    ), _status(form)

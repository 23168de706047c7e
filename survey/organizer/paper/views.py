"""Keying in paper questionnaires, one after the other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from survey.extensions import db
from survey.imports.responses import record_paper_response
from survey.models import SurveyRound
from survey.services.responses import areas_with_places, find_place, live_questionnaire

from .. import bp, menu_item, organizer_required
from .forms import paper_form_class

menu_item("organizer.paper", _l("Paper answers"))


def _preselected(args: Any) -> dict[str, Any]:
    """Place, date and round carried over from the form saved just before."""
    kept: dict[str, Any] = {"place": args.get("place", ""), "survey_round": args.get("round", "")}
    try:
        kept["written_on"] = dt.date.fromisoformat(args.get("date", ""))
    except ValueError:
        pass
    return kept


def _round_fits(form: Any) -> bool:
    """A chosen round must be open, on the form's date, for the place's area."""
    if not form.survey_round.data:
        return True
    chosen = db.session.get(SurveyRound, int(form.survey_round.data))
    place = find_place(db.session, form.place.data)
    if chosen is not None and place is not None and place.area in chosen.areas:
        if chosen.is_open_on(form.written_on.data):
            return True
    form.survey_round.errors.append(_("This round was not open for the place's area on that date."))
    return False


@bp.route("/paper", methods=["GET", "POST"])
@organizer_required
def paper():
    questionnaire = live_questionnaire(db.session)
    form = paper_form_class(questionnaire, str(get_locale()))(**_preselected(request.args))
    rounds = db.session.scalars(
        select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
    )
    form.set_choices(areas_with_places(db.session), list(rounds))
    if form.validate_on_submit() and _round_fits(form):
        place = find_place(db.session, form.place.data)
        round_id = int(form.survey_round.data) if form.survey_round.data else None
        response = record_paper_response(
            db.session, place, questionnaire, form.answers(), form.written_on.data, round_id
        )
        db.session.commit()
        flash(
            _(
                "Saved paper form %(id)d for %(place)s. The form is ready for the next one.",
                id=response.id,
                place=place.name,
            ),
            "success",
        )
        keep = {
            "place": place.slug,
            "date": form.written_on.data.isoformat(),
            "round": form.survey_round.data or "",
        }
        return redirect(url_for("organizer.paper", **{k: v for k, v in keep.items() if v}), 303)
    return (
        render_template("organizer/paper/form.html", form=form, questionnaire=questionnaire),
        422 if form.errors else 200,
    )

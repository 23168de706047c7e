"""Keying in paper questionnaires, one after the other, numbered in a batch per sitting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from survey.extensions import db
from survey.models import SurveyRound
from survey.services.paper import paper_batch, record_paper_answer
from survey.services.responses import (
    area_choices,
    areas_with_places,
    find_place,
    live_questionnaire,
)

from .. import bp, menu_item, organizer_required
from . import answers, batches  # noqa: F401  (their routes)
from .forms import paper_form_class, round_fits

menu_item("organizer.paper", _l("Paper answers"))


def _preselected(args: Any) -> dict[str, Any]:
    """Place, date and round carried over from the form saved just before."""
    kept: dict[str, Any] = {
        "place": args.get("place", ""),
        "survey_round": args.get("round", ""),
        "batch": args.get("batch", ""),
    }
    try:
        kept["written_on"] = dt.date.fromisoformat(args.get("date", ""))
    except ValueError:
        pass
    return kept


@bp.route("/paper", methods=["GET", "POST"])
@organizer_required
def paper():
    questionnaire = live_questionnaire(db.session)
    form = paper_form_class(questionnaire, str(get_locale()))(**_preselected(request.args))
    rounds = db.session.scalars(
        select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
    )
    form.set_choices(areas_with_places(db.session), list(rounds))
    if questionnaire.asks("area"):
        form.set_areas(area_choices(db.session))
    if form.validate_on_submit() and round_fits(form, db.session):
        place = find_place(db.session, form.place.data)
        round_id = int(form.survey_round.data) if form.survey_round.data else None
        batch = paper_batch(db.session, form.batch_id(), current_user.email)
        response = record_paper_answer(
            db.session, batch, place, questionnaire, form.answers(), form.written_on.data, round_id
        )
        db.session.commit()
        flash(
            _(
                "Saved paper form number %(number)d of batch %(batch)d (%(place)s): write"
                " %(number)d on the paper form to find it again. The form is ready for the"
                " next one.",
                number=response.key_number,
                batch=batch.id,
                place=place.name,
            ),
            "success",
        )
        keep = {
            "place": place.slug,
            "date": form.written_on.data.isoformat(),
            "round": form.survey_round.data or "",
            "batch": str(batch.id),
        }
        return redirect(url_for("organizer.paper", **{k: v for k, v in keep.items() if v}), 303)
    return (
        render_template("organizer/paper/form.html", form=form, questionnaire=questionnaire),
        422 if form.errors else 200,
    )

"""Survey rounds (trygghetsmätningar): when residents of which areas may answer."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectChoice, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from .. import clock
from ..extensions import db
from ..models import Area, SurveyRound
from ..services.rounds import RoundError, delete_round, rounds_with_counts, save_round
from ..web.fields import (
    INVALID_CHOICE,
    REQUIRED,
    CheckboxGroupField,
    DateInputField,
    one_line_text,
    text_area,
)
from . import bp, menu_item, organizer_required

menu_item("organizer.rounds", _l("Survey rounds"))


class RoundForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(REQUIRED), Length(max=200), one_line_text],
        description=_l("E.g. Trygghetsmätning hösten 2026"),
    )
    areas = CheckboxGroupField(
        _l("Areas"),
        invalid_choice_message=INVALID_CHOICE,
        coerce=int,
        validators=[InputRequired(_l("Choose at least one area."))],
    )
    opens_on = DateInputField(
        _l("Opens on"), validators=[InputRequired(REQUIRED)], description=_l("YYYY-MM-DD")
    )
    closes_on = DateInputField(
        _l("Last day"),
        validators=[Optional()],
        description=_l("Leave empty to keep the round open until you close it."),
    )
    paper_return = text_area(
        _l("Where residents hand in paper questionnaires"),
        300,
        description=_l(
            "Printed on the paper questionnaire under the last day, as you write it here, in"
            " every language of the form. E.g. “Put the form in the yellow box at the entrance"
            " of Brommaplan library.” Empty: “Give it to the person who gave you the form.”"
        ),
    )
    by_invitation = BooleanField(
        _l("By invitation: only residents with a code from a letter answer"),
        description=_l(
            "For a random sample. The places' open links and posters then say that the round"
            " is by invitation."
        ),
    )

    def validate_closes_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The last day cannot be before the opening day."))


def _with_areas(form: RoundForm) -> RoundForm:
    areas = db.session.scalars(select(Area).order_by(Area.name))
    form.areas.choices = [SelectChoice(a.id, a.name) for a in areas]
    return form


@bp.get("/rounds")
@organizer_required
def rounds():
    return render_template(
        "organizer/rounds.html", rounds=rounds_with_counts(db.session), today=clock.today()
    )


def _edit(survey_round: SurveyRound | None):
    form = _with_areas(RoundForm(obj=survey_round))
    if survey_round is not None and not form.is_submitted():
        form.areas.data = [a.id for a in survey_round.areas]
    if form.validate_on_submit():
        areas = list(db.session.scalars(select(Area).where(Area.id.in_(form.areas.data))))
        try:
            saved = save_round(
                db.session,
                survey_round,
                form.name.data,
                areas,
                form.opens_on.data,
                form.closes_on.data,
                by_invitation=form.by_invitation.data,
                paper_return=form.paper_return.data or "",
            )
        except RoundError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The round %(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("organizer.rounds"), code=303)
    return render_template("organizer/round_form.html", form=form, survey_round=survey_round), (
        422 if form.errors else 200
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
@organizer_required
def round_new():
    return _edit(None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@organizer_required
def round_edit(round_id: int):
    return _edit(db.get_or_404(SurveyRound, round_id))


@bp.route("/rounds/<int:round_id>/delete", methods=["GET", "POST"])
@organizer_required
def round_delete(round_id: int):
    survey_round = db.get_or_404(SurveyRound, round_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            delete_round(db.session, survey_round)
        except RoundError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("organizer.rounds"), code=303)
        db.session.commit()
        flash(_("The round is deleted."), "success")
        return redirect(url_for("organizer.rounds"), code=303)
    return render_template("organizer/round_delete.html", survey_round=survey_round, form=form)

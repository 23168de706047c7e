"""The form for keying in one paper questionnaire: where and when, then every item."""

from __future__ import annotations

import functools
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from survey.models import Area, SurveyRound
from survey.public.forms import item_fields
from survey.questionnaire import Questionnaire
from survey.web.fields import REQUIRED, DateInputField, optional_choice

from ..dialogues.forms import not_in_future


class PaperForm(FlaskForm):
    """Base of the generated paper forms; subclasses add one field per questionnaire item."""

    questionnaire: Questionnaire

    place = SelectField(
        _l("Place"),
        validators=[InputRequired(REQUIRED)],
        invalid_choice_message=_l("Choose one of the places in the list."),
    )
    written_on = DateInputField(
        _l("Date on the paper form"),
        validators=[InputRequired(REQUIRED), not_in_future],
        format="%Y-%m-%d",
        description=_l("The day the resident filled in the form."),
    )
    survey_round = SelectField(
        _l("Survey round"),
        validators=[optional_choice()],
        invalid_choice_message=_l("Choose one of the rounds in the list."),
        description=_l("Leave it to use the round open on that date for the place's area."),
    )

    def set_choices(self, areas: list[Area], rounds: list[SurveyRound]) -> None:
        """Offer the current places grouped by area, and every round."""
        self.place.choices = [SelectChoice("", _("Choose a place"))] + [
            SelectChoice(place.slug, place.name, optgroup=area.name)
            for area in areas
            for place in area.places
        ]
        self.survey_round.choices = [SelectChoice("", _("The round open on that date"))] + [
            SelectChoice(str(r.id), _round_label(r)) for r in rounds
        ]

    def answers(self) -> dict[str, str | None]:
        """The stored values for a validated form."""
        return self.questionnaire.clean(
            {code: self[code].data for code in self.questionnaire.codes}
        )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        # On paper nothing is required, but a form with no answer at all is a slip.
        if not any(self.answers().values()):
            self.form_errors.append(_("Fill in at least one answer from the paper form."))
            return False
        return True


def _round_label(survey_round: SurveyRound) -> str:
    closes = survey_round.closes_on.isoformat() if survey_round.closes_on else "…"
    return f"{survey_round.name} ({survey_round.opens_on.isoformat()} – {closes})"


@functools.cache
def paper_form_class(questionnaire: Questionnaire, locale: str) -> type[PaperForm]:
    """Build (once per questionnaire version and language) the paper form class."""
    fields: dict[str, Any] = dict(item_fields(questionnaire, locale, enforce_required=False))
    fields["questionnaire"] = questionnaire
    return type(f"PaperFormV{questionnaire.version}", (PaperForm,), fields)

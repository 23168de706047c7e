"""The form for keying in one paper questionnaire: where and when, then every item."""

from __future__ import annotations

import functools
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from analysis.collation import swedish_sorted
from survey import labels
from survey.models import Area, SurveyRound
from survey.public.forms import item_fields
from survey.questionnaire import Questionnaire
from survey.services.invitations import find_code, normalize_code
from survey.services.responses import area_choices, areas_with_places, find_place, open_round
from survey.web.fields import (
    REQUIRED,
    DateInputField,
    WholeNumberField,
    in_range,
    optional_choice,
)

from ..dialogues.forms import not_in_future
from .overticked import limited_codes, with_invalid_choice, without_invalid

#: The round choice for a form saved without a round, on purpose.
NO_ROUND = "none"
NO_ROUND_OPEN = _l(
    "No survey round was open on that date for the place's area: choose a round, or choose to"
    " save without a round."
)


def _name(named: Any) -> str:
    return str(named.name)


class PaperForm(FlaskForm):
    """Base of the generated paper forms; subclasses add one field per questionnaire item."""

    questionnaire: Questionnaire
    #: Item codes of this form (text items are left out for someone who may not read them).
    codes: tuple[str, ...]

    #: The key-in batch to go on with (the user's own, from the form saved just before).
    batch = HiddenField()
    #: A random name of this blank form, so that the same page sent again is recognised.
    sheet = HiddenField()
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
    invitation_code = StringField(
        _l("Code from the invitation letter"),
        description=_l("Only for a round by invitation: the code the resident wrote on the form."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )

    def set_choices(self, areas: list[Area], rounds: list[SurveyRound]) -> None:
        """Offer the current places grouped by area, and every round."""
        self.place.choices = [SelectChoice("", _("Choose a place"))] + [
            SelectChoice(place.slug, place.name, optgroup=area.name)
            for area in swedish_sorted(areas, _name)
            for place in swedish_sorted(area.places, _name)
        ]
        self.survey_round.choices = [
            SelectChoice("", _("The round open on that date")),
            SelectChoice(NO_ROUND, _("No round: save without a round")),
        ] + [SelectChoice(str(r.id), round_label(r)) for r in rounds]

    def load_choices(self, session: Session) -> None:
        """Offer the places, every round (newest first) and, where asked, the home areas."""
        rounds = session.scalars(
            select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
        )
        self.set_choices(areas_with_places(session), list(rounds))
        if self.questionnaire.asks("area"):
            self.set_areas(area_choices(session))

    def set_areas(self, areas: list[tuple[str, str]]) -> None:
        """Offer these (slug, name) areas in every home-area item."""
        for code in self.codes:
            if self.questionnaire.item(code).type == "area":
                self[code].set_areas(areas)

    def answers(self) -> dict[str, str | None]:
        """The stored values for a validated form (only of the items it has); a question
        keyed in as invalid (too many ticks) is not answered."""
        raw = without_invalid(
            {code: self[code].data for code in self.codes}, limited_codes(self.questionnaire)
        )
        cleaned = self.questionnaire.clean(raw)
        return {code: cleaned[code] for code in self.codes}

    def round_id(self) -> int | None:
        """The round chosen; None both for "the round open on that date" and for no round."""
        chosen = self.survey_round.data or ""
        return int(chosen) if chosen.isdigit() else None

    def batch_id(self) -> int | None:
        raw = self.batch.data or ""
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        # On paper nothing is required, but a form with no answer at all is a slip.
        if not any(self.answers().values()):
            self.form_errors.append(_("Fill in at least one answer from the paper form."))
            return False
        return True


def round_fits(form: PaperForm, session: Session) -> bool:
    """A chosen round must be open, on the form's date, for the place's area; with none
    chosen, one must be open then, or "no round" must be chosen on purpose."""
    place = find_place(session, form.place.data)
    if form.survey_round.data in ("", NO_ROUND) and place is not None:
        found = open_round(session, place.area_id, form.written_on.data)
        if found is None and form.survey_round.data == "":
            form.survey_round.errors.append(NO_ROUND_OPEN)
            return False
        if found is not None and form.survey_round.data == NO_ROUND:
            form.survey_round.errors.append(
                _(
                    "The round %(name)s was open on that date for the place's area: choose it,"
                    " or the round open on that date.",
                    name=labels.display_name(found.name),
                )
            )
            return False
        return True
    if not form.survey_round.data:
        return True
    chosen = session.get(SurveyRound, int(form.survey_round.data))
    if chosen is not None and place is not None and place.area in chosen.areas:
        if chosen.is_open_on(form.written_on.data):
            return True
    form.survey_round.errors.append(_("This round was not open for the place's area on that date."))
    return False


def chosen_round(form: PaperForm, session: Session) -> SurveyRound | None:
    """The round the answer goes to (after round_fits): the one chosen, or the one open."""
    if form.round_id() is not None:
        return session.get(SurveyRound, form.round_id())
    if form.survey_round.data == NO_ROUND:
        return None
    place = find_place(session, form.place.data)
    return open_round(session, place.area_id, form.written_on.data) if place else None


def invitation_fits(form: PaperForm, session: Session, secret: str) -> str | None:
    """For a round by invitation, the normalized code, usable for the place's area; else None.

    Puts a per-field message on the code (or the round) when it does not fit; returns "" for
    a round not by invitation (and no code typed).
    """
    survey_round = chosen_round(form, session)
    field = form.invitation_code
    typed = (field.data or "").strip()
    if survey_round is None or not survey_round.by_invitation:
        if typed:
            field.errors = [_("This round is not by invitation: leave the code empty.")]
            return None
        return ""
    if not typed:
        field.errors = [_("This round is by invitation: type the code the resident wrote.")]
        return None
    code = normalize_code(typed)
    if code is None:
        field.errors = [_("A code has 10 letters and digits, like KM7QA-4XTP2 (no 0, O, 1, I, L).")]
        return None
    found = find_code(session, secret, code)
    place = find_place(session, form.place.data)
    if found is None or found.round_id != survey_round.id:
        field.errors = [_("No letter of this round has this code. Check it for typing errors.")]
        return None
    if place is None or found.area_id != place.area_id:
        field.errors = [_("This code is from a letter to another area than the place's.")]
        return None
    if found.used:
        field.errors = [_("This code has already been used: each code answers once.")]
        return None
    return code


def round_label(survey_round: SurveyRound) -> str:
    closes = survey_round.closes_on.isoformat() if survey_round.closes_on else "…"
    return (
        f"{labels.display_name(survey_round.name)} ({survey_round.opens_on.isoformat()} – {closes})"
    )


@functools.cache
def paper_form_class(
    questionnaire: Questionnaire, locale: str, with_text: bool = True
) -> type[PaperForm]:
    """Build (once per questionnaire version, language and kind) the paper form class.

    Without ``with_text`` the free-text items (the comment) are left out: a correction by
    someone who may not read comments keeps them as they are.
    """
    fields: dict[str, Any] = {
        code: field
        for code, field in item_fields(questionnaire, locale, enforce_required=False).items()
        if with_text or questionnaire.item(code).type != "text"
    }
    for code, limit in limited_codes(questionnaire).items():
        fields[code] = with_invalid_choice(fields[code], limit)
    fields["questionnaire"] = questionnaire
    fields["codes"] = tuple(code for code in questionnaire.codes if code in fields)
    name = f"PaperFormV{questionnaire.version}{'' if with_text else 'NoText'}"
    return type(name, (PaperForm,), fields)


def form_data(
    response: Any, questionnaire: Questionnaire, added: dict[str, str] | None = None
) -> dict[str, Any]:
    """A stored paper answer as the paper form's data, to correct it (``added``: its answers
    to added items, by code)."""
    data: dict[str, Any] = {
        "place": response.place.slug,
        "written_on": response.submitted_on,
        "survey_round": str(response.round_id) if response.round_id else NO_ROUND,
    }
    for item in questionnaire.items:
        value = getattr(response, item.code, None)
        if added is not None and item.code in added:
            value = added[item.code]
        data[item.code] = value.split(";") if item.type == "multi" and value else value
    return data


class PaperSearchForm(FlaskForm):
    """Finding paper answers again: by batch, place, date and key-in number (a GET form)."""

    class Meta:
        csrf = False

    batch = WholeNumberField(_l("Batch"), validators=[Optional(), in_range(1, 10**9)])
    place = SelectField(
        _l("Place"),
        validators=[optional_choice()],
        invalid_choice_message=_l("Choose one of the places in the list."),
    )
    written_on = DateInputField(_l("Date on the paper form"), validators=[Optional()])
    number = WholeNumberField(
        _l("Number in the batch"), validators=[Optional(), in_range(1, 10**9)]
    )

    def set_places(self, areas: list[Area]) -> None:
        self.place.choices = [SelectChoice("", _("Every place"))] + [
            SelectChoice(place.slug, place.name, optgroup=area.name)
            for area in swedish_sorted(areas, _name)
            for place in swedish_sorted(area.places, _name)
        ]

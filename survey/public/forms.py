"""The survey form, built at run time from the questionnaire (field names = item codes)."""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..questionnaire import Item, Questionnaire, text

#: The honeypot: hidden from people, filled in by naive bots; such posts are dropped.
HONEYPOT = "homepage"

REQUIRED = _l("Answer this question.")
INVALID_CHOICE = _l("Choose one of the options shown.")


class MaxChoices:
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        if field.data and len(field.data) > self.limit:
            raise ValidationError(_l("Choose at most %(n)d options.", n=self.limit))


class CheckboxGroupField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SurveyForm(FlaskForm):
    """Base of every generated survey form; subclasses add one field per item."""

    questionnaire: Questionnaire

    def answers(self) -> dict[str, str | None]:
        """The stored values for a validated form."""
        raw = {code: self[code].data for code in self.questionnaire.codes}
        return self.questionnaire.clean(raw)

    @property
    def is_bot(self) -> bool:
        return bool(self[HONEYPOT].data)


def _field(item: Item, locale: str) -> Field:
    label = text(item.label, locale)
    description = text(item.hint, locale)
    choices = [SelectChoice(o.value, text(o.label, locale)) for o in item.options]
    if item.type == "single":
        validators = [InputRequired(REQUIRED)] if item.required else [Optional()]
        return RadioField(
            label,
            choices=choices,
            validators=validators,
            description=description,
            invalid_choice_message=INVALID_CHOICE,
        )
    if item.type == "multi":
        validators = [InputRequired(REQUIRED)] if item.required else [Optional()]
        if item.max_choices:
            validators.append(MaxChoices(item.max_choices))
        return CheckboxGroupField(
            label,
            choices=choices,
            validators=validators,
            description=description,
            invalid_choice_message=INVALID_CHOICE,
        )
    limit = item.max_length or 1000
    return TextAreaField(
        label,
        validators=[
            InputRequired(REQUIRED) if item.required else Optional(),
            Length(max=limit, message=_l("Write at most %(max)d characters.", max=limit)),
        ],
        description=description,
        render_kw={"maxlength": limit, "rows": 5},
    )


@functools.cache
def survey_form_class(questionnaire: Questionnaire, locale: str) -> type[SurveyForm]:
    """Build (once per questionnaire version and language) the form class."""
    fields: dict[str, object] = {item.code: _field(item, locale) for item in questionnaire.items}
    fields[HONEYPOT] = StringField(
        _l("Leave this field empty"),
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )
    fields["questionnaire"] = questionnaire
    return type(f"SurveyFormV{questionnaire.version}", (SurveyForm,), fields)

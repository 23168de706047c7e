"""The area dashboard's filters: a GET form whose valid values become analysis Filters."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from analysis.survey import Filters
from survey.extensions import db
from survey.models import SurveyRound
from survey.questionnaire import builtin, text
from survey.web.fields import INVALID_CHOICE, DateInputField

#: The query parameters of the filter form, in the order they appear in links.
FILTER_KEYS = ("round", "date_from", "date_to", "gender", "age_band")


def _optional_int(value: Any) -> Any:
    # "" is "all rounds"; anything that is no id stays as it is and matches no choice.
    if value in (None, ""):
        return None
    return int(value) if str(value).isdecimal() and len(str(value)) < 10 else value


def _optional_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _options(code: str, locale: str) -> list[tuple[str, str]]:
    return [(o.value, text(o.label, locale)) for o in builtin(1).item(code).options]


class AreaFilterForm(FlaskForm):
    """Which answers the dashboard counts: a round, a date range, a gender, an age band."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    round = SelectField(_l("Survey round"), coerce=_optional_int, validate_choice=False)
    date_from = DateInputField(_l("Date from"), validators=[Optional()])
    date_to = DateInputField(_l("Date to"), validators=[Optional()])
    gender = SelectField(_l("Gender"), coerce=_optional_str, validate_choice=False)
    age_band = SelectField(_l("Age"), coerce=_optional_str, validate_choice=False)

    def __init__(self, formdata: Any, rounds: list[tuple[int, str]], locale: str) -> None:
        super().__init__(formdata=formdata)
        self.round.choices = [("", _l("All rounds")), *rounds]
        self.gender.choices = [("", _l("Everyone")), *_options("gender", locale)]
        self.age_band.choices = [("", _l("All ages")), *_options("age_band", locale)]
        for field in (self.round, self.gender, self.age_band):
            field.validators = [_known_choice]

    def validate_date_to(self, field: DateInputField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))

    def filters(self) -> Filters:
        """The chosen filters; call only after a successful validate()."""
        return Filters(
            round_id=self.round.data,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            gender=self.gender.data,
            age_band=self.age_band.data,
        )


def read_filters(args: Any, locale: str) -> AreaFilterForm:
    """The filter form filled from a query string, with the survey rounds to choose from."""
    rounds = db.session.execute(
        select(SurveyRound.id, SurveyRound.name).order_by(
            SurveyRound.opens_on.desc(), SurveyRound.id
        )
    ).all()
    return AreaFilterForm(args, [(r.id, r.name) for r in rounds], locale)


def _known_choice(form: FlaskForm, field: SelectField) -> None:
    """Refuse a value the select does not offer, with the survey's own message."""
    if field.data is not None and field.data not in {value for value, _label in field.choices}:
        raise ValidationError(INVALID_CHOICE)


def filter_query(filters: Filters) -> dict[str, str]:
    """The query parameters that select these filters, to keep in chart and export links."""
    values = {
        "round": filters.round_id,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "gender": filters.gender,
        "age_band": filters.age_band,
    }
    return {key: str(value) for key, value in values.items() if value is not None}

"""The area dashboard's filters: a GET form whose valid values become analysis Filters."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import MonthField, SelectField
from wtforms.validators import Optional, StopValidation, ValidationError

from analysis.survey import Filters
from survey.extensions import db
from survey.models import SurveyRound
from survey.questionnaire import builtin, text
from survey.web.fields import INVALID_CHOICE

#: The query parameters of the filter form, in the order they appear in links.
FILTER_KEYS = ("round", "month_from", "month_to", "gender", "age_band", "weighting")
#: The weighting choice's value for unweighted figures (the default weights where it can).
UNWEIGHTED = "off"
#: Day filters the dashboard once took: refused with a message, never silently ignored.
DAY_KEYS = ("date_from", "date_to")
#: A threshold no group reaches: every figure of the picture is hidden.
SUPPRESS_ALL = 2**31 - 1
MONTH_FORMAT = _l("Enter a month as YYYY-MM, e.g. 2025-09.")
ONCE = _l("Choose one value only.")
NO_DAYS = _l(
    "Single days cannot be chosen, so that two overlapping filters never single out one"
    " day's answers: choose months (YYYY-MM) or a survey round."
)


def _optional_int(value: Any) -> Any:
    # "" is "all rounds"; anything that is no id stays as it is and matches no choice.
    if value in (None, ""):
        return None
    return int(value) if str(value).isdecimal() and len(str(value)) < 10 else value


def _optional_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _options(code: str, locale: str) -> list[tuple[str, str]]:
    return [(o.value, text(o.label, locale)) for o in builtin(1).item(code).options]


def _in_range(_form: FlaskForm, field: MonthField) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise StopValidation(_l("Enter a month between 2000 and 2100."))


class AreaFilterForm(FlaskForm):
    """Which answers the dashboard counts: a round, whole months, a gender, an age band.

    Months, not days: filters that overlap by one day would subtract to that day's answers.
    """

    class Meta:
        csrf = False  # a GET form that changes nothing

    round = SelectField(_l("Survey round"), coerce=_optional_int, validate_choice=False)
    month_from = MonthField(
        _l("Month from"),
        validators=[Optional(), _in_range],
        invalid_value_message=MONTH_FORMAT,
        render_kw={"placeholder": "YYYY-MM"},
    )
    month_to = MonthField(
        _l("Month to"),
        validators=[Optional(), _in_range],
        invalid_value_message=MONTH_FORMAT,
        render_kw={"placeholder": "YYYY-MM"},
    )
    gender = SelectField(_l("Gender"), coerce=_optional_str, validate_choice=False)
    age_band = SelectField(_l("Age"), coerce=_optional_str, validate_choice=False)
    # The option stays short enough for a phone's closed drop-down in every language (the
    # longer "... where population figures exist" was cut off at 360 px); the line under the
    # filters says whether the area's figures are weighted, or that it has no margins.
    weighting = SelectField(_l("Weighting"), coerce=_optional_str, validate_choice=False)

    def __init__(self, formdata: Any, rounds: list[tuple[int, str]], locale: str) -> None:
        super().__init__(formdata=formdata)
        self.asked_for_days = bool(formdata) and any(formdata.get(k) for k in DAY_KEYS)
        # ?round=1&round=2 showed round 1's figures without a word, as if the second were
        # taken; the API answers such a request with a 400.
        self.repeated = [
            field for field in self if formdata and len(formdata.getlist(field.name)) > 1
        ]
        self.round.choices = [("", _l("All rounds")), *rounds]
        self.gender.choices = [("", _l("Everyone")), *_options("gender", locale)]
        self.age_band.choices = [("", _l("All ages")), *_options("age_band", locale)]
        self.weighting.choices = [
            ("", _l("Weighted by age and gender")),
            (UNWEIGHTED, _l("Unweighted")),
        ]
        for field in (self.round, self.gender, self.age_band, self.weighting):
            field.validators = [_known_choice]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self.repeated:
            field.errors = [*field.errors, ONCE]
        if self.asked_for_days:
            self.month_from.errors = [*self.month_from.errors, NO_DAYS]
            return False
        return valid and not self.repeated

    def validate_month_to(self, field: MonthField) -> None:
        if field.data and self.month_from.data and field.data < self.month_from.data:
            raise ValidationError(_l("The end month must not be before the start month."))

    def weighted(self) -> bool | None:
        """False for unweighted figures, None (weighted where margins exist) otherwise."""
        return False if self.weighting.data == UNWEIGHTED else None

    def filters(self) -> Filters:
        """The chosen filters, whole months as dates; call only after a successful validate()."""
        last = self.month_to.data
        return Filters(
            round_id=self.round.data,
            date_from=self.month_from.data,
            date_to=last.replace(day=calendar.monthrange(last.year, last.month)[1])
            if last
            else None,
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


def filter_query(filters: Filters, weighted: bool | None = None) -> dict[str, str]:
    """The query parameters that select these filters, to keep in chart and export links."""
    values: dict[str, object] = {
        "round": filters.round_id,
        "month_from": _month(filters.date_from),
        "month_to": _month(filters.date_to),
        "gender": filters.gender,
        "age_band": filters.age_band,
        "weighting": UNWEIGHTED if weighted is False else None,
    }
    return {key: str(value) for key, value in values.items() if value is not None}


def _month(day: dt.date | None) -> str | None:
    return day.strftime("%Y-%m") if day else None

"""Forms of the citizen promises: a promise with its indicators, and an activity done for it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FloatField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional, StopValidation, ValidationError
from wtforms.widgets import TextInput

from analysis.collation import swedish_key
from survey import clock, labels
from survey.models import (
    ACTIVITY_KINDS,
    TIMES_OF_DAY,
    Area,
    Place,
    Promise,
    PromiseActivity,
    SurveyRound,
)
from survey.web import fields

#: Crime categories are free text (as imported); this many at most, each this long at most.
MAX_CATEGORIES = 20
CATEGORY_LENGTH = 120
MAX_HOURS = 10_000
KIND_CHOICES = [SelectChoice("", _l("Choose a kind"))] + [
    SelectChoice(k, labels.ACTIVITY_KINDS[k]) for k in ACTIVITY_KINDS
]


def _indicator(key: str) -> dict[str, str]:
    """The stored survey indicator of a form value, e.g. "unsafe_share:night"."""
    kind, value = key.split(":", 1)
    return {"kind": kind, "time" if kind == "unsafe_share" else "problem": value}


def indicator_labels(locale: str) -> dict[str, str]:
    """Every survey indicator a promise can follow, keyed as the form's values."""
    keys = [f"unsafe_share:{t}" for t in TIMES_OF_DAY]
    keys += [f"problem_share:{p}" for p in labels.survey_problems(locale)]
    return {key: labels.indicator_name(_indicator(key), locale) for key in keys}


def indicator_key(indicator: dict[str, Any]) -> str | None:
    """The form value of a stored survey indicator (None for crime indicators)."""
    if indicator.get("kind") == "unsafe_share":
        return f"unsafe_share:{indicator.get('time')}"
    if indicator.get("kind") == "problem_share":
        return f"problem_share:{indicator.get('problem')}"
    return None


def promise_data(promise: Promise) -> dict[str, Any]:
    """A promise's stored values as the form's data (lists for the checkbox groups)."""
    indicators = promise.indicators or []
    return {
        "area_id": promise.area_id,
        "title": promise.title,
        "text": promise.text,
        "period_start": promise.period_start,
        "period_end": promise.period_end,
        "places": [p.id for p in promise.places],
        "problems": (promise.problems or "").split(";") if promise.problems else [],
        "times": (promise.times or "").split(";") if promise.times else [],
        "baseline_round_id": promise.baseline_round_id,
        "followup_round_id": promise.followup_round_id,
        "indicators": [k for k in map(indicator_key, indicators) if k],
        "crime_categories": "\n".join(
            str(i.get("category")) for i in indicators if i.get("kind") == "crime"
        ),
        "primary": next((_primary_key(i) for i in indicators if i.get("primary")), ""),
    }


#: The primary choice that means "the first crime category listed".
PRIMARY_CRIME = "crime"


def _primary_key(indicator: dict[str, Any]) -> str:
    return indicator_key(indicator) or PRIMARY_CRIME


class PromiseForm(FlaskForm):
    area_id = fields.choice_field(
        SelectField, _l("Area"), required=_l("Choose an area."), coerce=fields.optional_id
    )
    title = fields.text_line(_l("Title"), 200)
    text = fields.text_area(_l("The promise"), 5000, required=True, description=_l("As published."))
    period_start = fields.DateInputField(_l("From"), validators=[InputRequired(fields.REQUIRED)])
    period_end = fields.DateInputField(_l("To"), validators=[InputRequired(fields.REQUIRED)])
    places = fields.choice_field(
        fields.CheckboxGroupField,
        _l("Places"),
        coerce=int,
        description=_l("Places in the chosen area. None: the whole area."),
    )
    problems = fields.choice_field(fields.CheckboxGroupField, _l("Problems"))
    times = fields.times_field()
    baseline_round_id = fields.choice_field(
        SelectField,
        _l("Baseline round"),
        coerce=fields.optional_id,
        description=_l("The survey round before the promise."),
    )
    followup_round_id = fields.choice_field(
        SelectField,
        _l("Follow-up round"),
        coerce=fields.optional_id,
        description=_l("The survey round that shows the result."),
    )
    indicators = fields.choice_field(
        fields.CheckboxGroupField,
        _l("Survey indicators to follow"),
        description=_l(
            "Leave all unticked to follow the unsafe share at the chosen times and the chosen "
            "problems."
        ),
    )
    crime_categories = fields.text_area(
        _l("Crime categories to follow"),
        MAX_CATEGORIES * (CATEGORY_LENGTH + 1),
        description=_l("One per line, spelled as in the imported crime statistics."),
    )
    primary = fields.choice_field(
        SelectField,
        _l("Primary indicator"),
        description=_l(
            "Chosen before the follow-up: the promise's result is this indicator's. Without "
            "one, the result corrects for comparing several indicators (Holm's method)."
        ),
    )

    def __init__(
        self,
        *args: Any,
        areas: list[Area],
        rounds: Iterable[SurveyRound],
        locale: str,
        chosen: Iterable[Place] = (),
        activities: Iterable[PromiseActivity] = (),
        known_categories: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A category is followed by its exact name: a typo ("Misshandl") would find no crimes.
        self._known = {name.casefold(): name for name in known_categories}
        # The follow-up sums every logged activity: a period or area may not leave one out.
        self._activities = sorted(activities, key=lambda a: a.held_on)
        self.area_id.choices = fields.named_choices(_("Choose an area"), areas)
        places = {p.id: p for a in areas for p in a.places if not p.retired}
        # A place already chosen stays a valid choice, even when it has been retired since.
        places |= {p.id: p for p in chosen}
        self._places = places
        area_names = {a.id: a.name for a in areas}
        self.places.choices = [
            SelectChoice(p.id, f"{p.name} ({area_names.get(p.area_id, '')})")
            for p in sorted(
                places.values(),
                key=lambda p: (swedish_key(area_names.get(p.area_id, "")), swedish_key(p.name)),
            )
        ]
        self.problems.choices = [
            SelectChoice(k, label) for k, label in labels.survey_problems(locale).items()
        ]
        self.baseline_round_id.choices = fields.named_choices(_("No round"), rounds)
        self.followup_round_id.choices = list(self.baseline_round_id.choices)
        self.indicators.choices = [
            SelectChoice(k, label) for k, label in indicator_labels(locale).items()
        ]
        self.primary.choices = [
            SelectChoice("", _("None: correct for several indicators")),
            *self.indicators.choices,
            SelectChoice(PRIMARY_CRIME, _("The first crime category listed")),
        ]

    def validate_area_id(self, field: Field) -> None:
        elsewhere = {
            a.place.name for a in self._activities if a.place and a.place.area_id != field.data
        }
        if field.data and elsewhere:
            raise ValidationError(
                _(
                    "Activities are logged at %(places)s, in another area: delete them first,"
                    " or keep the area.",
                    places=", ".join(sorted(elsewhere, key=swedish_key)),
                )
            )

    def validate_period_start(self, field: Field) -> None:
        if field.data and self._activities and field.data > self._activities[0].held_on:
            raise ValidationError(
                _(
                    "An activity is logged on %(date)s: start the period then or before, or"
                    " delete the activity first.",
                    date=self._activities[0].held_on.isoformat(),
                )
            )

    def validate_period_end(self, field: Field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_("The end cannot be before the start."))
        if field.data and self._activities and field.data < self._activities[-1].held_on:
            raise ValidationError(
                _(
                    "An activity is logged on %(date)s: end the period then or later, or"
                    " delete the activity first.",
                    date=self._activities[-1].held_on.isoformat(),
                )
            )

    def validate_places(self, field: Field) -> None:
        outside = [
            self._places[i].name
            for i in field.data or ()
            if i in self._places and self._places[i].area_id != self.area_id.data
        ]
        if self.area_id.data and outside:
            raise ValidationError(
                _("Not in the chosen area: %(places)s.", places=", ".join(sorted(outside)))
            )

    def validate_followup_round_id(self, field: Field) -> None:
        if field.data is not None and field.data == self.baseline_round_id.data:
            raise ValidationError(_("Choose a different round than the baseline."))

    def validate_crime_categories(self, field: Field) -> None:
        lines = self.categories()
        if len(lines) > MAX_CATEGORIES:
            raise ValidationError(_("Give at most %(n)d categories.", n=MAX_CATEGORIES))
        if any(len(line) > CATEGORY_LENGTH for line in lines):
            raise ValidationError(
                _("A category can be at most %(n)d characters long.", n=CATEGORY_LENGTH)
            )
        unknown = [line for line in lines if self._known and line.casefold() not in self._known]
        if unknown:
            raise ValidationError(
                _(
                    "No crime data has the category %(names)s. Write one of: %(known)s.",
                    names=", ".join(f"“{name}”" for name in unknown),
                    known=", ".join(self._known.values()),
                )
            )

    def validate_primary(self, field: Field) -> None:
        if field.data == PRIMARY_CRIME and not self.categories():
            raise ValidationError(_("List a crime category to make it the primary indicator."))
        if field.data and field.data != PRIMARY_CRIME:
            problems = list(self.problems.data or ())
            times = list(self.times.data or ())
            followed = {indicator_key(i) for i in self._indicators(problems, times)}
            if field.data not in followed:
                raise ValidationError(_("Choose an indicator the promise follows."))

    def categories(self) -> list[str]:
        """The crime categories, one per non-empty line, each once."""
        lines = (line.strip() for line in (self.crime_categories.data or "").split("\n"))
        # As the crime data spells it ("misshandel" is Misshandel).
        return list(dict.fromkeys(self._known.get(line.casefold(), line) for line in lines if line))

    def _indicators(self, problems: list[str], times: list[str]) -> list[dict[str, str]]:
        chosen = set(self.indicators.data or ())
        # No survey indicator ticked: follow what the promise is about, crime or not.
        if not chosen:
            chosen = {f"unsafe_share:{t}" for t in times} | {f"problem_share:{p}" for p in problems}
        # In the form's order, whatever order they came in.
        result: list[dict[str, Any]] = [
            _indicator(c.value) for c in self.indicators.choices if c.value in chosen
        ]
        result += [{"kind": "crime", "category": c} for c in self.categories()]
        primary = self.primary.data
        for indicator in result:
            if primary and _primary_key(indicator) == primary:
                indicator["primary"] = True  # stored with the indicator: no column needed
                break
        return result

    def values(self) -> dict[str, Any]:
        """The validated values, named as the model's columns (place ids as ``place_ids``)."""
        chosen = set(self.problems.data or ())
        problems = [c.value for c in self.problems.choices if c.value in chosen]
        times = [t for t in TIMES_OF_DAY if t in set(self.times.data or ())]
        return {
            "area_id": self.area_id.data,
            "title": self.title.data,
            "text": self.text.data,
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "problems": ";".join(problems) or None,
            "times": ";".join(times) or None,
            "baseline_round_id": self.baseline_round_id.data,
            "followup_round_id": self.followup_round_id.data,
            "indicators": self._indicators(problems, times),
            "place_ids": list(dict.fromkeys(self.places.data or ())),
        }


class HoursField(FloatField):
    """Hours, with a decimal comma or point; blank is none."""

    # A text box: a number input refuses a decimal comma in some browsers.
    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", _l("Enter a number, like 2,5."))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(self.invalid_value_message)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:
            raise StopValidation()


class ActivityForm(FlaskForm):
    held_on = fields.DateInputField(_l("Date"), validators=[InputRequired(fields.REQUIRED)])
    place_id = fields.place_field()
    kind = fields.choice_field(
        SelectField,
        _l("Kind of activity"),
        required=_l("Choose the kind of activity."),
        choices=KIND_CHOICES,
    )
    hours = HoursField(
        _l("Hours"),
        validators=[Optional(), fields.in_range(0, MAX_HOURS)],
        description=_l("Optional. Police hours spent, e.g. 2,5."),
        render_kw={"inputmode": "decimal"},
    )
    count = fields.count_field(
        _l("Count"), description=_l("Optional. E.g. interventions made or people reached.")
    )
    note = fields.text_area(_l("Note"), 2000)

    def __init__(
        self, *args: Any, promise: Promise, places: Iterable[Place], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.promise = promise
        self.place_choices = fields.place_choices([(None, places)])
        self.place_id.choices = self.place_choices

    def validate_held_on(self, field: Field) -> None:
        # The follow-up sums every logged activity of the promise: one dated outside its
        # period (a mistyped year) would count there all the same.
        if field.data is None:  # typed but no date (2026-02-30): the field says so already
            return
        start, end = self.promise.period_start, self.promise.period_end
        if not start <= field.data <= end:
            raise ValidationError(
                _(
                    "Choose a date within the period of the promise, %(start)s–%(end)s.",
                    start=start.isoformat(),
                    end=end.isoformat(),
                )
            )
        if field.data > clock.today():
            raise ValidationError(_("The date is in the future: log an activity once it is done."))

    def values(self) -> dict[str, Any]:
        """The validated values, named as the model's columns."""
        return fields.values_of(self, "held_on", "place_id", "kind", "hours", "count", "note")

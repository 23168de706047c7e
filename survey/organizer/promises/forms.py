"""Forms of the citizen promises: a promise with its indicators, and an activity done for it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FloatField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import TextInput

from survey.models import (
    ACTIVITY_KINDS,
    ISSUE_PROBLEMS,
    TIMES_OF_DAY,
    Area,
    Place,
    Promise,
    SurveyRound,
)
from survey.public.forms import CheckboxGroupField, no_control_characters, optional_choice
from survey.web.fields import REQUIRED

from ..dialogues.forms import (
    INVALID_CHOICE,
    MAX_COUNT,
    TIME_LABELS,
    DateInputField,
    WholeNumberField,
    optional_id,
    place_choices,
    problem_labels,
)

ACTIVITY_LABELS = {
    "presence_patrol": _l("Presence patrol"),
    "alcohol_ban": _l("Alcohol-ban intervention"),
    "drug_intervention": _l("Drug intervention"),
    "traffic_check": _l("Traffic check"),
    "dialogue": _l("Dialogue or meeting"),
    "environment": _l("Physical environment (lighting, clearing, cleaning)"),
    "other": _l("Other"),
}
#: Crime categories are free text (as imported); this many at most, each this long at most.
MAX_CATEGORIES = 20
CATEGORY_LENGTH = 120
MAX_HOURS = 10_000


def _clean_text(value: str | None) -> str | None:
    # Browsers count a line break as one character for maxlength but send CRLF.
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _text(label: Any, limit: int, required: bool = False, **kwargs: Any) -> TextAreaField:
    first = DataRequired(REQUIRED) if required else Optional()
    return TextAreaField(
        label,
        validators=[
            first,
            Length(max=limit, message=_l("Write at most %(max)d characters.", max=limit)),
            no_control_characters,
        ],
        filters=[_clean_text],
        render_kw={"maxlength": limit, "rows": 4},
        **kwargs,
    )


#: The survey indicators a promise can follow, as the form's values.
INDICATOR_KEYS = tuple(f"unsafe_share:{t}" for t in TIMES_OF_DAY) + tuple(
    f"problem_share:{p}" for p in ISSUE_PROBLEMS if p != "other"
)


def share_problems(locale: str) -> dict[str, str]:
    """The questionnaire's problems (those with a share to follow), with their labels."""
    return {k: v for k, v in problem_labels(locale).items() if k != "other"}


def indicator_labels(locale: str) -> dict[str, str]:
    """Every survey indicator a promise can follow, keyed as the form's values."""
    labels = {
        f"unsafe_share:{time}": _("Unsafe share: %(time)s", time=TIME_LABELS[time])
        for time in TIMES_OF_DAY
    }
    labels |= {
        f"problem_share:{key}": _("Big problem: %(problem)s", problem=label)
        for key, label in share_problems(locale).items()
    }
    return labels


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
    }


class PromiseForm(FlaskForm):
    area_id = SelectField(
        _l("Area"),
        coerce=optional_id,
        validators=[InputRequired(_l("Choose an area."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=200, message=_l("Write at most %(max)d characters.", max=200)),
            no_control_characters,
        ],
        filters=[_clean_text],
        render_kw={"maxlength": 200},
    )
    text = _text(_l("The promise"), 5000, required=True, description=_l("As published."))
    period_start = DateInputField(_l("From"), validators=[InputRequired(REQUIRED)])
    period_end = DateInputField(_l("To"), validators=[InputRequired(REQUIRED)])
    places = CheckboxGroupField(
        _l("Places"),
        coerce=int,
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Places in the chosen area. None: the whole area."),
    )
    problems = CheckboxGroupField(
        _l("Problems"), validators=[optional_choice()], invalid_choice_message=INVALID_CHOICE
    )
    times = CheckboxGroupField(
        _l("Times of day"),
        choices=[SelectChoice(key, TIME_LABELS[key]) for key in TIMES_OF_DAY],
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
    )
    baseline_round_id = SelectField(
        _l("Baseline round"),
        coerce=optional_id,
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l("The survey round before the promise."),
    )
    followup_round_id = SelectField(
        _l("Follow-up round"),
        coerce=optional_id,
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l("The survey round that shows the result."),
    )
    indicators = CheckboxGroupField(
        _l("Survey indicators to follow"),
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l(
            "Leave all unticked to follow the unsafe share at the chosen times and the chosen "
            "problems."
        ),
    )
    crime_categories = _text(
        _l("Crime categories to follow"),
        MAX_CATEGORIES * (CATEGORY_LENGTH + 1),
        description=_l("One per line, spelled as in the imported crime statistics."),
    )

    def __init__(
        self,
        *args: Any,
        areas: list[Area],
        rounds: Iterable[SurveyRound],
        locale: str,
        chosen: Iterable[Place] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.area_id.choices = [SelectChoice("", _("Choose an area"))] + [
            SelectChoice(str(a.id), a.name) for a in areas
        ]
        places = {p.id: p for a in areas for p in a.places if not p.retired}
        # A place already chosen stays a valid choice, even when it has been retired since.
        places |= {p.id: p for p in chosen}
        self._places = places
        area_names = {a.id: a.name for a in areas}
        self.places.choices = [
            SelectChoice(p.id, f"{p.name} ({area_names.get(p.area_id, '')})")
            for p in sorted(places.values(), key=lambda p: (area_names.get(p.area_id, ""), p.name))
        ]
        self.problems.choices = [
            SelectChoice(k, label) for k, label in share_problems(locale).items()
        ]
        round_choices = [SelectChoice("", _("No round"))] + [
            SelectChoice(str(r.id), r.name) for r in rounds
        ]
        self.baseline_round_id.choices = round_choices
        self.followup_round_id.choices = list(round_choices)
        self.indicators.choices = [
            SelectChoice(k, label) for k, label in indicator_labels(locale).items()
        ]

    def validate_period_end(self, field: Field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_("The end cannot be before the start."))

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

    def categories(self) -> list[str]:
        """The crime categories, one per non-empty line, each once."""
        lines = (line.strip() for line in (self.crime_categories.data or "").split("\n"))
        return list(dict.fromkeys(line for line in lines if line))

    def _indicators(self, problems: list[str], times: list[str]) -> list[dict[str, str]]:
        chosen = set(self.indicators.data or ())
        # No survey indicator ticked: follow what the promise is about, crime or not.
        if not chosen:
            chosen = {f"unsafe_share:{t}" for t in times} | {f"problem_share:{p}" for p in problems}
        result = []
        for key in INDICATOR_KEYS:  # in the form's order, whatever order they came in
            if key in chosen:
                kind, value = key.split(":", 1)
                result.append(
                    {"kind": kind, "time" if kind == "unsafe_share" else "problem": value}
                )
        return result + [{"kind": "crime", "category": c} for c in self.categories()]

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
    held_on = DateInputField(_l("Date"), validators=[InputRequired(REQUIRED)])
    place_id = SelectField(
        _l("Place"),
        coerce=optional_id,
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
    )
    kind = SelectField(
        _l("Kind of activity"),
        choices=[SelectChoice("", _l("Choose a kind"))]
        + [SelectChoice(k, ACTIVITY_LABELS[k]) for k in ACTIVITY_KINDS],
        validators=[InputRequired(_l("Choose the kind of activity."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    hours = HoursField(
        _l("Hours"),
        validators=[
            Optional(),
            NumberRange(0, MAX_HOURS, _l("Enter a number from 0 to %(max)s.")),
        ],
        description=_l("Optional. Police hours spent, e.g. 2,5."),
        render_kw={"inputmode": "decimal"},
    )
    count = WholeNumberField(
        _l("Count"),
        validators=[Optional(), NumberRange(0, MAX_COUNT, _l("Enter a number from 0 to %(max)s."))],
        description=_l("Optional. E.g. interventions made or people reached."),
    )
    note = _text(_l("Note"), 2000)

    def __init__(self, *args: Any, places: Iterable[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.place_choices = place_choices([(None, places)])
        self.place_id.choices = self.place_choices

    def values(self) -> dict[str, Any]:
        """The validated values, named as the model's columns."""
        return {
            "held_on": self.held_on.data,
            "place_id": self.place_id.data,
            "kind": self.kind.data,
            "hours": self.hours.data,
            "count": self.count.data,
            "note": self.note.data or None,
        }

"""Forms of the dialogue log: a dialogue, an issue raised in it, and the list filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from survey import clock
from survey.models import DIALOGUE_KINDS, ISSUE_PROBLEMS, TIMES_OF_DAY, Area, DialogueIssue, Place
from survey.public.forms import CheckboxGroupField, no_control_characters, optional_choice
from survey.questionnaire import builtin, text
from survey.web.fields import REQUIRED, DateInputField

KIND_LABELS = {
    "medborgardialog": _l("Citizen dialogue"),
    "samverkansmote": _l("Meeting with cooperation partners"),
    "medarbetardialog": _l("Staff dialogue"),
    "trygghetsvandring": _l("Safety walk"),
    "digital": _l("Digital dialogue"),
    "stand": _l("Stand"),
}
TIME_LABELS = {
    "day": _l("Daytime (06–15)"),
    "afternoon": _l("Afternoon (15–18)"),
    "evening": _l("Evening (18–22)"),
    "night": _l("Night (22–06)"),
}
WEIGHT_LABELS = {1: _l("1 – low"), 2: _l("2 – medium"), 3: _l("3 – high")}
#: Larger counts are typing mistakes (and would overflow the database's integers).
MAX_COUNT = 100_000
INVALID_CHOICE = _l("Choose one of the options shown.")
WHOLE_NUMBER = _l("Enter a whole number, like 12.")


def optional_id(value: Any) -> int | None:
    """Coerce a select's value to an id; blank is None, anything else not a number is -1."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not among the choices, so the field says "choose one of the options"


def problem_labels(locale: str) -> dict[str, str]:
    """Each issue problem key with the questionnaire's label in this language, plus Other."""
    catalogue = builtin(1)
    labels = {
        key: text(catalogue.item(f"problem_{key}").label, locale)
        for key in ISSUE_PROBLEMS
        if key != "other"
    }
    labels["other"] = _("Other")
    return labels


def _clean_text(value: str | None) -> str | None:
    # Browsers count a line break as one character for maxlength but send CRLF.
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _long_text(label: Any, limit: int, description: Any = None) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=limit, message=_l("Write at most %(max)d characters.", max=limit)),
            no_control_characters,
        ],
        filters=[_clean_text],
        description=description,
        render_kw={"maxlength": limit, "rows": 4},
    )


class WholeNumberField(IntegerField):
    """A whole number; blank means ``blank``; one clear message for anything else."""

    def __init__(self, *args: Any, blank: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", WHOLE_NUMBER)
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(*args, **kwargs)
        self.blank = blank

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not valuelist[0].strip():
            self.data = self.blank
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:  # not a number: the range check would only repeat it
            raise StopValidation()


def not_in_future(_form: FlaskForm, field: Field) -> None:
    if field.data and field.data > clock.today():
        raise ValidationError(_l("The date cannot be in the future."))


def place_choices(groups: Iterable[tuple[str | None, Iterable[Place]]]) -> list[SelectChoice]:
    """A blank option, then the places, in an option group per area when it is named."""
    choices = [SelectChoice("", _("No particular place"))]
    for group, places in groups:
        choices += [SelectChoice(str(p.id), p.name, optgroup=group) for p in places]
    return choices


def _with(places: Iterable[Place], place: Place | None) -> list[Place]:
    # The place already chosen stays a valid choice, even when it has been retired since.
    places = list(places)
    return places + [place] if place is not None and place not in places else places


def _participants(label: Any) -> WholeNumberField:
    return WholeNumberField(
        label,
        blank=0,
        default=0,
        validators=[NumberRange(0, MAX_COUNT, _l("Enter a number from 0 to %(max)s."))],
    )


class DialogueForm(FlaskForm):
    held_on = DateInputField(
        _l("Date"), validators=[InputRequired(REQUIRED), not_in_future], default=clock.today
    )
    area_id = SelectField(
        _l("Area"),
        coerce=optional_id,
        validators=[InputRequired(_l("Choose an area."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    place_id = SelectField(
        _l("Place"),
        coerce=optional_id,
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Optional. It must lie in the chosen area."),
    )
    kind = RadioField(
        _l("Kind of dialogue"),
        choices=[SelectChoice(key, KIND_LABELS[key]) for key in DIALOGUE_KINDS],
        validators=[InputRequired(_l("Choose the kind of dialogue."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    residents = _participants(_l("Residents"))
    partners = _participants(_l("Partners"))
    staff = _participants(_l("Police staff"))
    organizer = StringField(
        _l("Organizer"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=200, message=_l("Write at most %(max)d characters.", max=200)),
            no_control_characters,
        ],
        filters=[_clean_text],
        description=_l("Who led the dialogue: a name or a unit."),
        render_kw={"maxlength": 200},
    )
    notes = _long_text(_l("Notes"), 5000)

    #: Areas of the places of the dialogue's issues: the dialogue must stay in that area.
    issue_areas: frozenset[int] | set[int] = frozenset()

    def __init__(self, *args: Any, areas: list[Area], place: Place | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [
            (area.name, _with(area.places, place if place and place.area_id == area.id else None))
            for area in areas
        ]
        self._places = {p.id: p for _, places in groups for p in places}
        self.area_id.choices = [SelectChoice("", _("Choose an area"))] + [
            SelectChoice(str(area.id), area.name) for area in areas
        ]
        self.place_id.choices = place_choices(groups)

    def validate_area_id(self, field: Field) -> None:
        if any(area_id != field.data for area_id in self.issue_areas):
            raise ValidationError(
                _("Issues of this dialogue are about places in another area: change them first.")
            )

    def validate_place_id(self, field: Field) -> None:
        place = self._places.get(field.data)
        # Only against a valid area (fields validate in order, so its errors are known).
        if place is not None and not self.area_id.errors and place.area_id != self.area_id.data:
            raise ValidationError(_("This place is not in the chosen area."))

    def values(self) -> dict[str, Any]:
        """The validated values, named as the model's columns."""
        return {
            "held_on": self.held_on.data,
            "area_id": self.area_id.data,
            "place_id": self.place_id.data,
            "kind": self.kind.data,
            "residents": self.residents.data,
            "partners": self.partners.data,
            "staff": self.staff.data,
            "organizer": self.organizer.data,
            "notes": self.notes.data or None,
        }


class IssueForm(FlaskForm):
    place_id = SelectField(
        _l("Place"),
        coerce=optional_id,
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
    )
    problem = RadioField(
        _l("Problem"),
        validators=[InputRequired(_l("Choose a problem."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    times = CheckboxGroupField(
        _l("Times of day"),
        choices=[SelectChoice(key, TIME_LABELS[key]) for key in TIMES_OF_DAY],
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Optional. Tick every time it concerns."),
    )
    raised_by = WholeNumberField(
        _l("How many raised it"),
        validators=[
            Optional(),
            NumberRange(1, MAX_COUNT, _l("Enter a number from 1 to %(max)s.")),
        ],
        description=_l("Give either this number or a weight, not both."),
    )
    weight = RadioField(
        _l("Weight"),
        coerce=optional_id,
        choices=[SelectChoice(str(key), label) for key, label in WEIGHT_LABELS.items()],
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l("How much it weighed in the dialogue, when no one counted."),
    )
    quote = _long_text(_l("Quote or note"), 2000)
    measure = _long_text(_l("Proposed measure"), 2000)

    def __init__(
        self,
        *args: Any,
        places: Iterable[Place],
        locale: str,
        place: Place | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.place_id.choices = place_choices([(None, _with(places, place))])
        self.problem.choices = [
            SelectChoice(key, label) for key, label in problem_labels(locale).items()
        ]

    def validate_weight(self, field: Field) -> None:
        if field.data is not None and self.raised_by.data is not None:
            raise ValidationError(_("Give either how many raised it or a weight, not both."))

    def values(self) -> dict[str, Any]:
        """The validated values, named as the model's columns (times joined by ';')."""
        chosen = set(self.times.data or ())
        return {
            "place_id": self.place_id.data,
            "problem": self.problem.data,
            "times": ";".join(t for t in TIMES_OF_DAY if t in chosen) or None,
            "raised_by": self.raised_by.data,
            "weight": self.weight.data,
            "quote": self.quote.data or None,
            "measure": self.measure.data or None,
        }


def issue_data(issue: DialogueIssue) -> dict[str, Any]:
    """An issue's stored values as the issue form's data (times as a list)."""
    names = ("place_id", "problem", "raised_by", "weight", "quote", "measure")
    return {name: getattr(issue, name) for name in names} | {
        "times": issue.times.split(";") if issue.times else []
    }


class FilterForm(FlaskForm):
    """The list's filters, sent as a GET query (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    area = SelectField(
        _l("Area"),
        coerce=optional_id,
        validators=[optional_choice()],
        invalid_choice_message=INVALID_CHOICE,
    )
    kind = SelectField(
        _l("Kind"), validators=[optional_choice()], invalid_choice_message=INVALID_CHOICE
    )
    date_from = DateInputField(_l("From"), validators=[Optional()])
    date_to = DateInputField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area.choices = [SelectChoice("", _("All areas"))] + [
            SelectChoice(str(area.id), area.name) for area in areas
        ]
        self.kind.choices = [SelectChoice("", _("All kinds"))] + [
            SelectChoice(key, KIND_LABELS[key]) for key in DIALOGUE_KINDS
        ]

    def validate_date_to(self, field: Field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date is before the start date."))

    def filters(self) -> dict[str, Any]:
        """The filters that are set and valid (a bad one is shown as an error and ignored)."""
        names = {"area": "area_id", "kind": "kind", "date_from": "date_from", "date_to": "date_to"}
        return {
            names[field.name]: field.data
            for field in self
            if field.name in names and field.data not in (None, "") and not field.errors
        }

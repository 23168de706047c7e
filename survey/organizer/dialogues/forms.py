"""Forms of the dialogue log: a dialogue, an issue raised in it, and the list filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional, ValidationError

from analysis.collation import swedish_sorted
from survey import clock, labels
from survey.models import DIALOGUE_KINDS, TIMES_OF_DAY, Area, DialogueIssue, Place
from survey.web import fields

KIND_CHOICES = [SelectChoice(key, labels.DIALOGUE_KINDS[key]) for key in DIALOGUE_KINDS]


def not_in_future(_form: FlaskForm, field: Field) -> None:
    if field.data and field.data > clock.today():
        raise ValidationError(_l("The date cannot be in the future."))


#: How far ahead a dialogue can be planned (the area's public page announces the next one).
PLAN_AHEAD_DAYS = 366


def planned(held_on: dt.date | None) -> bool:
    """Whether a dialogue on this date is still to come: planned, not held."""
    return held_on is not None and held_on > clock.today()


def within_a_year(_form: FlaskForm, field: Field) -> None:
    if field.data and field.data > clock.today() + dt.timedelta(days=PLAN_AHEAD_DAYS):
        raise ValidationError(_l("Plan a dialogue at most a year ahead."))


def _participants(label: Any) -> fields.WholeNumberField:
    return fields.WholeNumberField(
        label, blank=0, default=0, validators=[fields.in_range(0, fields.MAX_COUNT)]
    )


#: The dialogue form's fields, named as the model's columns.
DIALOGUE_FIELDS = (
    "held_on",
    "area_id",
    "place_id",
    "kind",
    "residents",
    "partners",
    "staff",
    "organizer",
    "notes",
)


def participants_of(*groups: int | None) -> int:
    """How many took part in all (residents, partners, staff; a group not given is 0)."""
    return sum(group or 0 for group in groups)


class DialogueForm(FlaskForm):
    held_on = fields.DateInputField(
        _l("Date"),
        validators=[InputRequired(fields.REQUIRED), within_a_year],
        default=clock.today,
        description=_l(
            "A date to come plans the dialogue: the area's public page announces it. Add who"
            " took part and the issues raised once it has been held."
        ),
    )
    area_id = fields.choice_field(
        SelectField, _l("Area"), required=_l("Choose an area."), coerce=fields.optional_id
    )
    place_id = fields.place_field(description=_l("Optional. It must lie in the chosen area."))
    kind = fields.choice_field(
        RadioField,
        _l("Kind of dialogue"),
        required=_l("Choose the kind of dialogue."),
        choices=KIND_CHOICES,
    )
    residents = _participants(labels.GROUPS["residents"])
    partners = _participants(labels.GROUPS["partners"])
    staff = _participants(labels.GROUPS["staff"])
    organizer = fields.text_line(
        _l("Organizer"), 200, description=_l("Who led the dialogue: a name or a unit.")
    )
    notes = fields.text_area(_l("Notes"), 5000)

    #: Areas of the places of the dialogue's issues: the dialogue must stay in that area.
    issue_areas: frozenset[int] | set[int] = frozenset()
    #: Whether the dialogue has issues: then it was held, and cannot be moved to a date to come.
    has_issues = False
    #: The most people who raised one of its issues: no fewer can have taken part.
    most_raised = 0

    def __init__(self, *args: Any, areas: list[Area], place: Place | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [
            (
                area.name,
                fields.with_chosen(
                    swedish_sorted(area.places, lambda p: p.name),
                    place if place and place.area_id == area.id else None,
                ),
            )
            for area in swedish_sorted(areas, lambda a: a.name)
        ]
        self._places = {p.id: p for _, places in groups for p in places}
        self.area_id.choices = fields.named_choices(_("Choose an area"), areas)
        self.place_id.choices = fields.place_choices(groups)

    def validate_held_on(self, field: Field) -> None:
        if planned(field.data) and self.has_issues:
            raise ValidationError(
                _("Issues were raised at this dialogue, so it cannot have a date to come.")
            )

    def _no_one_yet(self, field: Field) -> None:
        if planned(self.held_on.data) and field.data:
            raise ValidationError(
                _("No one has taken part in a dialogue still to come: give 0 until it is held.")
            )

    validate_partners = validate_staff = _no_one_yet

    def validate_residents(self, field: Field) -> None:
        self._no_one_yet(field)
        taken_part = participants_of(self.residents.data, self.partners.data, self.staff.data)
        if taken_part and taken_part < self.most_raised:
            raise ValidationError(
                _(
                    "%(n)d took part in all, fewer than the %(raised)d who raised one of its"
                    " issues: change that issue first.",
                    n=taken_part,
                    raised=self.most_raised,
                )
            )

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
        return fields.values_of(self, *DIALOGUE_FIELDS)


#: The issue form's fields that are stored as they are (the times are joined).
ISSUE_FIELDS = ("place_id", "problem", "raised_by", "weight", "quote", "measure")


class IssueForm(FlaskForm):
    place_id = fields.place_field()
    problem = fields.choice_field(RadioField, _l("Problem"), required=_l("Choose a problem."))
    times = fields.times_field(description=_l("Optional. Tick every time it concerns."))
    raised_by = fields.count_field(
        _l("How many raised it"),
        low=1,
        description=_l("Give either this number or a weight, not both."),
    )
    weight = fields.choice_field(
        RadioField,
        _l("Weight"),
        coerce=fields.optional_id,
        choices=[SelectChoice(str(key), label) for key, label in labels.WEIGHTS.items()],
        description=_l("How much it weighed in the dialogue, when no one counted."),
    )
    quote = fields.text_area(_l("Quote or note"), 2000)
    measure = fields.text_area(_l("Proposed measure"), 2000)

    def __init__(
        self,
        *args: Any,
        places: Iterable[Place],
        locale: str,
        place: Place | None = None,
        taken_part: int = 0,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        #: How many took part in the dialogue (0: not counted): no more can have raised it.
        self.taken_part = taken_part
        self.place_id.choices = fields.place_choices([(None, fields.with_chosen(places, place))])
        self.problem.choices = [
            SelectChoice(key, label) for key, label in labels.problems(locale).items()
        ]

    def validate_raised_by(self, field: Field) -> None:
        if self.taken_part and field.data is not None and field.data > self.taken_part:
            raise ValidationError(
                _(
                    "More than the %(n)d who took part in the dialogue. Change how many took"
                    " part first, or give a weight.",
                    n=self.taken_part,
                )
            )

    def validate_weight(self, field: Field) -> None:
        if field.data is not None and self.raised_by.data is not None:
            raise ValidationError(_("Give either how many raised it or a weight, not both."))

    def values(self) -> dict[str, Any]:
        """The validated values, named as the model's columns (times joined by ';')."""
        chosen = set(self.times.data or ())
        return fields.values_of(self, *ISSUE_FIELDS) | {
            "times": ";".join(t for t in TIMES_OF_DAY if t in chosen) or None
        }


def issue_data(issue: DialogueIssue) -> dict[str, Any]:
    """An issue's stored values as the issue form's data (times as a list)."""
    return {name: getattr(issue, name) for name in ISSUE_FIELDS} | {
        "times": issue.times.split(";") if issue.times else []
    }


class FilterForm(FlaskForm):
    """The list's filters, sent as a GET query (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    area = fields.choice_field(SelectField, _l("Area"), coerce=fields.optional_id)
    kind = fields.choice_field(SelectField, _l("Kind"))
    date_from = fields.DateInputField(_l("From"), validators=[Optional()])
    date_to = fields.DateInputField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area.choices = fields.named_choices(_("All areas"), areas)
        self.kind.choices = [SelectChoice("", _("All kinds")), *KIND_CHOICES]

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

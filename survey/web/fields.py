"""Field kinds and checks shared by every form: choices, texts, whole numbers, dates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
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
from wtforms.widgets import CheckboxInput, ListWidget

from .. import labels
from ..dates import EARLIEST, LATEST
from ..models import Place

REQUIRED = _l("Fill in this field.")
INVALID_CHOICE = _l("Choose one of the options shown.")
WHOLE_NUMBER = _l("Enter a whole number, like 12.")
DATE_FORMAT = _l("Enter a date as YYYY-MM-DD, like 2026-05-04.")
#: Larger counts are typing mistakes (and would overflow the database's integers).
MAX_COUNT = 100_000
#: Unicode's embeddings, overrides and isolates (LRE..RLO, LRI..PDI): in a name or title shown
#: inline with other text ("Round · Name (shown above)"), an unclosed one turns the rest of the
#: line around. Nobody types them; they come with pasted text.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class DateInputField(DateField):
    """A date typed as YYYY-MM-DD, between 2000 and 2100."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", DATE_FORMAT)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data and not EARLIEST <= self.data <= LATEST:
            raise StopValidation(_l("Enter a date between 2000 and 2100."))


def one_line_text(_form: FlaskForm, field: Field) -> None:
    """Refuse text that is blank once trimmed or holds control or direction characters."""
    if field.data is not None and not field.data.strip():
        raise StopValidation(REQUIRED)
    if field.data and any(ord(c) < 32 for c in field.data):
        raise ValidationError(_l("The text contains characters that cannot be saved."))
    no_direction_controls(_form, field)


def no_direction_controls(_form: FlaskForm, field: Field) -> None:
    """Refuse one line of text with a direction override, embedding or isolate in it."""
    if field.data and DIRECTION_CONTROLS.search(field.data):
        raise ValidationError(_l("The text contains characters that cannot be saved."))


def optional_choice() -> Optional:
    """Optional for a choice field: an empty value skips it, a blank one is not a choice.

    WTForms' Optional() takes whitespace as empty and then clears the "not a valid choice"
    error, so " " would pass validation and reach the database's check constraint.
    """
    return Optional(strip_whitespace=False)


class CheckboxGroupField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choice_field(kind: type[Field], label: Any, required: Any = None, **kwargs: Any) -> Any:
    """A field of ``kind`` that takes only the choices offered, with one message for others.

    ``required`` is the message when nothing is chosen; without it the field is optional.
    """
    first = InputRequired(required) if required else optional_choice()
    return kind(label, validators=[first], invalid_choice_message=INVALID_CHOICE, **kwargs)


def values_of(form: FlaskForm, *names: str) -> dict[str, Any]:
    """The named fields' validated data by name, as a model's columns: empty text is None."""
    return {name: None if form[name].data == "" else form[name].data for name in names}


def optional_id(value: Any) -> int | None:
    """Coerce a select's value to an id; blank is None, anything else not a number is -1."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not among the choices, so the field says "choose one of the options"


def named_choices(blank: Any, items: Iterable[Any]) -> list[SelectChoice]:
    """A blank option, then each item (an area, a round) by its id and name."""
    return [SelectChoice("", blank)] + [SelectChoice(str(i.id), i.name) for i in items]


def no_control_characters(_form: FlaskForm, field: Field) -> None:
    """Refuse NUL and other control characters (PostgreSQL cannot store NUL)."""
    if field.data and any(ord(c) < 32 and c not in "\n\t" for c in field.data):
        raise ValidationError(_l("The text contains characters that cannot be saved."))


def clean_text(value: str | None) -> str | None:
    """Trim typed text; a line break is one character, as the browser counted it."""
    # Browsers count a line break as one character for maxlength but send CRLF.
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("Write at most %(max)d characters.", max=limit))


def text_line(label: Any, limit: int, **kwargs: Any) -> StringField:
    """One line of text that must be filled in, at most ``limit`` characters."""
    return StringField(
        label,
        validators=[
            DataRequired(REQUIRED),
            _at_most(limit),
            no_control_characters,
            no_direction_controls,
        ],
        filters=[clean_text],
        render_kw={"maxlength": limit},
        **kwargs,
    )


def text_area(label: Any, limit: int, required: bool = False, **kwargs: Any) -> TextAreaField:
    """Free text over several lines, at most ``limit`` characters; optional unless required."""
    return TextAreaField(
        label,
        validators=[
            DataRequired(REQUIRED) if required else Optional(),
            _at_most(limit),
            no_control_characters,
        ],
        filters=[clean_text],
        render_kw={"maxlength": limit, "rows": 4},
        **kwargs,
    )


def in_range(low: float, high: float) -> NumberRange:
    """A number from ``low`` to ``high``, saying so when it is not."""
    return NumberRange(low, high, _l("Enter a number from %(min)s to %(max)s."))


#: Larger than every range a whole-number field checks, small enough to be a float.
BEYOND_ANY_RANGE = 10**15


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
        if isinstance(self.data, int) and abs(self.data) > BEYOND_ANY_RANGE:
            # WTForms' range check makes the number a float, which 400 digits overflow (a
            # 500); any number this large is outside every range here, and is told so.
            self.data = BEYOND_ANY_RANGE if self.data > 0 else -BEYOND_ANY_RANGE

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:  # not a number: the range check would only repeat it
            raise StopValidation()


def count_field(label: Any, low: int = 0, **kwargs: Any) -> WholeNumberField:
    """An optional count of people or things, from ``low`` to MAX_COUNT."""
    return WholeNumberField(label, validators=[Optional(), in_range(low, MAX_COUNT)], **kwargs)


def times_field(**kwargs: Any) -> CheckboxGroupField:
    """The times of day to tick, in their order."""
    choices = [SelectChoice(key, label) for key, label in labels.TIMES.items()]
    return choice_field(CheckboxGroupField, _l("Times of day"), choices=choices, **kwargs)


def place_field(**kwargs: Any) -> SelectField:
    """A place to choose, or none; its choices come from place_choices."""
    return choice_field(SelectField, _l("Place"), coerce=optional_id, **kwargs)


def place_choices(groups: Iterable[tuple[str | None, Iterable[Place]]]) -> list[SelectChoice]:
    """A blank option, then the places, in an option group per area when it is named."""
    choices = [SelectChoice("", _("No particular place"))]
    for group, places in groups:
        choices += [SelectChoice(str(p.id), p.name, optgroup=group) for p in places]
    return choices


def with_chosen(places: Iterable[Place], chosen: Place | None) -> list[Place]:
    """The places, and the one already chosen: it stays valid even when retired since."""
    places = list(places)
    return places + [chosen] if chosen is not None and chosen not in places else places

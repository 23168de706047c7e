"""The survey form, built at run time from the questionnaire (field names = item codes)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from babel.core import UnknownLocaleError
from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..i18n import text_direction
from ..labels import display_name
from ..questionnaire import Item, Questionnaire, text
from ..questionnaire.model import DEFAULT_LOCALE, Texts
from ..services.receipts import normalize_code
from ..web.fields import (
    INVALID_CHOICE,
    CheckboxGroupField,
    no_control_characters,
    optional_choice,
)

#: The honeypot: hidden from people, filled in by naive bots; such posts are dropped.
HONEYPOT = "homepage"

REQUIRED = _l("Answer this question.")


class MaxChoices:
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        if field.data and len(set(field.data)) > self.limit:
            raise ValidationError(_l("Choose at most %(n)d options.", n=self.limit))


# WTForms checks a choice by building a Choice object for every option of every field on
# every request (and translating the error message even when a validator then clears it);
# with ~25 choice items that was a large part of a survey POST. The questionnaire's options
# are fixed per form class, so these fields look the answer up in a set of the values.


class OptionRadioField(RadioField):
    """A single-choice item: the answer must be one of the item's values."""

    def __init__(self, *args: Any, values: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.values = values

    def pre_validate(self, form: FlaskForm) -> None:
        # As SelectField.pre_validate, which raises this message for anything not an option
        # (None, when unanswered, too: InputRequired or Optional then clear or replace it).
        if self.process_errors or self.data in self.values:
            return
        raise ValidationError(self.invalid_choice_message)


class OptionCheckboxField(CheckboxGroupField):
    """A multi-choice item: every answer must be one of the item's values."""

    def __init__(self, *args: Any, values: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.values = values

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors or not self.data or self.values.issuperset(self.data):
            return
        super().pre_validate(form)  # refuses with the message naming the wrong values


class NumberField(StringField):
    """A number item: a whole number in the item's range, typed (a phone shows digits)."""

    def __init__(self, *args: Any, minimum: int, maximum: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def pre_validate(self, form: FlaskForm) -> None:
        raw = (self.data or "").strip()
        if not raw:
            return
        digits = raw[1:] if raw[0] in "-−" else raw
        # Decimal digits of any script: a phone set to Persian or Arabic types ۱۲ or ١٢.
        # At most 9 of them: Python refuses to read more than 4,300.
        if (
            not digits.isdecimal()
            or len(digits) > 9
            or not (self.minimum <= int(raw.replace("−", "-")) <= self.maximum)
        ):
            raise ValidationError(
                _l(
                    "Write a whole number from %(min)d to %(max)d.",
                    min=self.minimum,
                    max=self.maximum,
                )
            )
        self.data = str(int(raw.replace("−", "-")))


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class AreaField(SelectField):
    """The respondent's home area: one of the areas of the database (set per request)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Stripped: Optional() lets a blank " " through, which must mean "not answered".
        choices = [SelectChoice("", _l("Choose an area"))]
        super().__init__(*args, choices=choices, coerce=_stripped, **kwargs)
        self.values: frozenset[str] = frozenset()

    def set_areas(self, areas: list[tuple[str, str]]) -> None:
        self.choices = [
            SelectChoice("", _l("Choose an area")),
            *(SelectChoice(slug, name) for slug, name in areas),
        ]
        self.values = frozenset(slug for slug, _name in areas)

    def pre_validate(self, form: FlaskForm) -> None:
        if not self.data or self.data in self.values:
            return
        raise ValidationError(INVALID_CHOICE)


class SurveyForm(FlaskForm):
    """Base of every generated survey form; subclasses add one field per item."""

    questionnaire: Questionnaire

    class Meta:
        # CSRFProtect (survey.extensions.csrf) checks the token of every POST before any view
        # runs, and the form would then skip its own check; a form-level token field would
        # only sign a new token on every answer for a page that is not shown. The template
        # puts csrf_token() into the form instead.
        csrf = False

        def wrap_formdata(self, _form: FlaskForm, _formdata: object) -> object:
            # Only an HTML form's fields count: no files (a file in a text field is not an
            # answer) and no JSON bodies.
            return request.form if request.method == "POST" else None

    def set_areas(self, areas: list[tuple[str, str]]) -> None:
        """Offer these (slug, name) areas in every home-area item."""
        for item in self.questionnaire.items:
            if item.type == "area":
                self[item.code].set_areas(areas)

    def validate(self, extra_validators: Any = None) -> bool:
        """Check every item; one not asked (skip logic) is neither required nor kept."""
        super().validate(extra_validators)
        raw = {code: self[code].data for code in self.questionnaire.codes}
        for code in self.questionnaire.skipped(raw):
            self[code].errors = []
        return not self.errors

    def answers(self) -> dict[str, str | None]:
        """The stored values for a validated form."""
        raw = {code: self[code].data for code in self.questionnaire.codes}
        return self.questionnaire.clean(raw)

    @property
    def is_bot(self) -> bool:
        return bool(self[HONEYPOT].data)


#: Line breaks as they come: browsers send CRLF (but count one character for maxlength), and
#: text pasted from Word brings its manual line break (vertical tab) and page break (form
#: feed), which cannot be seen and were refused as "characters that cannot be saved".
_LINE_BREAKS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n"})


def one_line_breaks(value: str | None) -> str | None:
    """Every kind of line break as one "\n"."""
    return value.replace("\r\n", "\n").translate(_LINE_BREAKS) if value else value


#: The hidden field with the questionnaire version a survey page showed.
VERSION_FIELD = "_version"


def version_posted(formdata: Any, live: Questionnaire) -> int | None:
    """An earlier version than the live one that the posted form was given with, or None:
    the page was opened before a newer version went live."""
    posted = formdata.get(VERSION_FIELD, "")
    if posted.isascii() and posted.isdigit() and len(posted) < 6 and int(posted) < live.version:
        return int(posted)
    return None


#: The language switch's button on a survey page: it posts what was filled in to the same
#: page in the language chosen (?lang=), which shows it again there and stores nothing. A link
#: would lose the answers, with or without JavaScript.
LANGUAGE_FIELD = "_language"


def switching_language(formdata: Any) -> bool:
    """Whether a posted survey form was sent by the language switch, not to be stored."""
    return LANGUAGE_FIELD in formdata


def in_swedish(value: str) -> Markup:
    """Text organizers wrote (promise titles, round names) on a page in another language,
    marked as Swedish: a screen reader reads it with a Swedish voice, and a right-to-left page
    sets it left to right (WCAG 3.1.2, language of parts)."""
    if str(get_locale()) == DEFAULT_LOCALE:
        return Markup.escape(value)
    return Markup('<span lang="{}" dir="ltr">{}</span>').format(DEFAULT_LOCALE, value)


def round_name(name: str) -> Markup:
    """A survey round's name as shown: the default round's translated, others as written
    (in Swedish, and marked so)."""
    shown = display_name(name)
    return in_swedish(shown) if shown == name else Markup.escape(shown)


def swedish_attrs() -> Markup:
    """The same for a whole element: `` lang="sv" dir="ltr"`` on a page in another language."""
    if str(get_locale()) == DEFAULT_LOCALE:
        return Markup("")
    return Markup(' lang="{}" dir="ltr"').format(DEFAULT_LOCALE)


def shown_text(texts: Texts | None, locale: str) -> str:
    """The text in the page's language; one shown in another language (a question added
    without this language) says which, so that a right-to-left page sets it left to right
    and a screen reader reads it in its own language."""
    shown = text(texts, locale)
    if not texts or texts.get(locale) or not shown:
        return shown
    # As text() falls back: Swedish, else the first language given.
    lang = DEFAULT_LOCALE if texts.get(DEFAULT_LOCALE) else next(iter(texts))
    try:
        direction = text_direction(lang)
    except (ValueError, UnknownLocaleError):  # a key no locale has ("english"): the browser's
        direction = "auto"
    return Markup('<span lang="{}" dir="{}">{}</span>').format(lang, direction, shown)


def _field(item: Item, locale: str, required: bool) -> Field:
    label = shown_text(item.label, locale)
    description = shown_text(item.hint, locale)
    choices = [SelectChoice(o.value, shown_text(o.label, locale)) for o in item.options]
    if item.type == "single":
        validators = [InputRequired(REQUIRED)] if required else [optional_choice()]
        return OptionRadioField(
            label,
            choices=choices,
            values=frozenset(item.values),
            validators=validators,
            description=description,
            invalid_choice_message=INVALID_CHOICE,
        )
    if item.type == "multi":
        validators = [InputRequired(REQUIRED)] if required else [optional_choice()]
        if item.max_choices:
            validators.append(MaxChoices(item.max_choices))
        return OptionCheckboxField(
            label,
            choices=choices,
            values=frozenset(item.values),
            validators=validators,
            description=description,
            invalid_choice_message=INVALID_CHOICE,
        )
    if item.type == "number":
        return NumberField(
            label,
            minimum=item.min_value if item.min_value is not None else 0,
            maximum=item.max_value if item.max_value is not None else 0,
            validators=[InputRequired(REQUIRED) if required else Optional()],
            description=description,
            render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "number"},
        )
    if item.type == "area":
        return AreaField(
            label,
            validators=[InputRequired(REQUIRED) if required else Optional()],
            description=description,
        )
    limit = item.max_length or 1000
    return TextAreaField(
        label,
        validators=[
            InputRequired(REQUIRED) if required else Optional(),
            Length(max=limit, message=_l("Write at most %(max)d characters.", max=limit)),
            no_control_characters,
        ],
        filters=[one_line_breaks],
        description=description,
        render_kw={"maxlength": limit, "rows": 5},
    )


def item_fields(
    questionnaire: Questionnaire, locale: str, enforce_required: bool = True
) -> dict[str, Field]:
    """One unbound field per item, named by its code; all optional unless enforce_required."""
    return {
        item.code: _field(item, locale, item.required and enforce_required)
        for item in questionnaire.items
    }


#: A run of at least this many single-choice items with the same options (and no hint or
#: condition of their own) is shown as a matrix: one row per item under one set of headings.
MATRIX_MIN_ROWS = 3
#: ... if they have at most this many options: more do not fit side by side on a phone.
MATRIX_MAX_OPTIONS = 6


def _matrix_row(item: Item) -> bool:
    return (
        item.type == "single"
        and not item.hint
        and not item.condition
        and len(item.options) <= MATRIX_MAX_OPTIONS
    )


def blocks(items: Iterable[Item]) -> list[list[Item]]:
    """A section's items as shown: runs of like items (a matrix) and single items, in order."""
    shown: list[list[Item]] = []
    for item in items:
        last = shown[-1] if shown else None
        if last and _matrix_row(item) and _matrix_row(last[0]) and last[0].options == item.options:
            last.append(item)
        else:
            shown.append([item])
    # A run too short for a matrix is shown item by item.
    return [
        block
        for run in shown
        for block in ([run] if len(run) >= MATRIX_MIN_ROWS else [[item] for item in run])
    ]


@functools.cache
def survey_form_class(questionnaire: Questionnaire, locale: str) -> type[SurveyForm]:
    """Build (once per questionnaire version and language) the residents' form class."""
    fields: dict[str, object] = dict(item_fields(questionnaire, locale))
    fields[HONEYPOT] = StringField(
        _l("Leave this field empty"),
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )
    fields["questionnaire"] = questionnaire
    return type(f"SurveyFormV{questionnaire.version}", (SurveyForm,), fields)


class EraseForm(FlaskForm):
    """A resident's receipt code, to have the answer it belongs to erased (/radera)."""

    code = StringField(
        _l("Receipt code"),
        validators=[InputRequired(_l("Type the receipt code."))],
        description=_l(
            "10 letters and digits, like K7QM-4XTP-2B. Case, spaces and dashes do not matter."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )

    normalized: str

    def validate_code(self, field: StringField) -> None:
        code = normalize_code(field.data or "")
        if code is None:
            raise ValidationError(
                _l("A receipt code has 10 letters and digits, like K7QM-4XTP-2B.")
            )
        self.normalized = code

"""A "choose at most N" question the resident over-ticked on paper: keyed in as invalid.

Statistics offices code a multiple-choice question with more ticks than allowed as an invalid
answer, left unanswered, and go on with the rest of the questionnaire. The key-in form offers
that as one more choice under such a question; the web survey keeps refusing too many.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from survey.public.forms import MaxChoices
from survey.questionnaire import Questionnaire

#: The extra choice's value, never stored. An item that has an option of this very value
#: keeps the web survey's plain limit instead.
INVALID = "-invalid"


class OverTicked:
    """Too many ticks and no "invalid" choice: say how to key it in."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        chosen = set(field.data or ())
        if INVALID not in chosen and len(chosen) > self.limit:
            raise ValidationError(
                _l(
                    "Did the resident tick more than %(n)d? Then tick “Invalid” at the end of"
                    " the question: the question is saved as not answered, and the rest of the"
                    " form is saved as usual. Otherwise correct the ticks.",
                    n=self.limit,
                )
            )


def with_invalid_choice(field: UnboundField, limit: int) -> UnboundField:
    """The same checkbox field with a last choice "Invalid", checked by OverTicked."""
    kwargs: dict[str, Any] = dict(field.kwargs)
    label = _l("Invalid: more than %(n)d ticked (saved as not answered)", n=limit)
    kwargs["choices"] = [*kwargs["choices"], SelectChoice(INVALID, label)]
    kwargs["values"] = kwargs["values"] | {INVALID}
    kwargs["validators"] = [
        *(v for v in kwargs["validators"] if not isinstance(v, MaxChoices)),
        OverTicked(limit),
    ]
    return field.field_class(*field.args, **kwargs)


def limited_codes(questionnaire: Questionnaire) -> dict[str, int]:
    """The multiple-choice items with a most number of choices, with that number."""
    return {
        item.code: item.max_choices
        for item in questionnaire.items
        if item.type == "multi" and item.max_choices and INVALID not in item.values
    }


def without_invalid(data: dict[str, Any], limited: dict[str, int]) -> dict[str, Any]:
    """The key-in form's answers with every question keyed in as invalid left unanswered
    (only the ``limited`` ones offer that choice: elsewhere the value is a real option)."""
    return {
        code: None if code in limited and INVALID in (value or ()) else value
        for code, value in data.items()
    }

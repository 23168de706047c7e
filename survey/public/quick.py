"""A valid answer's quick path: the posted values checked as set lookups, no form built.

Most posts are valid answers. Building the WTForms form binds a field object per item and runs
each field's validation chain, which was the largest single cost of a survey POST; for an
answer that is plainly valid it only confirms what a few set lookups can. ``quick_answers``
accepts a post only when every value is one the form itself would accept unchanged, and
returns exactly what ``SurveyForm.answers()`` would; for anything else (a missing required
answer, an unknown option, a repeated field, odd characters, a filled-in honeypot) it returns
None and the view builds the form as before, so every error message still comes from the form
(tests/public/test_quick.py checks the two agree on generated posts).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ..questionnaire import Item, Questionnaire
from .forms import HONEYPOT, one_line_breaks


@dataclass(frozen=True)
class _Check:
    code: str
    type: str
    required: bool
    values: frozenset[str]
    max_choices: int | None
    max_length: int
    minimum: int
    maximum: int


def _check(item: Item) -> _Check:
    return _Check(
        code=item.code,
        type=item.type,
        required=item.required,
        values=frozenset(item.values),
        max_choices=item.max_choices,
        max_length=item.max_length or 1000,
        minimum=item.min_value if item.min_value is not None else 0,
        maximum=item.max_value if item.max_value is not None else 0,
    )


@functools.cache
def _checks(questionnaire: Questionnaire) -> tuple[_Check, ...]:
    return tuple(_check(item) for item in questionnaire.items)


def _plain_number(raw: str) -> bool:
    """ASCII digits; other scripts' digits and the minus sign "−" are left to the form."""
    digits = raw[1:] if raw[:1] == "-" else raw
    return digits.isascii() and digits.isdigit() and len(digits) <= 9


def _plain_text(value: str) -> bool:
    # As no_control_characters.
    return not any(ord(c) < 32 and c not in "\n\t" for c in value)


def quick_answers(
    questionnaire: Questionnaire,
    formdata: MultiDict[str, str],
    areas: Collection[str] = (),
) -> dict[str, str | None] | None:
    """The stored answers of a plainly valid post, or None when the form must decide.

    ``areas``: the slugs a home-area item accepts.
    """
    if formdata.get(HONEYPOT):
        return None
    raw: dict[str, object] = {}
    for check in _checks(questionnaire):
        given = formdata.getlist(check.code)
        if not given:
            if check.required:
                return None  # the form says "answer this question" (or skips it)
            raw[check.code] = None
            continue
        if check.type == "multi":
            if not check.values.issuperset(given):
                return None
            if check.max_choices and len(set(given)) > check.max_choices:
                return None
            raw[check.code] = given
            continue
        if len(given) > 1:
            return None
        value = given[0]
        if check.type != "single" and not value.strip():
            # A blank text, number or area box: not answered (the form's Optional()).
            if check.required:
                return None
            raw[check.code] = None
            continue
        if check.type == "single":
            if value not in check.values:
                return None
        elif check.type == "area":
            if value not in areas:
                return None
        elif check.type == "number":
            value = value.strip()
            if not _plain_number(value) or not check.minimum <= int(value) <= check.maximum:
                return None
            value = str(int(value))
        else:
            value = one_line_breaks(value) or ""
            if not _plain_text(value) or len(value) > check.max_length:
                return None
        raw[check.code] = value
    return questionnaire.clean(raw)

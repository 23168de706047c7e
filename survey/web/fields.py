"""Field kinds and checks shared by every form: dates organizers type, one line of text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field
from wtforms.validators import StopValidation, ValidationError

REQUIRED = _l("Fill in this field.")
DATE_FORMAT = _l("Enter a date as YYYY-MM-DD, like 2026-05-04.")
#: Dates organizers type must lie in this range: a year-1 typo must not reach the analysis.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class DateInputField(DateField):
    """A date typed as YYYY-MM-DD, between 2000 and 2100."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", DATE_FORMAT)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data and not EARLIEST <= self.data <= LATEST:
            raise StopValidation(_l("Enter a date between 2000 and 2100."))


def one_line_text(_form: FlaskForm, field: Field) -> None:
    """Refuse text that is blank once trimmed or holds control characters."""
    if field.data is not None and not field.data.strip():
        raise StopValidation(REQUIRED)
    if field.data and any(ord(c) < 32 for c in field.data):
        raise ValidationError(_l("The text contains characters that cannot be saved."))

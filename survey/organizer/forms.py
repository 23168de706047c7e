"""Forms shared by the organizer pages (feature forms live with their feature)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, Field, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length, StopValidation, ValidationError

from .accounts import MIN_PASSWORD_LENGTH

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


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(REQUIRED),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(REQUIRED),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )

"""Forms of logging in, of asking for a reset link and of setting a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from survey.services.accounts import MIN_PASSWORD_LENGTH
from survey.web.fields import REQUIRED, one_line_text

#: An address is looked up as typed: a NUL in it is a database error on PostgreSQL.
EMAIL_CHECKS = [InputRequired(REQUIRED), Length(max=254), one_line_text]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=EMAIL_CHECKS)
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=EMAIL_CHECKS)


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

"""Admin: invite organizers, change roles, disable and enable accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Length

from .. import labels
from ..extensions import db
from ..models import User
from ..services.accounts import AccountError, invite, set_active, set_role
from ..web.fields import REQUIRED
from ..web.urls import absolute_url
from . import admin_required, bp, menu_item

menu_item("organizer.users", _l("Users"), admin_only=True)


def _role_field() -> SelectField:
    choices = [SelectChoice(value, label) for value, label in labels.ROLES.items()]
    return SelectField(_l("Role"), choices=choices, default="organizer")


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(REQUIRED), Length(max=254)])
    role = _role_field()


class RoleForm(FlaskForm):
    role = _role_field()


def _page(form: InviteForm, status: int = 200, invite_url: str | None = None):
    users = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template(
        "organizer/users.html",
        users=users,
        form=form,
        role_form=RoleForm,
        roles=labels.ROLES,
        invite_url=invite_url,
    ), status


@bp.get("/users")
@admin_required
def users():
    return _page(InviteForm())


@bp.post("/users/invite")
@admin_required
def user_invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        token = invite(db.session, form.email.data, form.role.data)
    except AccountError as exc:
        db.session.rollback()
        form.email.errors.append(str(exc))
        return _page(form, 422)
    db.session.commit()
    url = absolute_url("organizer.invitation", token=token)
    flash(
        _(
            "%(email)s is invited. Send them this link; it works once, for 7 days.",
            email=form.email.data.strip().lower(),
        ),
        "success",
    )
    return _page(InviteForm(formdata=None), invite_url=url)


@bp.post("/users/<int:user_id>/role")
@admin_required
def user_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            set_role(db.session, user, form.role.data)
            db.session.commit()
            flash(
                _("%(email)s is now %(role)s.", email=user.email, role=labels.ROLES[user.role]),
                "success",
            )
        except AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    else:
        flash(_("Choose one of the roles shown."), "error")
    return redirect(url_for("organizer.users"), code=303)


@bp.post("/users/<int:user_id>/active")
@admin_required
def user_active(user_id: int):
    user = db.get_or_404(User, user_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            set_active(db.session, user, not user.active)
            db.session.commit()
            message = _("%(email)s is enabled.") if user.active else _("%(email)s is disabled.")
            flash(message % {"email": user.email}, "success")
        except AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return redirect(url_for("organizer.users"), code=303)

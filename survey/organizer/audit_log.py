"""Admin: the audit trail of every organizer write."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectChoice, SelectField, StringField

from ..extensions import db
from ..models import AuditEvent
from . import admin_required, bp, menu_item

menu_item("organizer.audit", _l("Audit log"), admin_only=True)
PAGE_SIZE = 100


class AuditFilter(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    actor = StringField(_l("Who (e-mail or cli)"))
    action = SelectField(_l("What"))


@bp.get("/audit")
@admin_required
def audit():
    form = AuditFilter(request.args)
    actions = list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
    form.action.choices = [SelectChoice("", _("All"))] + [SelectChoice(a, a) for a in actions]
    actor = (form.actor.data or "").strip()
    action = form.action.data or ""
    # Bounded, so an absurd page number is just an empty page, never an overflow.
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 1_000_000)
    query = select(AuditEvent)
    if actor:
        query = query.where(AuditEvent.actor == actor.lower())
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = db.session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "organizer/audit.html",
        events=events,
        actor=actor,
        action=action,
        form=form,
        page=page,
        has_next=page * PAGE_SIZE < total,
        total=total,
    )

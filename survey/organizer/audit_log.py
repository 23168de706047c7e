"""Admin: the audit trail of every organizer write, in words rather than codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectChoice, SelectField, StringField

from ..extensions import db
from ..i18n import local_datetime
from ..models import AuditEvent
from ..services.audit import CLI_ACTOR
from ..services.erasure import RESIDENT_ACTOR
from . import admin_required, bp, menu_item
from .audit_details import Names, detail_key, value_text

menu_item("organizer.audit", _l("Audit log"), admin_only=True)
PAGE_SIZE = 100

#: What each recorded action means, for people; an unknown code is shown as it is.
ACTIONS: dict[str, Any] = {
    "area.create": _l("Area added"),
    "area.rename": _l("Area renamed"),
    "area.alias": _l("Other name for an area added"),
    "area.municipality": _l("Municipality of an area changed"),
    "area.meeting_opened": _l("Area opened for a meeting"),
    "area.meeting_closed": _l("Meeting closed"),
    "category_override.set": _l("Crime category mapping changed"),
    "category_override.remove": _l("Crime category mapping set back to the shipped one"),
    "comment_tag.add": _l("Topic added to a comment"),
    "deviation.handled": _l("Deviation marked as handled"),
    "user.notify_deviations": _l("E-mails about deviations turned on or off"),
    "comment_tag.remove": _l("Topic removed from a comment"),
    "crime.import": _l("Crime figures imported"),
    "crime.undo_import": _l("Crime import undone"),
    "demo.load": _l("Demo data loaded"),
    "dialogue.create": _l("Dialogue logged"),
    "dialogue.update": _l("Dialogue changed"),
    "dialogue.delete": _l("Dialogue deleted"),
    "dialogue_issue.create": _l("Issue in a dialogue added"),
    "dialogue_issue.update": _l("Issue in a dialogue changed"),
    "dialogue_issue.delete": _l("Issue in a dialogue deleted"),
    "export.dialogues": _l("Dialogues downloaded"),
    "export.responses": _l("Raw answers downloaded"),
    "export.population": _l("Population figures downloaded"),
    "place.create": _l("Place added"),
    "place.rename": _l("Place renamed"),
    "place.retire": _l("Place retired"),
    "place.reinstate": _l("Place taken back into use"),
    "population.import": _l("Population figures imported"),
    "population.delete": _l("Population figures deleted"),
    "promise.create": _l("Promise created"),
    "promise.update": _l("Promise changed"),
    "promise.delete": _l("Promise deleted"),
    "promise_activity.create": _l("Activity in promise created"),
    "promise_activity.update": _l("Activity in promise changed"),
    "promise_activity.delete": _l("Activity in promise deleted"),
    "questionnaire.upload": _l("Questionnaire version uploaded"),
    "questionnaire.publish": _l("Questionnaire version put live"),
    "questionnaire.delete": _l("Questionnaire draft deleted"),
    "invitations.create": _l("Invitation letters made"),
    "invitations.withdraw": _l("Invitation letters withdrawn (never mailed)"),
    "release.publish": _l("Situation picture published"),
    "response.create_paper": _l("Paper answer keyed in"),
    "response.correct_paper": _l("Paper answer corrected"),
    "response.delete_paper": _l("Paper answer deleted"),
    "response.erase": _l("Answer erased"),
    "response.release_held": _l("Held answers released"),
    "response.discard_held": _l("Held answers discarded"),
    "responses.import": _l("Answers imported"),
    "responses.undo_import": _l("Import of answers undone"),
    "retention.comments": _l("Old comments deleted"),
    "retention.answers": _l("Old answers deleted"),
    "round.create": _l("Survey round created"),
    "round.update": _l("Survey round changed"),
    "round.delete": _l("Survey round deleted"),
    "user.create": _l("User created"),
    "user.accept_invite": _l("Invitation accepted"),
    "user.set_role": _l("Role changed"),
    "user.disable": _l("User disabled"),
    "user.enable": _l("User enabled"),
    "user.reset_password": _l("Password reset"),
    "user.reset_link": _l("Password reset link made on the command line"),
}

#: The actors that are not an account.
ACTORS: dict[str, Any] = {
    CLI_ACTOR: _l("command line"),
    RESIDENT_ACTOR: _l("a resident (their own answer)"),
}

#: The kinds of object an event is about (the model's class name).
TARGETS: dict[str, Any] = {
    "Area": _l("Area"),
    "CategoryOverride": _l("Crime category mapping"),
    "CommentTag": _l("Comment topic"),
    "CrimeImportRun": _l("Crime import"),
    "DeviationAlert": _l("Deviation"),
    "Dialogue": _l("Dialogue"),
    "DialogueIssue": _l("Issue"),
    "ImportBatch": _l("Imported file"),
    "Place": _l("Place"),
    "Promise": _l("Promise"),
    "PromiseActivity": _l("Activity"),
    "QuestionnaireVersion": _l("Questionnaire version"),
    "Release": _l("Release"),
    "Response": _l("Answer"),
    "SurveyRound": _l("Survey round"),
    "User": _l("User"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def target_label(kind: str | None, target_id: int | None) -> str:
    if not kind:
        return ""
    name = str(TARGETS.get(kind, kind))
    return name if target_id is None else f"{name} {target_id}"


def actor_text(actor: str) -> str:
    """Who did it: an e-mail address, or the command line, or a resident erasing their answer."""
    return str(ACTORS.get(actor, actor))


def when_text(at: dt.datetime) -> str:
    """The time in the app's time zone, on one line: 2026-11-29 14:05."""
    return local_datetime(at)


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
    form.action.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(a, action_label(a)) for a in actions
    ]
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
        action_label=action_label,
        target_label=target_label,
        value_text=value_text,
        detail_key=detail_key,
        actor_text=actor_text,
        names=Names.load(db.session),
        when_text=when_text,
    )

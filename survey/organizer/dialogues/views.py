"""The dialogue log: meetings and safety walks, and the issues raised in them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from survey import labels
from survey.db import or_404
from survey.extensions import db
from survey.models import Dialogue, DialogueIssue
from survey.services.dialogues import (
    LIST_LIMIT,
    add_issue,
    create_dialogue,
    delete_dialogue,
    delete_issue,
    get_dialogue,
    list_dialogues,
    update_dialogue,
    update_issue,
)
from survey.services.places import current_places
from survey.services.responses import areas_with_places

from .. import bp, menu_item, organizer_required
from .forms import DialogueForm, FilterForm, IssueForm, issue_data, participants_of, planned

menu_item("organizer.dialogues", _l("Dialogues"))

TEMPLATES = "organizer/dialogues/"


def _labels() -> dict[str, object]:
    """The readable names the templates show for stored keys."""
    return {
        "kinds": labels.DIALOGUE_KINDS,
        "times": labels.TIMES,
        "weights": labels.WEIGHTS,
        "problems": labels.problems(str(get_locale())),
    }


def _status(form: FlaskForm) -> int:
    return 422 if form.errors else 200


def _issue_or_404(dialogue: Dialogue, issue_id: int) -> DialogueIssue:
    # Only an issue of this dialogue: the address names both.
    return or_404(next((issue for issue in dialogue.issues if issue.id == issue_id), None))


def _issue_form(dialogue: Dialogue, issue: DialogueIssue | None = None) -> IssueForm:
    places = current_places(db.session, dialogue.area_id)
    taken_part = participants_of(dialogue.residents, dialogue.partners, dialogue.staff)
    if issue is None:
        return IssueForm(places=places, locale=str(get_locale()), taken_part=taken_part)
    return IssueForm(
        data=issue_data(issue),
        places=places,
        locale=str(get_locale()),
        place=issue.place,
        taken_part=taken_part,
    )


def _detail(dialogue: Dialogue, form: IssueForm):
    return render_template(
        TEMPLATES + "detail.html",
        dialogue=dialogue,
        form=form,
        planned=planned(dialogue.held_on),
        **_labels(),
    ), _status(form)


def _to_dialogue(dialogue_id: int, anchor: str | None = None):
    return redirect(url_for("organizer.dialogue", dialogue_id=dialogue_id, _anchor=anchor), 303)


@bp.get("/dialogues")
@organizer_required
def dialogues():
    areas = areas_with_places(db.session)
    form = FilterForm(request.args, areas=areas)
    valid = form.validate()
    rows = list_dialogues(db.session, **form.filters())
    page = render_template(
        TEMPLATES + "list.html", form=form, rows=rows, limit=LIST_LIMIT, **_labels()
    )
    return page, 200 if valid else 422


@bp.route("/dialogues/new", methods=["GET", "POST"])
@organizer_required
def dialogue_new():
    form = DialogueForm(areas=areas_with_places(db.session))
    if form.validate_on_submit():
        dialogue = create_dialogue(
            db.session, form.values(), created_by=current_user._get_current_object()
        )
        db.session.commit()
        if planned(dialogue.held_on):
            flash(
                _("The dialogue is planned. Add the issues raised once it has been held."),
                "success",
            )
            return _to_dialogue(dialogue.id)
        if dialogue.kind == "trygghetsvandring":
            flash(_("The safety walk is saved. Now add its stops."), "success")
        else:
            flash(_("The dialogue is saved. Now add the issues raised."), "success")
        return _to_dialogue(dialogue.id, "add-issue")
    return render_template(TEMPLATES + "form.html", form=form, dialogue=None), _status(form)


@bp.get("/dialogues/<int:dialogue_id>")
@organizer_required
def dialogue(dialogue_id: int):
    found = or_404(get_dialogue(db.session, dialogue_id))
    return _detail(found, _issue_form(found))


@bp.route("/dialogues/<int:dialogue_id>/edit", methods=["GET", "POST"])
@organizer_required
def dialogue_edit(dialogue_id: int):
    found = or_404(get_dialogue(db.session, dialogue_id))
    form = DialogueForm(obj=found, areas=areas_with_places(db.session), place=found.place)
    form.issue_areas = {i.place.area_id for i in found.issues if i.place is not None}
    form.has_issues = bool(found.issues)
    form.most_raised = max((i.raised_by or 0 for i in found.issues), default=0)
    if form.validate_on_submit():
        if update_dialogue(db.session, found, form.values()):
            db.session.commit()
            flash(_("The changes are saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return _to_dialogue(found.id)
    return render_template(TEMPLATES + "form.html", form=form, dialogue=found), _status(form)


@bp.route("/dialogues/<int:dialogue_id>/delete", methods=["GET", "POST"])
@organizer_required
def dialogue_delete(dialogue_id: int):
    found = or_404(get_dialogue(db.session, dialogue_id))
    form = FlaskForm()
    if form.validate_on_submit():
        delete_dialogue(db.session, found)
        db.session.commit()
        flash(_("The dialogue is deleted."), "success")
        return redirect(url_for("organizer.dialogues"), 303)
    return render_template(
        TEMPLATES + "confirm_delete.html", form=form, dialogue=found, issue=None, **_labels()
    ), _status(form)


@bp.post("/dialogues/<int:dialogue_id>/issues")
@organizer_required
def issue_add(dialogue_id: int):
    found = or_404(get_dialogue(db.session, dialogue_id))
    if planned(found.held_on):
        flash(_("The dialogue is still to come: add its issues once it has been held."), "error")
        return _to_dialogue(found.id)
    form = _issue_form(found)
    if form.validate_on_submit():
        add_issue(db.session, found, form.values())
        db.session.commit()
        if found.kind == "trygghetsvandring":
            flash(_("The stop is added."), "success")
        else:
            flash(_("The issue is added."), "success")
        return _to_dialogue(found.id, "add-issue")
    return _detail(found, form)


@bp.route("/dialogues/<int:dialogue_id>/issues/<int:issue_id>/edit", methods=["GET", "POST"])
@organizer_required
def issue_edit(dialogue_id: int, issue_id: int):
    found = or_404(get_dialogue(db.session, dialogue_id))
    issue = _issue_or_404(found, issue_id)
    form = _issue_form(found, issue)
    if form.validate_on_submit():
        if update_issue(db.session, issue, form.values()):
            db.session.commit()
            flash(_("The changes are saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return _to_dialogue(found.id, f"issue-{issue.id}")
    return render_template(
        TEMPLATES + "issue_form.html", form=form, dialogue=found, issue=issue
    ), _status(form)


@bp.route("/dialogues/<int:dialogue_id>/issues/<int:issue_id>/delete", methods=["GET", "POST"])
@organizer_required
def issue_delete(dialogue_id: int, issue_id: int):
    found = or_404(get_dialogue(db.session, dialogue_id))
    issue = _issue_or_404(found, issue_id)
    form = FlaskForm()
    if form.validate_on_submit():
        delete_issue(db.session, issue)
        db.session.commit()
        if found.kind == "trygghetsvandring":
            flash(_("The stop is deleted."), "success")
        else:
            flash(_("The issue is deleted."), "success")
        return _to_dialogue(found.id, "issues")
    return render_template(
        TEMPLATES + "confirm_delete.html", form=form, dialogue=found, issue=issue, **_labels()
    ), _status(form)

"""Admin: upload a new questionnaire version, preview it, and put it live."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import func, select
from wtforms import TextAreaField

from ..extensions import db
from ..i18n import format_number
from ..models import QuestionnaireVersion, Response
from ..models.accounts import utcnow
from ..public.forms import survey_form_class
from ..questionnaire import (
    MAX_DEPTH,
    MAX_SOURCE,
    Problem,
    Questionnaire,
    QuestionnaireError,
    UnsafeSource,
    builtin,
    decode,
    load_text,
    meaning_problems,
)
from ..services import audit
from ..services.questionnaires import answer_count, binding_versions, deletable, delete_draft
from ..services.responses import area_choices, questionnaire_version
from . import admin_required, bp, menu_item

menu_item("organizer.questionnaires", _l("Questionnaires"), admin_only=True)

#: A questionnaire file is a few kB; this bounds what an upload may hold (bytes; UTF-8 text
#: of at most MAX_SOURCE characters can take up to 4 bytes a character, but Swedish text
#: takes little more than one).
MAX_DEFINITION = MAX_SOURCE * 2


class UploadForm(FlaskForm):
    file = FileField(_l("YAML file"), description=_l("Or paste the text below."))
    definition = TextAreaField(_l("Questionnaire (YAML)"), render_kw={"rows": 12})


def _versions() -> list[tuple[QuestionnaireVersion, int]]:
    counts = (
        select(Response.questionnaire_version, func.count().label("n"))
        .group_by(Response.questionnaire_version)
        .subquery()
    )
    rows = db.session.execute(
        select(QuestionnaireVersion, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.questionnaire_version == QuestionnaireVersion.version)
        .order_by(QuestionnaireVersion.version.desc())
    )
    return [(version, n) for version, n in rows]


def _page(form: UploadForm, status: int = 200):
    return render_template(
        "organizer/questionnaires.html", versions=_versions(), form=form, publish=FlaskForm()
    ), status


@bp.get("/questionnaires")
@admin_required
def questionnaires():
    return _page(UploadForm(formdata=None))


def _translated(problem: Problem) -> str:
    """A problem in the admin's language, with its YAML line."""
    said = _(problem.msgid, **problem.params)
    return (
        _("Line %(line)d: %(problem)s", line=problem.line, problem=said) if problem.line else said
    )


def _earlier_versions() -> list[Questionnaire]:
    """The versions that were live or hold answers (a code keeps its meaning in all of them);
    a draft that never was does not bind a new upload."""
    found = []
    for number in binding_versions(db.session):
        earlier = questionnaire_version(db.session, number)
        if earlier is not None:
            found.append(earlier)
    return found


def _too_long() -> str:
    # The count grouped as the page's language writes it ("50 000" in Swedish).
    return _("Too long for a questionnaire: at most %(n)s characters.", n=format_number(MAX_SOURCE))


def _unsafe(form: UploadForm, exc: UnsafeSource) -> None:
    """Put the refusal beside the field the text came from; keep no huge text on the page."""
    field = form.file if form.file.data else form.definition
    if exc.reason == "size":
        field.errors.append(_too_long())
        form.definition.data = ""
    elif exc.reason == "depth":
        field.errors.append(
            _(
                "Too many levels inside one another (line %(line)d): a questionnaire has at"
                " most %(n)d.",
                line=exc.line,
                n=MAX_DEPTH,
            )
        )
    else:
        field.errors.append(
            _(
                "Anchors and aliases (& and *) are not allowed in a questionnaire (line"
                " %(line)d): write each part out in full.",
                line=exc.line,
            )
        )


def _uploaded_text(form: UploadForm) -> str | None:
    if form.file.data:
        raw = form.file.data.read(MAX_DEFINITION + 1)
        if len(raw) > MAX_DEFINITION:
            form.file.errors.append(_too_long())
            return None
        try:
            text = decode(raw)
        except QuestionnaireError as exc:
            form.file.errors.extend(_translated(p) for p in exc.problems)
            return None
        if not text.strip():
            form.file.errors.append(_("The file is empty."))
            return None
        return text
    if form.definition.data and form.definition.data.strip():
        return form.definition.data
    form.definition.errors.append(_("Choose a file or paste the questionnaire."))
    return None


@bp.post("/questionnaires")
@admin_required
def questionnaire_upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    source = _uploaded_text(form)
    if source is None:
        return _page(form, 422)
    try:
        parsed = load_text(source, catalogue=builtin(1))
    except UnsafeSource as exc:
        _unsafe(form, exc)
        return _page(form, 422)
    except QuestionnaireError as exc:
        form.definition.errors.extend(_translated(p) for p in exc.problems)
        form.definition.data = source
        return _page(form, 422)
    changed = meaning_problems(parsed, _earlier_versions())
    if changed:
        form.definition.errors.extend(_translated(p) for p in changed)
        form.definition.data = source
        return _page(form, 422)
    newest = db.session.scalar(select(func.max(QuestionnaireVersion.version))) or 0
    if parsed.version <= newest:
        form.definition.errors.append(
            _("version: must be a new number, higher than %(n)d.", n=newest)
        )
        form.definition.data = source
        return _page(form, 422)
    version = QuestionnaireVersion(
        version=parsed.version,
        definition=source,
        status="draft",
        uploaded_by=audit.current_actor_name(),
    )
    db.session.add(version)
    audit.record(db.session, "questionnaire.upload", version, {"version": parsed.version})
    db.session.commit()
    flash(
        _(
            "Version %(n)d is saved as a draft. Check the preview before it goes live.",
            n=parsed.version,
        ),
        "success",
    )
    return redirect(url_for("organizer.questionnaire_preview", version=parsed.version), code=303)


@bp.get("/questionnaires/<int:version>")
@admin_required
def questionnaire_preview(version: int):
    row = db.session.get(QuestionnaireVersion, version)
    questionnaire = questionnaire_version(db.session, version) if row else None
    if row is None or questionnaire is None:
        abort(404)
    form = survey_form_class(questionnaire, str(get_locale()))(formdata=None)
    if questionnaire.asks("area"):
        form.set_areas(area_choices(db.session))
    return render_template(
        "organizer/questionnaire_preview.html",
        row=row,
        questionnaire=questionnaire,
        form=form,
        publish=FlaskForm(),
    )


@bp.post("/questionnaires/<int:version>/publish")
@admin_required
def questionnaire_publish(version: int):
    row = db.session.get(QuestionnaireVersion, version)
    if row is None:
        abort(404)
    if FlaskForm().validate_on_submit() and row.status == "draft":
        row.status = "live"
        row.live_since = utcnow()
        audit.record(db.session, "questionnaire.publish", row, {"version": version})
        db.session.commit()
        flash(_("Version %(n)d is live: new answers use it.", n=version), "success")
    return redirect(url_for("organizer.questionnaires"), code=303)


@bp.route("/questionnaires/<int:version>/delete", methods=["GET", "POST"])
@admin_required
def questionnaire_delete(version: int):
    row = db.get_or_404(QuestionnaireVersion, version)
    if not deletable(row, answer_count(db.session, version)):
        flash(
            _(
                "Version %(n)d cannot be deleted: only a draft that was never live and has no"
                " answers can be.",
                n=version,
            ),
            "error",
        )
        return redirect(url_for("organizer.questionnaires"), code=303)
    form = FlaskForm()
    if form.validate_on_submit():
        delete_draft(db.session, row)
        db.session.commit()
        flash(_("The draft of version %(n)d is deleted.", n=version), "success")
        return redirect(url_for("organizer.questionnaires"), code=303)
    return render_template("organizer/questionnaire_delete.html", row=row, form=form)

"""Admin: import a crime data file, the latest crime imports (files and downloads), and
undoing the newest one.

An upload does what ``trygghet import crime`` does, all or nothing, then tells organizers of
new deviations as the command does (a failed send never undoes the import).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from .. import clock
from ..extensions import db
from ..imports import ImportRefused
from ..imports.crime import import_crime_data
from ..imports.crime_years import SHAPE_NAMES
from ..models import Area
from ..services import alerts
from ..services.crime_imports import (
    UndoRefused,
    latest_open,
    recent_runs,
    undo_run,
    undoable_run,
)
from ..services.mail import in_background, smtp_settings
from ..web.fields import WholeNumberField, in_range
from ..web.uploads import CRIME_UPLOAD, UPLOADS, size_text
from . import admin_required, bp, menu_item
from .audit_details import SOURCES
from .audit_log import ACTORS

menu_item("organizer.crime_imports", _l("Crime imports"), admin_only=True)

log = logging.getLogger(__name__)


class CrimeUploadForm(FlaskForm):
    file = FileField(
        _l("Crime data file"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "The police's event list (JSON, as downloaded from polisen.se/api/events), a file"
            " from Brå (the open file per municipality, an export from the statistics"
            " database, a table with the months in columns) or a CSV of monthly counts"
            " (month;area;category;count)."
        ),
    )
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice("", _l("Found from the file"))]
        + [SelectChoice(shape, name) for shape, name in SHAPE_NAMES.items()],
        default="",
    )
    year = WholeNumberField(
        _l("Year"),
        validators=[Optional(), in_range(1950, 2100)],
        description=_l("Only for a file from Brå whose name does not hold the year."),
    )


def _page(form: CrimeUploadForm, errors: list[str] | None = None, status: int = 200):
    latest = latest_open(db.session)
    return render_template(
        "organizer/crime_imports.html",
        runs=recent_runs(db.session),
        latest=latest.id if latest is not None else None,
        formats=SOURCES,
        actors=ACTORS,
        form=form,
        import_errors=errors or [],
        max_size=size_text(UPLOADS[CRIME_UPLOAD].limit),
    ), status


@bp.get("/crime-imports")
@admin_required
def crime_imports():
    return _page(CrimeUploadForm(formdata=None))


@bp.post("/crime-imports")
@admin_required
def crime_upload():
    form = CrimeUploadForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    upload = form.file.data
    origin = _origin(upload.filename or "") or _("uploaded file")
    try:
        result = import_crime_data(
            db.session,
            upload.read(),
            origin,
            form.format.data or None,
            today=clock.today(),
            timezone=current_app.config["TRYGGHET_TIMEZONE"],
            year=form.year.data,
        )
    except ImportRefused as exc:
        db.session.rollback()
        return _page(form, exc.lines(), status=422)
    db.session.commit()
    names: dict[str, str] = dict(db.session.execute(select(Area.slug, Area.name)).all())
    told = result.report(origin, names)
    flash(" ".join(f"{line[:1].upper()}{line[1:]}." for line in told), "success")
    done = redirect(url_for("organizer.crime_imports"), code=303)
    _tell_of_deviations(done)
    return done


def _origin(filename: str) -> str:
    """The name an upload is listed under: its last path part (some browsers send the whole
    path), printable characters only (a NUL is no text PostgreSQL stores)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable()).strip()


def _tell_of_deviations(response: Response) -> None:
    """New deviations recorded now (the dashboard shows them at once); the mail and the
    webhook go out, as after the command, once the answer has gone: a mail server that does
    not answer would hold the page one timeout per recipient. What fails is logged and tried
    again by the next alert run (`trygghet alerts send`)."""
    new = alerts.record_new(db.session, clock.today())
    db.session.commit()  # seen once, whatever the sends do
    settings = alerts.alert_settings(current_app.config)
    mail = smtp_settings(settings) is not None
    try:
        sending = mail or alerts.webhook_settings(settings) is not None
    except alerts.AlertConfigError as exc:  # deliver would refuse it too: nothing is sent
        flash(_("No alert was sent: %(problem)s", problem=str(exc)), "error")
        sending = False
    if sending:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(
            lambda: in_background(lambda: _deliver(app, settings), "alerts not sent")
        )
    if new:
        news = ngettext(
            "%(num)d new deviation in the crime figures.",
            "%(num)d new deviations in the crime figures.",
            len(new),
        )
        if not mail:
            news += " " + _("E-mail is not set up: the deviations are on the dashboard.")
        elif sending:
            news += " " + _("The e-mail alerts go out now.")
        flash(news, "info")


def _deliver(app: Flask, settings: dict[str, Any]) -> None:
    with app.app_context():
        result = alerts.deliver(db.session, settings)
        db.session.commit()
    for error in result.errors:
        log.warning("alert not sent: %s", error)


@bp.get("/crime-imports/<int:run_id>/undo")
@admin_required
def crime_import_undo_confirm(run_id: int):
    # A click on Ångra asks first, as the command line does: an undone download's events
    # that the police's list no longer serves cannot be fetched again.
    try:
        run = undoable_run(db.session, run_id)
    except UndoRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("organizer.crime_imports"), code=303)
    return render_template(
        "organizer/crime_import_undo.html",
        run=run,
        form=FlaskForm(),
        formats=SOURCES,
        actors=ACTORS,
    )


@bp.post("/crime-imports/<int:run_id>/undo")
@admin_required
def crime_import_undo(run_id: int):
    if FlaskForm().validate_on_submit():
        try:
            # One transaction: the whole state before the import comes back, or nothing does.
            run = undo_run(db.session, run_id, clock.today())
        except UndoRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Import %(id)d (%(origin)s) is undone: the crime data are as before it.",
                    id=run.id,
                    origin=run.origin,
                ),
                "success",
            )
    return redirect(url_for("organizer.crime_imports"), code=303)

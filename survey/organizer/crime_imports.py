"""Admin: the latest crime imports (files and downloads), and undoing the newest one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from .. import clock
from ..extensions import db
from ..services.crime_imports import (
    UndoRefused,
    latest_open,
    recent_runs,
    undo_run,
    undoable_run,
)
from . import admin_required, bp, menu_item
from .audit_details import SOURCES
from .audit_log import ACTORS

menu_item("organizer.crime_imports", _l("Crime imports"), admin_only=True)


@bp.get("/crime-imports")
@admin_required
def crime_imports():
    latest = latest_open(db.session)
    return render_template(
        "organizer/crime_imports.html",
        runs=recent_runs(db.session),
        latest=latest.id if latest is not None else None,
        formats=SOURCES,
        actors=ACTORS,
    )


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

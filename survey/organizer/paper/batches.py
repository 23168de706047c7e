"""Import batches (imported files and paper key-in sittings), and undoing a mistaken one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.services.batches import batch_summary, list_batches, undo_batch

from .. import admin_required, bp, organizer_required


@bp.get("/paper/batches")
@organizer_required
def import_batches():
    return render_template("organizer/paper/batches.html", batches=list_batches(db.session))


@bp.route("/paper/batches/<int:batch_id>/undo", methods=["GET", "POST"])
@admin_required
def import_batch_undo(batch_id: int):
    summary = batch_summary(db.session, batch_id)
    if summary is None:
        abort(404)
    form = FlaskForm()
    if form.validate_on_submit():
        # One transaction: every answer of the batch goes, or none does.
        undo_batch(db.session, batch_id)
        db.session.commit()
        flash(
            _(
                "Batch %(batch)d is undone. Answers deleted: %(answers)d.",
                batch=batch_id,
                answers=summary.answers,
            ),
            "success",
        )
        return redirect(url_for("organizer.import_batches"), 303)
    return render_template("organizer/paper/batch_undo.html", batch=summary, form=form)

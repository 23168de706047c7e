"""Import batches (imported files and paper key-in sittings), and undoing a mistaken one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.services.batches import batch_summary, codes_kept, list_batches, undo_batch

from .. import admin_required, bp, organizer_required


def _codes_kept(kept: int) -> str:
    """Why undoing answers to a round by invitation frees none of their codes."""
    return ngettext(
        "%(num)d invitation code stays used: nothing records which code an answer used, so that"
        " no code leads to an answer, and so no code can be freed. That letter cannot answer"
        " again.",
        "%(num)d invitation codes stay used: nothing records which code an answer used, so that"
        " no code leads to an answer, and so no code can be freed. Those letters cannot answer"
        " again.",
        kept,
    )


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
    # Each of these answers used an invitation code, and nothing records which: none is freed.
    kept = codes_kept(db.session, batch_id)
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
        if kept:
            flash(_codes_kept(kept), "info")
        return redirect(url_for("organizer.import_batches"), 303)
    return render_template(
        "organizer/paper/batch_undo.html",
        batch=summary,
        form=form,
        codes_kept=_codes_kept(kept) if kept else None,
    )

"""Finding keyed-in paper answers again, and correcting or deleting one.

The list shows where, when, which batch and which number, never the answers: those are
seen only when correcting one answer, as when keying it in. Comments stay with admins: a
correction by an organizer leaves the comment as it is. Web answers are the residents'
own and imported files are undone as a whole batch, so neither is listed nor editable here.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import Response
from survey.services import item_answers
from survey.services.paper import (
    LIST_LIMIT,
    PaperFilter,
    correct_paper_answer,
    delete_paper_answer,
    find_paper_answers,
    paper_answer,
)
from survey.services.responses import (
    areas_with_places,
    find_place,
    questionnaire_version,
)

from .. import bp, organizer_required
from .forms import PaperSearchForm, chosen_round, form_data, paper_form_class, round_fits


@bp.get("/paper/answers")
@organizer_required
def paper_answers():
    search = PaperSearchForm(request.args)
    search.set_places(areas_with_places(db.session))
    rows = []
    if search.validate():
        wanted = PaperFilter(
            batch=search.batch.data,
            place=search.place.data or None,
            written_on=search.written_on.data,
            number=search.number.data,
        )
        rows = find_paper_answers(db.session, wanted)
    return (
        render_template("organizer/paper/answers.html", search=search, rows=rows, limit=LIST_LIMIT),
        422 if search.errors else 200,
    )


def _found(response_id: int) -> Response:
    response = paper_answer(db.session, response_id)
    if response is None:
        abort(404)
    return response


@bp.route("/paper/answers/<int:response_id>/edit", methods=["GET", "POST"])
@organizer_required
def paper_answer_edit(response_id: int):
    response = _found(response_id)
    questionnaire = questionnaire_version(db.session, response.questionnaire_version)
    if questionnaire is None:
        abort(404)
    # Only admins read residents' comments: for anyone else the form has no text items and
    # the correction keeps them.
    with_text = current_user.is_admin
    form_class = paper_form_class(questionnaire, str(get_locale()), with_text)
    # What is stored fills the form only when it is shown: a posted form stands alone (an
    # option left unticked must not come back from the stored answer).
    form = (
        form_class()
        if request.method == "POST"
        else form_class(
            data=form_data(
                response,
                questionnaire,
                item_answers.answers_of(db.session, [response.id]).get(response.id, {}),
            )
        )
    )
    form.load_choices(db.session)
    if (
        form.validate_on_submit()
        and round_fits(form, db.session)
        and _stays_out_of_invitation_rounds(form, response)
    ):
        place = find_place(db.session, form.place.data)
        round_id = form.round_id()
        kept = [code for code in questionnaire.codes if code not in form.codes]
        changed = correct_paper_answer(
            db.session,
            response,
            place,
            questionnaire,
            form.answers(),
            form.written_on.data,
            round_id,
            kept=kept,
        )
        db.session.commit()
        flash(
            _("Saved the correction.") if changed else _("Nothing was changed."),
            "success",
        )
        return redirect(url_for("organizer.paper_answers", batch=response.import_batch_id), 303)
    return (
        render_template(
            "organizer/paper/form.html",
            form=form,
            questionnaire=questionnaire,
            editing=response,
            comments_hidden=not with_text,
        ),
        422 if form.errors else 200,
    )


def _stays_out_of_invitation_rounds(form, response) -> bool:
    """An answer enters a round by invitation only with a code, when it is keyed in."""
    new = chosen_round(form, db.session)
    if new is not None and new.by_invitation and new.id != response.round_id:
        form.survey_round.errors.append(
            _(
                "This round is by invitation: an answer joins it only with its code, when it"
                " is keyed in. Delete this answer and key in the form again."
            )
        )
        return False
    return True


@bp.route("/paper/answers/<int:response_id>/delete", methods=["GET", "POST"])
@organizer_required
def paper_answer_delete(response_id: int):
    response = _found(response_id)
    form = FlaskForm()
    if form.validate_on_submit():
        batch = response.import_batch_id
        delete_paper_answer(db.session, response)
        db.session.commit()
        flash(_("The paper answer is deleted."), "success")
        return redirect(url_for("organizer.paper_answers", batch=batch), 303)
    return render_template("organizer/paper/answer_delete.html", response=response, form=form)

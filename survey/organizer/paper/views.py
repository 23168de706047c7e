"""Keying in paper questionnaires, one after the other, numbered in a batch per sitting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from survey import clock
from survey.extensions import db
from survey.services.invitations import mark_used
from survey.services.paper import (
    claim_sheet,
    is_sheet,
    new_sheet,
    paper_batch,
    record_paper_answer,
    sheet_saved,
    usable_sheet,
)
from survey.services.responses import (
    find_place,
    live_questionnaire,
)

from .. import bp, menu_item, organizer_required
from . import answers, batches, printing  # noqa: F401  (their routes)
from .forms import invitation_fits, paper_form_class, round_fits

menu_item("organizer.paper", _l("Paper answers"))


def _preselected(args: Any) -> dict[str, Any]:
    """Place, date and round carried over from the form saved just before."""
    kept: dict[str, Any] = {
        "place": args.get("place", ""),
        "survey_round": args.get("round", ""),
        "batch": args.get("batch", ""),
    }
    try:
        kept["written_on"] = dt.date.fromisoformat(args.get("date", ""))
    except ValueError:
        pass
    return kept


def _blank_form_url(**args: str) -> str:
    """The key-in page for a new blank form: these choices kept, a new name for the form."""
    return url_for("organizer.paper", **({"sheet": new_sheet()} | args))


def _saved_already() -> Any:
    # Save, Back, Save sends the same page again; a double click sends it twice at once.
    flash(
        _(
            "This paper form was saved already: the page was sent a second time (for"
            " example after going back). It was not saved again."
        ),
        "warning",
    )
    return redirect(url_for("organizer.paper"), 303)


@bp.route("/paper", methods=["GET", "POST"])
@organizer_required
def paper():
    if request.method == "GET" and not is_sheet(request.args.get("sheet")):
        # The blank form's name goes in its address: Back then fetches the same name again
        # (the page is never kept: no-store), and the browser, putting the ticks back, sends
        # a form that is known as saved. With the name only inside the page, Back fetched a
        # new one, and Save after Back stored the same paper form twice.
        return redirect(_blank_form_url(**request.args.to_dict()), 303)
    questionnaire = live_questionnaire(db.session)
    form = paper_form_class(questionnaire, str(get_locale()))(**_preselected(request.args))
    form.load_choices(db.session)
    if request.method == "GET":
        form.sheet.data = request.args["sheet"]  # one of ours: checked above
        if sheet_saved(db.session, form.sheet.data):  # Back to a form saved since
            flash(
                _(
                    "This paper form was saved already: sending it again will not store it"
                    " again. Choose Paper answers in the menu to key in the next one."
                ),
                "warning",
            )
    else:
        form.sheet.data = usable_sheet(form.sheet.data)
    if request.method == "POST" and sheet_saved(db.session, form.sheet.data):
        return _saved_already()
    secret = current_app.config["SECRET_KEY"]
    if (
        form.validate_on_submit()
        and round_fits(form, db.session)
        and (code := invitation_fits(form, db.session, secret)) is not None
    ):
        if not claim_sheet(db.session, form.sheet.data, clock.today()):
            return _saved_already()  # its twin, sent at the same moment, was saved
        place = find_place(db.session, form.place.data)
        round_id = form.round_id()
        batch = paper_batch(db.session, form.batch_id(), current_user.email)
        response = record_paper_answer(
            db.session, batch, place, questionnaire, form.answers(), form.written_on.data, round_id
        )
        # In the same transaction as the answer; refused if another answer took the code.
        if code and not mark_used(db.session, secret, code, response.round_id or 0):
            db.session.rollback()
            form.invitation_code.errors = [
                _("This code has already been used: each code answers once.")
            ]
            return (
                render_template(
                    "organizer/paper/form.html", form=form, questionnaire=questionnaire
                ),
                422,
            )
        db.session.commit()
        flash(
            _(
                "Saved paper form number %(number)d of batch %(batch)d (%(place)s): write"
                " %(number)d on the paper form to find it again. The form is ready for the"
                " next one.",
                number=response.key_number,
                batch=batch.id,
                place=place.name,
            ),
            "success",
        )
        keep = {
            "place": place.slug,
            "date": form.written_on.data.isoformat(),
            "round": form.survey_round.data or "",
            "batch": str(batch.id),
        }
        return redirect(_blank_form_url(**{k: v for k, v in keep.items() if v}), 303)
    return (
        render_template("organizer/paper/form.html", form=form, questionnaire=questionnaire),
        422 if form.errors else 200,
    )

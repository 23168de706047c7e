"""Answering by invitation code: /k (type the code), /k/<code> (from the QR), /k/svar.

The code travels in the session (a signed cookie), never in a link after the first step:
/k/<code> puts it there and redirects at once, so the survey page's address holds no code.
The answer and the code's used mark are written in one transaction; nothing joins them.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from limits import parse as parse_limit
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from analysis.collation import swedish_sorted

from .. import clock
from ..extensions import db, limiter
from ..models import Area, Place, SurveyRound
from ..questionnaire import Questionnaire
from ..services.erasure import find_by_receipt
from ..services.invitations import (
    Invitation,
    find_code,
    mark_used,
    normalize_code,
)
from ..services.receipts import FORM_FIELD, code_for_form, new_code, receipt_hash
from ..services.responses import (
    area_choices,
    insert_web_response,
    live_questionnaire,
    published_questionnaire,
)
from ..web.fields import INVALID_CHOICE
from ..web.meetings import survey_rate_limit
from ..web.urls import kept_language
from .erase import NO_STORE, count_miss
from .forms import (
    SurveyForm,
    blocks,
    survey_form_class,
    version_posted,
)
from .views import FORM_AGAIN, RECEIPT_KEY, _now, _switching, bp

#: The session key holding the code being answered with (between /k and /k/svar).
CODE_KEY = "invitation"
#: Codes that match nothing, per client, before /k answers 429 (as /radera): a typo is fine,
#: guessing is not. Only misses count; the client is known by a daily HMAC, never its address.
CODE_MISS_LIMIT = parse_limit("20 per 15 minutes")


class CodeForm(FlaskForm):
    """The code from the invitation letter."""

    code = StringField(
        _l("Code from the letter"),
        validators=[InputRequired(_l("Type the code from your letter."))],
        description=_l(
            "10 letters and digits, like KM7QA-4XTP2. Case, spaces and dashes do not matter."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )

    normalized: str

    def validate_code(self, field: StringField) -> None:
        typed = field.data or ""
        if "/" in typed:  # the QR code's address pasted whole: its code is at the end
            typed = typed.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
        code = normalize_code(typed)
        if code is None:
            raise ValidationError(
                _l(
                    "A code has 10 letters and digits, like KM7QA-4XTP2. It has no 0, O, 1, I"
                    " or L: check the letter again."
                )
            )
        self.normalized = code


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _code_page(form: CodeForm, status: int = 200):
    return (
        render_template("public/code.html", form=form),
        (422 if form.errors else status),
        NO_STORE,
    )


def _used_page(status: int = 409):
    return render_template("public/code_used.html"), status, NO_STORE


def _start(form: CodeForm, code: str):
    """Check a code; go on to the survey with it, or say what is wrong with it."""
    found = find_code(db.session, _secret(), code)
    if found is None:
        count_miss(CODE_MISS_LIMIT, "invitation-code-miss")
        form.code.errors = [
            _("We cannot find this code. Check that you typed it as it is written in the letter.")
        ]
        return _code_page(form)
    if found.used:
        return _used_page()
    session[CODE_KEY] = code
    # The language of the letter (its QR code's ?lang=) on to the survey page.
    return redirect(url_for("public.invited_survey", **kept_language()), code=303)


@bp.route("/k", methods=["GET", "POST"])
@limiter.limit(survey_rate_limit, methods=["POST"])
def invitation_code():
    form = CodeForm()
    if form.validate_on_submit():
        return _start(form, form.normalized)
    return _code_page(form)


@bp.get("/kod")
def invitation_code_long():
    return redirect(url_for("public.invitation_code"), code=301)


@bp.get("/k/<typed>")
def invitation_link(typed: str):
    """From the QR code: the code into the session and straight on (the address keeps none)."""
    form = CodeForm(formdata=None)
    code = normalize_code(typed)
    if code is None:
        count_miss(CODE_MISS_LIMIT, "invitation-code-miss")
        form.code.errors = [_("This link holds no valid code. Type the code from the letter.")]
        return _code_page(form)
    return _start(form, code)


class PlaceChoice:
    """The place in the home area that the answers are about."""

    @staticmethod
    def field() -> SelectField:
        field = SelectField(
            _l("Which place in your area are your answers about?"),
            validators=[InputRequired(_l("Choose the place your answers are about."))],
            invalid_choice_message=INVALID_CHOICE,
            description=_l(
                "Choose the place you know best. In the questions, “here” means that place."
            ),
        )
        # First among the form's fields, as on the page: the error summary lists them so.
        field.creation_counter = -1
        return field


_FORM_CLASSES: dict[type[SurveyForm], type[SurveyForm]] = {}


def _invited_form_class(questionnaire: Questionnaire) -> type[SurveyForm]:
    """The residents' form plus the place choice (built once per form class)."""
    base = survey_form_class(questionnaire, str(get_locale()))
    if base not in _FORM_CLASSES:
        _FORM_CLASSES[base] = type(base.__name__ + "Invited", (base,), {"at": PlaceChoice.field()})
    return _FORM_CLASSES[base]


def _pending() -> tuple[str, Invitation] | None:
    code = session.get(CODE_KEY)
    if not isinstance(code, str) or normalize_code(code) != code:
        return None
    found = find_code(db.session, _secret(), code)
    return (code, found) if found is not None else None


def _page_code() -> str | None:
    """The receipt code of the survey page sent (``code_for_form``), if it names one."""
    return code_for_form(request.form.get(FORM_FIELD), current_app.secret_key or "")


def _sent_again():
    """For a survey page sent a second time (a double click) whose first send was stored: its
    thank-you page, with the first send's code, where the code from the letter is used now.
    None for anything else."""
    receipt = _page_code() if request.method == "POST" else None
    stored = find_by_receipt(db.session, receipt) if receipt is not None else None
    if stored is None:
        return None
    session[RECEIPT_KEY] = {"place": stored.place.slug, "code": receipt, "at": _now()}
    return redirect(url_for("public.thanks", slug=stored.place.slug), code=303)


def _store(code: str, found: Invitation, place_id: int, questionnaire: Questionnaire, answers):
    """Mark the code used and store the answer, in one transaction; the receipt code, or None
    if the code had been used meanwhile."""
    if not mark_used(db.session, _secret(), code, found.round_id):
        db.session.rollback()
        return None
    receipt = _page_code() or new_code()
    insert_web_response(
        db.session,
        place_id,
        questionnaire.version,
        answers,
        round_id=found.round_id,
        receipt_hash=receipt_hash(receipt),
        questionnaire=questionnaire,
    )
    db.session.commit()
    return receipt


@bp.route("/k/svar", methods=["GET", "POST"])
@limiter.limit(survey_rate_limit, methods=["POST"], exempt_when=_switching)
def invited_survey():
    pending = _pending()
    if pending is None:
        if request.method == "POST":
            # Answers sent without a code in the session: answered in another tab (the code
            # is used and gone), or the session ended. Say so instead of an empty code page.
            flash(
                _(
                    "Your answers were not saved: the code from the letter is no longer in"
                    " this browser. It has been used already, or the page was open too long."
                    " Type the code again; a code that has answered cannot answer again."
                ),
                "error",
            )
        return redirect(url_for("public.invitation_code"), code=303)
    code, found = pending
    if found.used:
        session.pop(CODE_KEY, None)
        return _sent_again() or _used_page()
    survey_round = db.session.get(SurveyRound, found.round_id)
    area = db.session.get(Area, found.area_id)
    if survey_round is None or area is None:
        return redirect(url_for("public.invitation_code"), code=303)
    today = clock.today()
    if not survey_round.is_open_on(today):
        return render_template(
            "public/code_closed.html", survey_round=survey_round, area=area, today=today
        ), (409 if request.method == "POST" else 200)
    places = swedish_sorted(
        db.session.execute(
            select(Place.id, Place.slug, Place.name).where(
                Place.area_id == area.id, Place.retired.is_(False)
            )
        ),
        lambda row: row[2],
    )
    questionnaire = live_questionnaire(db.session)
    if request.method == "POST" and (earlier := version_posted(request.form, questionnaire)):
        # A page opened before a newer version went live: checked and stored as it showed.
        questionnaire = published_questionnaire(db.session, earlier) or questionnaire
    form: Any = _invited_form_class(questionnaire)()
    form.at.choices = [SelectChoice("", _("Choose a place"))] + [
        SelectChoice(slug, name) for _id, slug, name in places
    ]
    if questionnaire.asks("area"):
        form.set_areas(area_choices(db.session))
    if not _switching() and form.validate_on_submit():
        place_id = next(pid for pid, slug, _name in places if slug == form.at.data)
        if form.is_bot:
            return redirect(url_for("public.invitation_code"), code=303)
        receipt = _store(code, found, place_id, questionnaire, form.answers())
        session.pop(CODE_KEY, None)
        if receipt is None:
            return _sent_again() or _used_page()
        session[RECEIPT_KEY] = {"place": form.at.data, "code": receipt, "at": _now()}
        return redirect(url_for("public.thanks", slug=form.at.data), code=303)
    return (
        render_template(
            "public/invited_survey.html",
            area=area,
            survey_round=survey_round,
            form=form,
            questionnaire=questionnaire,
            blocks=blocks,
            again=g.get(FORM_AGAIN),
        ),
        422 if form.errors else 200,
        NO_STORE,
    )

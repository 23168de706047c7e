"""Public views: thin, reading through services and writing through one commit."""

from __future__ import annotations

import functools
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from .. import clock
from ..db import or_404, pooled
from ..extensions import db, limiter
from ..models import Place
from ..services import item_answers
from ..services.receipts import (
    FORM_FIELD,
    format_code,
    new_form_id,
)
from ..services.responses import (
    SurveyTarget,
    area_choices,
    areas_with_places,
    find_place,
    next_round,
    published_questionnaire,
    questionnaire_of,
    survey_target,
)
from ..web.limits import (
    ANSWERED_DAYS,
    forget_answer,
    has_answered,
    remember_answer,
)
from ..web.meetings import survey_rate_limit
from ..web.urls import absolute_url, kept_language, survey_address, typed_address
from .about import about
from .forms import (
    blocks,
    in_swedish,
    round_name,
    shown_text,
    survey_form_class,
    swedish_attrs,
    switching_language,
    version_posted,
)
from .quick import quick_answers
from .store import store_answer

bp = Blueprint("public", __name__)


@bp.context_processor
def _about() -> dict[str, Any]:
    return {"about": about()}


def _now() -> float:
    """Seconds since the epoch, to the minute: the session cookie says no finer when the
    answer was sent (tests move it to expire a receipt)."""
    return float(int(time.time()) // 60 * 60)


def _place_or_404(slug: str) -> Place:
    return or_404(find_place(db.session, slug))


def _switching() -> bool:
    """A language switch stores nothing: it costs no answer of the rate limit (a library PC's
    residents share one). Nor does showing a form again (``show_form_again``)."""
    return switching_language(request.form) or bool(g.get(FORM_AGAIN))


#: Set on ``g`` when a survey form is shown again as it was sent, with a new token, and
#: nothing stored: "expired" (its token had expired, or there was none) or "too_many" (the
#: rate limit refused it).
FORM_AGAIN = "form_again"


#: The survey pages shown again after a refused answer (``show_form_again``).
FORMS_SHOWN_AGAIN = ("public.survey", "public.invited_survey")


def show_form_again(why: str, status: int) -> Response | None:
    """The survey page of this request again after a refused answer, as it was filled in.

    A phone that kept the tab but lost the session cookie (restarted, or hours later) sent a
    token that no longer matches, and a library's residents share one rate limit: a plain
    error page lost the answers (reloading it, as it said, emptied the form). None where
    there is no form to show (an unknown or closed place, an invitation code gone).
    """
    g.setdefault(FORM_AGAIN, why)
    view = current_app.view_functions[str(request.endpoint)]
    try:
        page = make_response(view(**(request.view_args or {})))
    except HTTPException:
        return None  # an unknown place: the plain error page
    if page.status_code not in (200, 422):
        return None  # no form to show again (a closed place, no code): the plain error page
    page.status_code = status
    return page


def _limit_posts(view: Callable[..., Any]) -> Callable[..., Any]:
    """The survey rate limit on POSTs; with the limiter off, the view without its wrapper.

    Flask-Limiter's wrapper looks up the request's limits even when it is disabled (in
    tests, or behind a proxy that limits), which cost ~4 % of a survey POST.
    """
    limited = limiter.limit(survey_rate_limit, methods=["POST"], exempt_when=_switching)(view)

    @functools.wraps(view)  # the same name: the limiter finds its limit by it
    def either(*args: Any, **kwargs: Any) -> Any:
        return (limited if limiter.enabled else view)(*args, **kwargs)

    return either


#: The session key that carries a new receipt code from the answer to the thank-you page.
RECEIPT_KEY = "receipt"
#: How long the thank-you page (reloaded, or in another language) still shows the code.
RECEIPT_MINUTES = 30


def _answered(target: SurveyTarget, code: str | None, round_id: int) -> Response:
    """Redirect to the thank-you page after an answer stored with this code (None: a bot's,
    dropped)."""
    if code is not None:
        # Through the session, never the URL: a URL ends up in history, logs and referrers.
        # The signed cookie holds it for RECEIPT_MINUTES, so a reload or a language
        # switch of the thank-you page shows it again.
        session[RECEIPT_KEY] = {"place": target.slug, "code": code, "at": _now()}
    done = redirect(url_for("public.thanks", slug=target.slug), code=303)
    remember_answer(done, target.place_id, round_id)
    return done


def _quick_post(slug: str) -> Response | None:
    """Store a plainly valid answer on a pooled connection and redirect; None: anything else
    (a closed or unknown place, a second answer, an answer the form must check), which the
    view then handles through the session as a GET would be.

    Most posts are such answers, and the ORM session's set-up and commit cost more than
    their two statements.
    """
    with pooled(db.engine) as conn:
        target = survey_target(conn, slug, clock.today())
        if (
            target is None
            or target.retired
            or target.round_id is None
            or target.by_invitation
            or has_answered(target.place_id, target.round_id)
        ):
            return None
        questionnaire = questionnaire_of(target.definition)
        if version_posted(request.form, questionnaire) is not None:
            return None  # a form of an earlier version: through the session, as that version
        areas = area_choices(db.session) if questionnaire.asks("area") else []
        answers = quick_answers(questionnaire, request.form, {slug for slug, _name in areas})
        if answers is None or item_answers.split(answers)[1]:
            return None  # added items' answers are stored through the session
        code = store_answer(conn, target.place_id, questionnaire, answers, target.round_id)
    return _answered(target, code, target.round_id)


@bp.context_processor
def _questionnaire_texts() -> dict[str, Any]:
    # The questionnaire's own texts (intro, section titles) marked where they fall back to
    # another language, as the form's labels are.
    return {
        "shown_text": shown_text,
        "in_swedish": in_swedish,
        "round_name": round_name,
        "swedish_attrs": swedish_attrs,
        "survey_address": survey_address,
        "typed_address": typed_address,
        # The survey forms' hidden field naming the page as shown (code_for_form).
        "page_field": FORM_FIELD,
        "new_page_id": new_form_id,
        "kept_language": kept_language,
    }


@bp.get("/")
def index():
    return render_template("public/index.html", areas=areas_with_places(db.session))


def _as_typed(slug: str) -> str:
    """An address as a person may have typed it, as its place's: /s/Brommaplan and
    /s/vällingby-centrum are /s/brommaplan and /s/vallingby-centrum (addresses are lower
    case, without Swedish letters)."""
    plain = unicodedata.normalize("NFKD", slug.strip().lower())
    return "".join(c for c in plain if not unicodedata.combining(c))


@bp.route("/s/<slug>", methods=["GET", "POST"], strict_slashes=False)
@_limit_posts
def survey(slug: str):
    switching = request.method == "POST" and _switching()
    if request.method == "POST" and not switching and (stored := _quick_post(slug)) is not None:
        return stored
    today = clock.today()
    # One query for what an answer needs; the Place object (with its area, for the page) is
    # loaded only when a page is rendered, not for an answer that is stored and redirected.
    target = survey_target(db.session, slug, today)
    if target is None:
        typed = _as_typed(slug)
        if request.method == "GET" and typed != slug and find_place(db.session, typed):
            return redirect(url_for("public.survey", slug=typed), code=301)
        abort(404)
    if target.retired:
        return render_template("public/closed.html", place=_place_or_404(slug), retired=True), 410
    round_id = target.round_id
    # No open round, or a random sample whose letters' personal codes answer (at /k).
    if round_id is None or target.by_invitation:
        upcoming = next_round(db.session, target.area_id, today) if round_id is None else None
        page = render_template(
            "public/closed.html",
            place=_place_or_404(slug),
            upcoming=upcoming,
            by_invitation=round_id is not None,
        )
        return page, (409 if request.method == "POST" else 200)
    if has_answered(target.place_id, round_id):
        # One answer per place and round from this browser (its signed cookie says so): said
        # before the form is filled in, not after.
        page = render_template("public/answered.html", place=_place_or_404(slug))
        return page, (409 if request.method == "POST" else 200)
    questionnaire = questionnaire_of(target.definition)
    if (
        request.method == "POST"
        and (earlier := version_posted(request.form, questionnaire)) is not None
    ):
        # Its answers are to the questions it showed: checked and stored as that version.
        questionnaire = published_questionnaire(db.session, earlier) or questionnaire
    areas = area_choices(db.session) if questionnaire.asks("area") else []
    if request.method == "POST" and not switching:
        # A plainly valid answer is stored without building the form (no field objects, no
        # language or template work); anything else goes through the form for its messages.
        # (Most such answers were stored by _quick_post; here: those with added items.)
        answers = quick_answers(questionnaire, request.form, {slug for slug, _name in areas})
        if answers is not None:
            code = store_answer(db.session, target.place_id, questionnaire, answers, round_id)
            return _answered(target, code, round_id)
    form = survey_form_class(questionnaire, str(get_locale()))()
    if areas:
        form.set_areas(areas)
    if not switching and form.validate_on_submit():
        code = None
        if not form.is_bot:
            code = store_answer(
                db.session, target.place_id, questionnaire, form.answers(), round_id
            )
        return _answered(target, code, round_id)
    status = 422 if form.errors else 200
    place = _place_or_404(slug)
    return (
        render_template(
            "public/survey.html",
            place=place,
            form=form,
            questionnaire=questionnaire,
            blocks=blocks,
            again=g.get(FORM_AGAIN),
        ),
        status,
    )


def _receipt_code() -> str | None:
    """The code of the answer this browser sent in the last RECEIPT_MINUTES, if any."""
    receipt = session.get(RECEIPT_KEY)
    if not isinstance(receipt, dict):
        return None
    at, code = receipt.get("at"), receipt.get("code")
    if not isinstance(at, int | float) or not isinstance(code, str):
        session.pop(RECEIPT_KEY, None)
        return None
    if not 0 <= _now() - at <= RECEIPT_MINUTES * 60:
        session.pop(RECEIPT_KEY, None)  # expired: the cookie forgets it too
        return None
    return code


@bp.before_app_request
def _drop_expired_receipt() -> None:
    """Remove an expired receipt code from the session on any request, not only /tack."""
    if RECEIPT_KEY in session:
        _receipt_code()


def _receipt_place() -> str | None:
    receipt = session.get(RECEIPT_KEY)
    return receipt.get("place") if isinstance(receipt, dict) else None


@bp.post("/s/<slug>/tack/dolj")
def forget_receipt(slug: str):
    """Take the receipt code out of this browser's session before its minutes are up, and the
    mark that it answered about this place: on a shared computer the next person can then
    answer there (the mark had sent them away), and the page no longer says "saved"."""
    session.pop(RECEIPT_KEY, None)
    place = _place_or_404(slug)
    done = redirect(url_for("public.thanks", slug=place.slug), code=303)
    target = survey_target(db.session, slug, clock.today())
    if target is not None and target.round_id is not None:
        forget_answer(done, target.place_id, target.round_id)
    return done


@bp.post("/s/<slug>/ny")
def answer_anyway(slug: str):
    """Take this place's mark of having answered out of the browser and show the form: the
    next person at a shared computer (a library's), where the one before did not press
    "Dölj koden nu". The mark only keeps a browser from answering twice by mistake; the
    burst hold, not the mark, keeps made-up answers out of the figures."""
    target = survey_target(db.session, slug, clock.today())
    if target is None:
        abort(404)
    if _receipt_place() == target.slug:
        session.pop(RECEIPT_KEY, None)  # the one before's code is not the next person's
    done = redirect(url_for("public.survey", slug=target.slug, **kept_language()), code=303)
    if target.round_id is not None:
        forget_answer(done, target.place_id, target.round_id)
    return done


@bp.get("/s/<slug>/tack")
def thanks(slug: str):
    place = _place_or_404(slug)
    code = _receipt_code()
    shown = format_code(code) if code and _receipt_place() == place.slug else None
    # Without a fresh code, the page says "saved" only if this browser's signed cookie says
    # it answered about this place in the current round.
    target = survey_target(db.session, slug, clock.today())
    answered = shown is not None or bool(
        target and target.round_id is not None and has_answered(target.place_id, target.round_id)
    )
    page = render_template(
        "public/thanks.html",
        place=place,
        receipt=shown,
        answered=answered,
        # Its places take answers only with a letter's code, which has answered now.
        by_invitation=bool(target and target.by_invitation),
        receipt_minutes=RECEIPT_MINUTES,
        erase_url=absolute_url("public.erase"),
        suppress_below=current_app.config["TRYGGHET_SUPPRESS_BELOW"],
    )
    if shown is None:
        return page
    # A page with a receipt code must not be kept by the browser or any cache on the way.
    return page, {"Cache-Control": "no-store"}


@bp.get("/integritet")
def privacy():
    return render_template(
        "public/privacy.html", receipt_minutes=RECEIPT_MINUTES, answered_days=ANSWERED_DAYS
    )


@bp.get("/tillganglighet")
def accessibility():
    return render_template("public/accessibility.html")

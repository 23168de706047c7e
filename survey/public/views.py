"""Public views: thin, reading through services and writing through one commit."""

from __future__ import annotations

import io
from collections.abc import Mapping

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..db import or_404
from ..extensions import db, limiter
from ..models import Place
from ..services.receipts import format_code, new_code, receipt_hash
from ..services.responses import (
    areas_with_places,
    find_place,
    hold_latest,
    insert_web_response,
    next_round,
    questionnaire_of,
    survey_target,
)
from ..web.limits import burst, has_answered, remember_answer
from .forms import survey_form_class

bp = Blueprint("public", __name__)


def _place_or_404(slug: str) -> Place:
    return or_404(find_place(db.session, slug))


def _survey_rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


#: The session key that carries a new receipt code from the answer to the thank-you page.
RECEIPT_KEY = "receipt"
#: New codes to try if one is already taken (with 50 random bits, practically never).
RECEIPT_ATTEMPTS = 3


def _burst_hold(place_id: int) -> tuple[bool, int]:
    """Whether this answer is part of a burst, and how many earlier ones to hold with it."""
    limit = current_app.config["TRYGGHET_BURST_ANSWERS"]
    count = burst(limiter.storage if limiter.enabled else None, place_id)
    if not limit or count <= limit:
        return False, 0
    # The answer that passes the limit also holds the ones before it in the window.
    return True, (limit if count == limit + 1 else 0)


def _store_answer(
    place_id: int, version: int, answers: Mapping[str, str | None], round_id: int
) -> str:
    """Store a web answer with a new receipt code and commit; return the code."""
    held, earlier = _burst_hold(place_id)
    attempts_left = RECEIPT_ATTEMPTS
    while True:
        code = new_code()
        try:
            if earlier:
                hold_latest(db.session, place_id, earlier)
            insert_web_response(
                db.session,
                place_id,
                version,
                answers,
                round_id=round_id,
                receipt_hash=receipt_hash(code),
                held=held,
            )
            db.session.commit()
            return code
        except IntegrityError:
            # The unique index refused a code another answer has: draw a new one.
            db.session.rollback()
            attempts_left -= 1
            if not attempts_left:
                raise


@bp.get("/")
def index():
    return render_template("public/index.html", areas=areas_with_places(db.session))


@bp.route("/s/<slug>", methods=["GET", "POST"])
@limiter.limit(_survey_rate_limit, methods=["POST"])
def survey(slug: str):
    today = clock.today()
    # One query for what an answer needs; the Place object (with its area, for the page) is
    # loaded only when a page is rendered, not for an answer that is stored and redirected.
    target = survey_target(db.session, slug, today)
    if target is None:
        abort(404)
    if target.retired:
        place = _place_or_404(slug)
        return render_template("public/closed.html", place=place, retired=True), 410
    round_id = target.round_id
    if round_id is None:
        place = _place_or_404(slug)
        upcoming = next_round(db.session, target.area_id, today)
        return render_template("public/closed.html", place=place, upcoming=upcoming), (
            409 if request.method == "POST" else 200
        )
    if request.method == "POST" and has_answered(target.place_id, round_id):
        # One answer per place and round from this browser (its signed cookie says so).
        place = _place_or_404(slug)
        return render_template("public/answered.html", place=place), 409
    questionnaire = questionnaire_of(target.definition)
    form = survey_form_class(questionnaire, str(get_locale()))()
    if form.validate_on_submit():
        if not form.is_bot:
            code = _store_answer(target.place_id, questionnaire.version, form.answers(), round_id)
            # Through the session, never the URL: a URL ends up in history, logs and referrers.
            # The signed cookie holds it only until the thank-you page has shown it once.
            session[RECEIPT_KEY] = {"place": target.slug, "code": code}
        done = redirect(url_for("public.thanks", slug=target.slug), code=303)
        remember_answer(done, target.place_id, round_id)
        return done
    status = 422 if form.errors else 200
    place = _place_or_404(slug)
    return (
        render_template("public/survey.html", place=place, form=form, questionnaire=questionnaire),
        status,
    )


@bp.get("/s/<slug>/tack")
def thanks(slug: str):
    place = _place_or_404(slug)
    receipt = session.pop(RECEIPT_KEY, None)
    code = receipt.get("code") if isinstance(receipt, dict) else None
    shown = format_code(code) if code and receipt.get("place") == place.slug else None
    page = render_template(
        "public/thanks.html",
        place=place,
        receipt=shown,
        suppress_below=current_app.config["TRYGGHET_SUPPRESS_BELOW"],
    )
    if shown is None:
        return page
    # A page with a receipt code must not be kept by the browser or any cache on the way.
    return page, {"Cache-Control": "no-store"}


@bp.get("/integritet")
def privacy():
    return render_template("public/privacy.html")


def survey_url(place: Place) -> str:
    """The absolute address a poster for this place points at."""
    base = current_app.config.get("TRYGGHET_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("public.survey", slug=place.slug)
    return url_for("public.survey", slug=place.slug, _external=True)


@bp.get("/qr/<slug>.svg")
def qr_svg(slug: str):
    place = _place_or_404(slug)
    out = io.BytesIO()
    qr = segno.make(survey_url(place), error="m")
    qr.save(out, kind="svg", scale=10, border=4, title=place.name, xmldecl=False)
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.get("/qr/<slug>.png")
def qr_png(slug: str):
    place = _place_or_404(slug)
    out = io.BytesIO()
    segno.make(survey_url(place), error="m").save(out, kind="png", scale=10, border=4)
    return Response(out.getvalue(), mimetype="image/png")


@bp.get("/qr/<slug>")
def poster(slug: str):
    place = _place_or_404(slug)
    return render_template("public/poster.html", place=place, url=survey_url(place))

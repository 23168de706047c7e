"""Public views: thin, reading through services and writing through one commit."""

from __future__ import annotations

import io

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale

from .. import clock
from ..extensions import db, limiter
from ..models import Place
from .forms import survey_form_class
from .services import (
    areas_with_places,
    find_place,
    live_questionnaire,
    next_round,
    open_round,
    record_response,
)

bp = Blueprint("public", __name__)


def _place_or_404(slug: str) -> Place:
    place = find_place(db.session, slug)
    if place is None:
        abort(404)
    return place


def _survey_rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


@bp.get("/")
def index():
    return render_template("public/index.html", areas=areas_with_places(db.session))


@bp.route("/s/<slug>", methods=["GET", "POST"])
@limiter.limit(_survey_rate_limit, methods=["POST"])
def survey(slug: str):
    place = _place_or_404(slug)
    if place.retired:
        return render_template("public/closed.html", place=place, retired=True), 410
    today = clock.today()
    survey_round = open_round(db.session, place.area_id, today)
    if survey_round is None:
        upcoming = next_round(db.session, place.area_id, today)
        return render_template("public/closed.html", place=place, upcoming=upcoming), (
            409 if request.method == "POST" else 200
        )
    questionnaire = live_questionnaire(db.session)
    form = survey_form_class(questionnaire, str(get_locale()))()
    if form.validate_on_submit():
        if not form.is_bot:
            record_response(
                db.session, place, questionnaire.version, form.answers(), round_id=survey_round.id
            )
            db.session.commit()
        return redirect(url_for("public.thanks", slug=place.slug), code=303)
    status = 422 if form.errors else 200
    return (
        render_template("public/survey.html", place=place, form=form, questionnaire=questionnaire),
        status,
    )


@bp.get("/s/<slug>/tack")
def thanks(slug: str):
    place = _place_or_404(slug)
    return render_template(
        "public/thanks.html",
        place=place,
        suppress_below=current_app.config["TRYGGHET_SUPPRESS_BELOW"],
    )


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

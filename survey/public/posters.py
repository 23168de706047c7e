"""QR posters for a place: the page to print, and its code as SVG and PNG."""

from __future__ import annotations

import io

import segno
from flask import Response, abort, current_app, render_template, request
from flask_babel import get_locale

from .. import clock
from ..extensions import db
from ..i18n import FALLBACK_LOCALE
from ..models import Place
from ..services.responses import survey_target
from ..web.urls import absolute_url, printed_language
from .views import _place_or_404, bp


def survey_url(place: Place, locale: str = FALLBACK_LOCALE) -> str:
    """The absolute address a poster for this place points at, in the poster's language."""
    return absolute_url("public.survey", slug=place.slug, **printed_language(locale))


def _code_language() -> str:
    """The language of the poster a code is for: its ?lang= (the poster page gives it), else
    Swedish; not the browser's, since the image is printed and cached apart from the page."""
    asked = request.args.get("lang")
    return asked if asked in current_app.config["LANGUAGES"] else FALLBACK_LOCALE


def _poster_place(slug: str) -> Place:
    """The place a poster or its code is for; 410 for a retired one: no new posters for a
    survey that takes no answers (those already up lead to the page that says so)."""
    place = _place_or_404(slug)
    if place.retired:
        abort(410)
    return place


@bp.get("/qr/<slug>.svg")
def qr_svg(slug: str):
    place = _poster_place(slug)
    out = io.BytesIO()
    qr = segno.make(survey_url(place, _code_language()), error="m")
    qr.save(out, kind="svg", scale=10, border=4, title=place.name, xmldecl=False)
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.get("/qr/<slug>.png")
def qr_png(slug: str):
    place = _poster_place(slug)
    out = io.BytesIO()
    segno.make(survey_url(place, _code_language()), error="m").save(
        out, kind="png", scale=10, border=4
    )
    return Response(out.getvalue(), mimetype="image/png")


@bp.get("/qr/<slug>")
def poster(slug: str):
    place = _place_or_404(slug)
    if place.retired:
        return render_template("public/closed.html", place=place, retired=True), 410
    target = survey_target(db.session, slug, clock.today())
    return render_template(
        "public/poster.html",
        place=place,
        # Typed from the paper: short, and in the phone's language.
        url=survey_url(place),
        printed=printed_language(str(get_locale())),
        by_invitation=bool(target and target.round_id is not None and target.by_invitation),
    )

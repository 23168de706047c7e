"""The API's views: thin readers that return JSON with caching and CORS headers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from analysis.survey import Filters

from .. import clock
from ..db import or_404
from ..extensions import csrf, db, limiter
from ..models import Area, Place
from ..reports import pictures
from .errors import init_blueprint, json_error
from .openapi import openapi_document
from .services import all_areas, default_round, find_area, public_picture, rounds_of

bp = Blueprint("api", __name__, url_prefix="/api/v1")
init_blueprint(bp)
# Read-only GETs that carry no session: nothing for a CSRF token to protect.
csrf.exempt(bp)

DEFAULT_RATE_LIMIT = "120 per minute"
MAX_AGE = 300
LANGUAGES = ("sv", "en")
#: The only query arguments of the situation picture: no filter can pick out a small group.
PICTURE_ARGS = ("round", "lang")
#: Larger ids cannot exist (PostgreSQL's integer) and would fail in the query.
MAX_ID = 2**31 - 1


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


# One budget for the whole API per client address, not one per route.
limiter.shared_limit(_rate_limit, scope="api")(bp)


@bp.after_request
def _cors(response: Response) -> Response:
    # Public data: any web page may read it, without credentials.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _json(data: Any, etag_source: Any = None, weak: bool = False) -> Response:
    """A cacheable JSON response with an ETag; 304 when the client already has it."""
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    source = body if etag_source is None else _canonical(etag_source)
    tag = hashlib.sha256(source.encode()).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(tag, weak=weak)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # If-None-Match compares weakly (RFC 9110 13.1.2), so a weak tag matches too.
    if request.if_none_match.contains_weak(tag):
        response.status_code = 304
        response.set_data(b"")
    return response


def _canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=True)


def _area_or_404(slug: str) -> Area:
    return or_404(find_area(db.session, slug), f"There is no area {slug!r}.")


def _links(area: Area) -> dict[str, str]:
    base = f"{bp.url_prefix}/areas/{area.slug}"
    return {"self": base, "places": f"{base}/places", "lagesbild": f"{base}/lagesbild"}


def _place(place: Place) -> dict[str, Any]:
    return {"slug": place.slug, "name": place.name, "retired": place.retired}


@bp.get("/areas")
def areas() -> Response:
    return _json(
        {
            "areas": [
                {"slug": a.slug, "name": a.name, "links": _links(a)} for a in all_areas(db.session)
            ]
        }
    )


@bp.get("/areas/<area>")
def area(area: str) -> Response:
    found = _area_or_404(area)
    links = _links(found)
    return _json(
        {
            "slug": found.slug,
            "name": found.name,
            "places": [_place(p) for p in found.places],
            "rounds": [
                {
                    "id": r.id,
                    "name": r.name,
                    "opens_on": r.opens_on.isoformat(),
                    "closes_on": r.closes_on.isoformat() if r.closes_on else None,
                    "links": {"lagesbild": f"{links['lagesbild']}?round={r.id}"},
                }
                for r in rounds_of(db.session, found)
            ],
            "links": links,
        }
    )


@bp.get("/areas/<area>/places")
def places(area: str) -> Response:
    found = _area_or_404(area)
    return _json({"area": found.slug, "places": [_place(p) for p in found.places]})


def _picture_args() -> tuple[str | None, str]:
    """The round (as given) and language of a picture request; 400 for anything else."""
    unknown = sorted(set(request.args) - set(PICTURE_ARGS))
    if unknown:
        abort(
            400,
            description=(
                f"Unknown parameter {unknown[0]!r}: only 'round' and 'lang' are accepted, so "
                "that no filter can pick out a group smaller than the suppression threshold."
            ),
        )
    for name in PICTURE_ARGS:
        if len(request.args.getlist(name)) > 1:
            abort(400, description=f"Give {name!r} once.")
    lang = request.args.get("lang", "sv")
    if lang not in LANGUAGES:
        abort(400, description="lang must be 'sv' or 'en'.")
    return request.args.get("round"), lang


@bp.get("/areas/<area>/lagesbild")
def lagesbild(area: str) -> Response:
    round_arg, lang = _picture_args()
    found = _area_or_404(area)
    rounds = rounds_of(db.session, found)
    if round_arg is None:
        chosen = default_round(rounds, clock.today())
        if chosen is None:
            return json_error(404, "no_round", f"Area {found.slug!r} has no survey round yet.")
        round_id = chosen.id
    else:
        if not round_arg.isascii() or not round_arg.isdigit() or not 0 < int(round_arg) <= MAX_ID:
            abort(400, description="round must be the id of a survey round (a positive integer).")
        round_id = int(round_arg)
        if round_id not in {r.id for r in rounds}:
            # Well-formed, but there is no picture of this area for that round.
            return json_error(
                404, "unknown_round", f"Round {round_id} is not a survey round of {found.slug!r}."
            )
    with db.engine.connect() as conn:
        picture = pictures.situation(
            conn,
            found.slug,
            Filters(round_id=round_id),
            current_app.config["TRYGGHET_SUPPRESS_BELOW"],
            locale=lang,
        )
    public = public_picture(picture)
    # generated_at changes on every request while the figures do not: the tag follows the
    # figures, and is weak because two responses with one tag may differ in that timestamp.
    return _json(
        public, etag_source={k: v for k, v in public.items() if k != "generated_at"}, weak=True
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    return _json(openapi_document(current_app.config["TRYGGHET_SUPPRESS_BELOW"]))

"""The API's views: thin readers that return JSON with caching and CORS headers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from ..db import or_404
from ..extensions import csrf, db, limiter
from ..models import Area, Place, Release
from ..services.rounds import area_rounds
from .errors import init_blueprint, json_error
from .openapi import openapi_document
from .services import all_areas, find_area, find_release, release_info, releases_of

bp = Blueprint("api", __name__, url_prefix="/api/v1")
init_blueprint(bp)
# Read-only GETs that carry no session: nothing for a CSRF token to protect.
csrf.exempt(bp)

DEFAULT_RATE_LIMIT = "120 per minute"
MAX_AGE = 300
LANGUAGES = ("sv", "en")
#: The only query arguments of the situation picture: no filter can pick out a small group.
PICTURE_ARGS = ("round", "release", "lang")
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
                for r in area_rounds(db.session, found)
            ],
            "releases": [
                release_info(r, links["lagesbild"]) for r in releases_of(db.session, found)
            ],
            "links": links,
        }
    )


@bp.get("/areas/<area>/places")
def places(area: str) -> Response:
    found = _area_or_404(area)
    return _json({"area": found.slug, "places": [_place(p) for p in found.places]})


def _id_arg(name: str, what: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        abort(400, description=f"{name} must be the id of {what} (a positive integer).")
    return int(value)


def _picture_args() -> tuple[int | None, int | None]:
    """The round and release of a picture request (as given); 400 for anything else."""
    unknown = sorted(set(request.args) - set(PICTURE_ARGS))
    if unknown:
        abort(
            400,
            description=(
                f"Unknown parameter {unknown[0]!r}: only 'round', 'release' and 'lang' are "
                "accepted, so that no filter can pick out a group smaller than the "
                "suppression threshold."
            ),
        )
    for name in PICTURE_ARGS:
        if len(request.args.getlist(name)) > 1:
            abort(400, description=f"Give {name!r} once.")
    if request.args.get("lang", "sv") not in LANGUAGES:
        abort(400, description="lang must be 'sv' or 'en'.")
    return _id_arg("round", "a survey round"), _id_arg("release", "a release")


def _chosen_release(found: Area, round_id: int | None, release_id: int | None) -> Any:
    """The release to serve, or a JSON 404 saying why there is none."""
    if round_id is not None and round_id not in {r.id for r in area_rounds(db.session, found)}:
        # Well-formed, but there is no picture of this area for that round.
        return json_error(
            404, "unknown_round", f"Round {round_id} is not a survey round of {found.slug!r}."
        )
    if release_id is not None:
        release = find_release(db.session, found, release_id)
        if release is None or (round_id is not None and release.round_id != round_id):
            return json_error(
                404, "unknown_release", f"There is no release {release_id} of {found.slug!r}."
            )
        return release
    published = releases_of(db.session, found, round_id)
    if published:
        return published[0]
    if round_id is None and not area_rounds(db.session, found):
        return json_error(404, "no_round", f"Area {found.slug!r} has no survey round yet.")
    which = f" for round {round_id}" if round_id is not None else ""
    return json_error(
        404,
        "not_published",
        f"Nothing has been published for {found.slug!r}{which} yet: the figures appear "
        "here once an organizer publishes a release.",
    )


@bp.get("/areas/<area>/lagesbild")
def lagesbild(area: str) -> Response:
    round_id, release_id = _picture_args()
    found = _area_or_404(area)
    chosen = _chosen_release(found, round_id, release_id)
    if not isinstance(chosen, Release):
        return chosen
    picture = chosen.data
    picture["release"] = release_info(chosen, _links(found)["lagesbild"])
    # A release never changes: the tag of its body holds for good.
    return _json(picture)


@bp.get("/openapi.json")
def openapi() -> Response:
    return _json(openapi_document(current_app.config["TRYGGHET_SUPPRESS_BELOW"]))

"""The public JSON API: only aggregated, suppressed figures, as JSON, cacheable, described."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from analysis.disclosure_weighted import WEIGHTED_BOUNDS
from analysis.picture import situation_picture
from analysis.survey import Filters
from survey import clock
from survey.api import views
from survey.extensions import db
from survey.models import Area, Place, PoliceArea, Release, Response
from survey.reports.public_form import COUNTS_DIGEST, public_form, round_count
from tests.common import factories
from tests.common.picture_data import build
from tests.common.releases import publish
from tests.common.survey_data import add_responses, default_round_id
from tests.common.web import local_today

PICTURE_SCHEMA = json.loads((files("analysis") / "lagesbild.schema.json").read_text("utf-8"))
ENDPOINTS = [
    "/api/v1/areas",
    "/api/v1/areas/bromma",
    "/api/v1/areas/bromma/places",
    "/api/v1/areas/bromma/lagesbild",
    "/api/v1/openapi.json",
]
#: Keys that carry a figure; a cell on fewer answers than the threshold must have none.
FIGURE_KEYS = {"share", "unsafe_share", "ci", "score", "score_ci", "options", "n_eff", "diff"}


@pytest.fixture
def data(app):
    """The test picture's data, published: the API serves releases only."""
    with app.app_context():
        build()
        round_id = default_round_id()
    publish(app, "bromma", round_id)
    return round_id


def get_json(client, path: str, status: int = 200, **kwargs: Any) -> Any:
    response = client.get(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def openapi_validator(client, name: str) -> jsonschema.Draft202012Validator:
    """A validator for one of the OpenAPI document's component schemas."""
    document = get_json(client, "/api/v1/openapi.json")
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


# -- every endpoint ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_answers_cacheable_public_json(client, data, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["ETag"]
    assert "Set-Cookie" not in response.headers


def test_areas_list_every_area_with_links(app, client):
    for slug in ("bromma", "ekero", "hasselby-vallingby"):
        publish(app, slug)
    body = get_json(client, "/api/v1/areas")
    assert [a["slug"] for a in body["areas"]] == ["bromma", "ekero", "hasselby-vallingby"]
    bromma = body["areas"][0]
    assert bromma["name"] == "Bromma"
    assert bromma["links"] == {
        "self": "/api/v1/areas/bromma",
        "places": "/api/v1/areas/bromma/places",
        "lagesbild": "/api/v1/areas/bromma/lagesbild",
    }
    for area in body["areas"]:
        for link in area["links"].values():
            assert client.get(link).status_code == 200
    openapi_validator(client, "AreaList").validate(body)


def test_an_area_lists_its_places_retired_ones_flagged_and_its_rounds(app, client, data):
    with app.app_context():
        db.session.scalar(select(Place).where(Place.slug == "nockeby")).retired = True
        db.session.commit()
    body = get_json(client, "/api/v1/areas/bromma")
    places = {p["slug"]: p for p in body["places"]}
    assert places["nockeby"] == {"slug": "nockeby", "name": "Nockeby", "retired": True}
    assert places["brommaplan"]["retired"] is False
    assert [r["id"] for r in body["rounds"]] == [data]
    assert body["rounds"][0]["links"]["lagesbild"] == f"/api/v1/areas/bromma/lagesbild?round={data}"
    assert body["links"]["lagesbild"] == "/api/v1/areas/bromma/lagesbild"
    openapi_validator(client, "Area").validate(body)
    listed = get_json(client, "/api/v1/areas/bromma/places")
    assert listed == {"area": "bromma", "places": body["places"]}
    openapi_validator(client, "PlaceList").validate(listed)


# -- the situation picture ---------------------------------------------------------------


def analysis_picture(app, round_id: int, lang: str = "sv") -> dict[str, Any]:
    with app.app_context(), db.engine.connect() as conn:
        return situation_picture(
            conn, "bromma", Filters(round_id=round_id), 10, locale=lang, today=clock.today()
        )


def own_figures(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell's own figures, without the cells inside it (nor the picture's time stamp, nor
    the digest of the answer counts and the audit's mark that a release keeps)."""
    return {
        key: value
        for key, value in cell.items()
        if not isinstance(value, dict)
        and key not in ("generated_at", COUNTS_DIGEST, WEIGHTED_BOUNDS)
        and not (key != "options" and isinstance(value, list) and value)
    }


def stored_release(app, release_id: int) -> Release:
    with app.app_context():
        release = db.session.get(Release, release_id)
        db.session.expunge(release)
        return release


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_picture_is_the_published_analysis_output_without_quotes(app, client, data, lang):
    api = get_json(client, f"/api/v1/areas/bromma/lagesbild?lang={lang}")
    expected = analysis_picture(app, data, lang)
    quotes = [q for m in expected["dialogues"]["mentions"] for q in m.pop("quotes")]
    assert quotes == ["Berusade personer vid bussarna på kvällen."]  # analysis has them
    release = stored_release(app, api.pop("release")["id"])
    audited = release.audited_picture
    # What the API serves is the release's public form of the audited analysis output...
    assert api == public_form(audited)
    # ...whose shown figures are exactly the analysis's (the audit only hides more).
    analysed = dict(figure_cells(expected))
    shown = [(path, cell) for path, cell in figure_cells(audited) if not cell.get("suppressed")]
    assert shown
    for path, cell in shown:
        assert own_figures(cell) == own_figures(analysed[path]), path
    assert api["filters"]["round_id"] == data
    assert any(place.get("n", 0) > 0 for place in api["places"])
    assert api["priorities"]


def test_picture_validates_against_both_schemas(app, client, data):
    picture = get_json(client, "/api/v1/areas/bromma/lagesbild")
    # The stored (audited) picture keeps the analysis contract; the API its public form.
    jsonschema.Draft202012Validator(
        PICTURE_SCHEMA, format_checker=jsonschema.FormatChecker()
    ).validate(stored_release(app, picture["release"]["id"]).audited_picture)
    openapi_validator(client, "Lagesbild").validate(picture)


def test_no_quote_or_comment_leaves_through_the_api(client, data):
    for path in ENDPOINTS:
        text = client.get(path).get_data(as_text=True)
        assert "Berusade" not in text
        assert "HYPERLINK" not in text  # a resident's comment in the test data
        assert '"quotes"' not in text


def test_round_chooses_the_answers(app, client, data):
    with app.app_context():
        later = factories.survey_round("Höst", local_today(), areas="all")
        db.session.commit()
        later_id = later.id
    publish(app, "bromma", later_id)
    # The newest release is the default: of the new round, which has no answers yet.
    assert get_json(client, "/api/v1/areas/bromma/lagesbild")["n"] == 0
    assert get_json(client, f"/api/v1/areas/bromma/lagesbild?round={later_id}")["n"] == 0
    assert get_json(client, f"/api/v1/areas/bromma/lagesbild?round={data}")["n"] == 25


def test_an_area_without_a_round_has_no_picture(app, client):
    with app.app_context():
        police = db.session.scalar(select(PoliceArea))
        db.session.add(Area(slug="ny", name="Nytt område", police_area=police))
        db.session.commit()
    body = get_json(client, "/api/v1/areas/ny/lagesbild", 404)
    assert body["error"] == "no_round"
    assert get_json(client, "/api/v1/areas/ny")["rounds"] == []


# -- errors are JSON ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/areas/atlantis",
        "/api/v1/areas/atlantis/places",
        "/api/v1/areas/atlantis/lagesbild",
        "/api/v1/nothing",
        "/api/v2/areas",
        "/api/v1/areas/bromma/lagesbild/extra",
    ],
)
def test_unknown_addresses_are_json_404(client, path):
    body = get_json(client, path, 404)
    assert body["error"] in ("not_found",)
    assert body["message"]


@pytest.mark.parametrize(
    "query",
    [
        "round=abc",
        "round=0",
        "round=-1",
        "round=1.5",
        "round=",
        "round=99999999999999999999",
        "round=%D9%A3",  # an Arabic-Indic digit: isdigit() but not an id
        "lang=de",
        "lang=",
        "gender=woman",
        "age_band=16-24",
        "date_from=2025-01-01",
        "lang=sv&lang=en",
    ],
)
def test_bad_arguments_are_json_400(client, data, query):
    body = get_json(client, f"/api/v1/areas/bromma/lagesbild?{query}", 400)
    assert body["error"] == "bad_request"
    assert body["message"]


def test_a_round_of_another_area_is_refused(app, client, data):
    with app.app_context():
        other = factories.survey_round("Bara Ekerö", dt.date(2025, 1, 1), areas=["ekero"])
        db.session.commit()
        other_id = other.id
    body = get_json(client, f"/api/v1/areas/bromma/lagesbild?round={other_id}", 404)
    assert body["error"] == "unknown_round"
    assert "bromma" in body["message"]
    assert get_json(client, "/api/v1/areas/bromma/lagesbild?round=999999", 404)["error"] == (
        "unknown_round"
    )
    publish(app, "ekero", other_id)
    assert get_json(client, f"/api/v1/areas/ekero/lagesbild?round={other_id}")["n"] == 0


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("path", ENDPOINTS)
def test_writes_are_json_405(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_json_500(client, data, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "releases_of", broken)
    body = get_json(client, "/api/v1/areas/bromma/lagesbild", 500)
    assert body == {
        "error": "internal_error",
        "message": "Something went wrong on our side; please try again later.",
    }


def test_a_database_outage_is_json_503(client, data, monkeypatch):
    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(views, "releases_of", down)
    response = client.get("/api/v1/areas/bromma/lagesbild")
    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"
    assert response.headers["Retry-After"] == "30"


def test_the_rate_limit_answers_json_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert [client.get("/api/v1/areas").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/areas/bromma")
    assert response.status_code == 429
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == "too_many_requests"
    assert int(response.headers["Retry-After"]) > 0
    # The rest of the site keeps its own limits.
    assert client.get("/").status_code == 200


def test_html_pages_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_cors_preflight_allows_get_only(client):
    response = client.options(
        "/api/v1/areas",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in response.headers


# -- caching -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_etag_gives_304_until_the_data_changes(app, client, data, path):
    first = client.get(path)
    tag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_strong_etag_is_the_hash_of_the_body(client):
    import hashlib

    response = client.get("/api/v1/areas")
    digest = hashlib.sha256(response.get_data()).hexdigest()[:32]
    assert response.headers["ETag"] == f'"{digest}"'


def test_picture_etag_follows_the_release(app, client, data):
    path = "/api/v1/areas/bromma/lagesbild"
    tag = client.get(path).headers["ETag"]
    assert not tag.startswith('W/"')  # a release never changes: a strong tag
    assert client.get(path, headers={"If-None-Match": tag}).status_code == 304
    with app.app_context():
        add_responses("alvik", [{"safety_evening": "1"}])
    # New data change nothing public until the next release.
    assert client.get(path, headers={"If-None-Match": tag}).status_code == 304
    publish(app, "bromma", data)
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag


# -- the OpenAPI document ----------------------------------------------------------------


def test_openapi_document_is_valid(client):
    document = get_json(client, "/api/v1/openapi.json")
    validate_openapi(document)
    assert document["openapi"].startswith("3.1")
    assert "fewer than 10 answers" in document["info"]["description"]
    assert "no gender, age or date filters" in document["info"]["description"]


def test_openapi_describes_every_route_and_nothing_else(app, client):
    document = get_json(client, "/api/v1/openapi.json")
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.replace("<", "{").replace(">", "}")
            methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
            routes.setdefault(path, set()).update(methods)
    described = {path: set(item) for path, item in document["paths"].items()}
    assert routes == described
    parameters = document["paths"]["/api/v1/areas/{area}/lagesbild"]["get"]["parameters"]
    assert {p["name"] for p in parameters if p["in"] == "query"} == set(views.PICTURE_ARGS)


# -- suppression, whatever the data ------------------------------------------------------


def figure_cells(value: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object with an n or a suppressed flag (a hidden cell has no n), anywhere."""
    if isinstance(value, dict):
        if isinstance(value.get("n"), int) or "suppressed" in value:
            yield path, value
        for key, inner in value.items():
            yield from figure_cells(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from figure_cells(inner, f"{path}[{i}]")


SAFETY = st.sampled_from([None, "1", "2", "3", "4", "avoid", "na", "dk"])
PROBLEM = st.sampled_from([None, "0", "1", "2", "3", "4", "dk"])
ANSWER = st.fixed_dictionaries(
    {
        **{f"safety_{t}": SAFETY for t in ("day", "afternoon", "evening", "night")},
        "problem_alcohol": PROBLEM,
        "problem_drug_dealing": PROBLEM,
        "worry": st.sampled_from([None, "1", "2", "3", "4", "dk"]),
        "victim": st.sampled_from([None, "yes", "no", "dk"]),
        "police_cares": st.sampled_from([None, "1", "2", "3", "4", "dk"]),
        "gender": st.sampled_from([None, "woman", "man", "other", "na"]),
        "age_band": st.sampled_from([None, "16-24", "25-44", "65+"]),
    }
)
PLACES = ("brommaplan", "alvik", "abrahamsberg")
#: Per round and place: up to 25 answers, so that cells fall on both sides of the threshold.
DATA = st.lists(
    st.lists(st.lists(ANSWER, max_size=25), min_size=len(PLACES), max_size=len(PLACES)),
    min_size=2,
    max_size=2,
)


@pytest.fixture
def two_rounds(app):
    """A baseline and a follow-up round over Bromma, and a promise comparing them."""
    with app.app_context():
        first = default_round_id()
        second = factories.survey_round("Uppföljning", dt.date(2025, 1, 1), areas=["bromma"])
        factories.promise(
            rounds=(first, second),
            title="Tryggare kvällar",
            text="Mer närvaro.",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            indicators=[
                {"kind": "unsafe_share", "time": "evening"},
                {"kind": "problem_share", "problem": "alcohol"},
            ],
        )
        db.session.commit()
        return [first, second.id]


# Each example publishes two releases, whose audit (~1 s each, HiGHS LPs) is the cost; the
# audit's own properties are tested in tests/analysis/test_disclosure_*.
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=DATA)
def test_no_small_cell_carries_a_figure(app, client, two_rounds, data):
    threshold = app.config["TRYGGHET_SUPPRESS_BELOW"]
    assert threshold == 10
    with app.app_context():
        db.session.execute(delete(Response))
        db.session.execute(delete(Release))  # each example starts a new history of releases
        db.session.commit()
        for round_id, per_place in zip(two_rounds, data, strict=True):
            for slug, answers in zip(PLACES, per_place, strict=True):
                if answers:
                    add_responses(slug, answers, round_id=round_id)
    for round_id in two_rounds:
        publish(app, "bromma", round_id)
    for round_id, per_place in zip(two_rounds, data, strict=True):
        picture = get_json(client, f"/api/v1/areas/bromma/lagesbild?round={round_id}")
        assert picture["n"] == round_count(sum(len(answers) for answers in per_place))
        checked = 0
        for path, cell in figure_cells(picture):
            checked += 1
            if cell.get("suppressed"):
                assert not (FIGURE_KEYS | {"n"}) & cell.keys(), (path, cell)
            else:
                assert cell["n"] >= threshold or path == "$", (path, cell)
        assert checked > 50
        assert len(picture["followup"]) == 1

"""CSRF: every route that takes a POST refuses one without a valid token and changes nothing."""

import pytest
from flask import url_for
from sqlalchemy import select

from survey.extensions import db
from survey.models import Base
from tests.common.routes import ROUTES, sample_objects
from tests.common.web import csrf_token


@pytest.fixture
def sample(app, users):
    """One of each object the organizer routes act on; their ids and slugs."""
    with app.app_context():
        return sample_objects(users["organizer"])


#: Routes that need no CSRF token, with the reason. None: the JSON API only reads.
EXEMPT: dict[str, str] = {}

#: URL arguments of routes outside the organizer matrix, by argument name.
OTHER_ARGUMENTS = {"slug": "brommaplan", "token": "an-invitation-token", "area": "bromma"}


def post_rules(app) -> list[tuple[str, dict]]:
    """Every endpoint that accepts POST, with URL arguments for it from the sample."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint not in EXEMPT:
            rules.append((rule.endpoint, sorted(rule.arguments)))
    return sorted(rules)


def _path(app, objects: dict, endpoint: str, arguments: list[str]) -> str:
    names = ROUTES.get(endpoint, (None, {}, None))[1]
    values = {}
    for name in arguments:
        if name in names:
            values[name] = objects[names[name]]
        elif name in objects:
            values[name] = objects[name]
        else:
            values[name] = OTHER_ARGUMENTS[name]
    with app.test_request_context():
        return url_for(endpoint, **values)


def snapshot(app) -> dict[str, list]:
    """Every row of every table."""
    with app.app_context():
        return {
            table.name: [
                tuple(row)
                for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def test_the_api_takes_no_post(app):
    assert not [endpoint for endpoint, _ in post_rules(app) if endpoint.startswith("api.")]
    assert len(post_rules(app)) >= 20  # the walk below really covers the forms


@pytest.mark.parametrize("token", ["missing", "forged", "another-session"])
def test_every_post_without_a_valid_token_is_400_and_changes_nothing(
    app, client, auth, request, token
):
    objects = request.getfixturevalue("sample")
    auth.login("admin")  # so that a 400 comes from the CSRF check, not from a missing login
    other = app.test_client()
    tokens = {
        "missing": {},
        "forged": {"csrf_token": "IjAwMDAi.Z4H2zA.forged-signature-000000000000"},
        "another-session": {"csrf_token": csrf_token(other, "/s/brommaplan")},
    }
    before = snapshot(app)
    accepted = []
    for endpoint, arguments in post_rules(app):
        path = _path(app, objects, endpoint, arguments)
        response = client.post(
            path, data={"name": "x", **tokens[token]}, headers={"Accept-Language": "en"}
        )
        page = response.get_data(as_text=True)
        # The survey shows its form again, as it was sent (nothing stored); the rest a page.
        said = "They are still here" if endpoint == "public.survey" else "The form has expired"
        if response.status_code != 400 or said not in page:
            accepted.append((endpoint, response.status_code))
        if path.startswith("/organizer/"):  # an organizer's form: their start page
            assert 'href="/organizer/"' in page, endpoint
        if endpoint not in ("public.survey", "public.invited_survey"):
            # Only a survey's answers are "answers": erasing one, or hiding a receipt code,
            # sent again as "your answers" invited a second answer.
            assert "send your answers" not in page, endpoint
    assert accepted == []
    assert snapshot(app) == before
    # Still logged in: the refused requests did not log the admin out either.
    assert client.get("/organizer/users").status_code == 200

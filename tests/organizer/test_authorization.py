"""The authorization matrix: every organizer route for anonymous, organizer and admin.

Every route under /organizer must be listed here (a test fails on one that is not), with the
roles that may use it. Anonymous visitors are sent to the login page; a logged-in role without
the right gets 403; a role with the right gets neither.
"""

import pytest

from tests.common.routes import PUBLIC, ROUTES, sample_objects
from tests.common.web import csrf_token


@pytest.fixture
def sample(app, users):
    """One of each object the organizer routes act on; their ids and slugs."""
    with app.app_context():
        return sample_objects(users["organizer"])


def test_every_organizer_route_is_in_the_matrix(app):
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/organizer")
    }
    assert endpoints - PUBLIC == set(ROUTES)


@pytest.mark.parametrize("role", ["anonymous", "organizer", "admin"])
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_access(app, client, auth, sample, endpoint, role):
    method, arguments, allowed = ROUTES[endpoint]
    if role != "anonymous":
        auth.login(role)
    with app.test_request_context():
        from flask import url_for

        path = url_for(endpoint, **{k: sample[v] for k, v in arguments.items()})
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": csrf_token(client, "/organizer/login")})
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/organizer/login")
    elif role in allowed:
        assert response.status_code not in (401, 403), response.status_code
        assert response.status_code < 500
        assert not response.headers.get("Location", "").startswith("/organizer/login")
    else:
        assert response.status_code == 403

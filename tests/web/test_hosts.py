"""Absolute addresses come from TRYGGHET_BASE_URL, and production answers only its own host."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image

from survey.web.urls import absolute_url
from tests.common.web import Auth, post_form

BASE = "https://trygghet.example.se"
FORGED = {"Host": "evil.example"}


def _decode(png: bytes) -> str:
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return code.text


def test_a_forged_host_cannot_move_the_qr_poster_address(make_app):
    client = make_app(TRYGGHET_BASE_URL=BASE).test_client()
    assert _decode(client.get("/qr/alvik.png", headers=FORGED).data) == f"{BASE}/s/alvik"
    page = client.get("/qr/alvik", headers=FORGED).get_data(as_text=True)
    assert "evil.example" not in page


def test_the_invitation_link_is_on_the_base_url_not_the_request_host(make_app, users):
    # The test client speaks plain http, so the https address's secure cookie is turned off.
    app = make_app(TRYGGHET_BASE_URL=BASE, SESSION_COOKIE_SECURE=False)
    client = app.test_client()
    Auth(client).login("admin")
    response = post_form(
        client,
        "/organizer/users/invite",
        {"email": "ny@trygghet.test", "role": "organizer"},
        token_from="/organizer/users",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf"<code>{re.escape(BASE)}/organizer/invite/[^<]+</code>", page)
    assert "http://trygghet.test/organizer/invite" not in page


def test_absolute_urls_ignore_a_forged_host(make_app):
    app = make_app(TRYGGHET_BASE_URL=BASE)
    with app.test_request_context("/", headers=FORGED):
        for endpoint, values in [
            ("organizer.invitation", {"token": "t"}),
            ("public.survey", {"slug": "alvik"}),
        ]:
            assert absolute_url(endpoint, **values).startswith(f"{BASE}/")


def test_production_refuses_a_host_it_does_not_know(make_app):
    app = make_app(TESTING=False, PASSWORD_HASH_METHOD="scrypt", TRYGGHET_BASE_URL=BASE)
    assert app.config["TRUSTED_HOSTS"] == ["trygghet.example.se"]
    client = app.test_client()
    refused = client.get("/integritet", headers=FORGED)
    assert refused.status_code == 400
    assert b"evil.example" not in refused.data
    assert client.get("/integritet", headers={"Host": "trygghet.example.se"}).status_code == 200


def test_trusted_hosts_set_by_hand_win_over_the_base_url(make_app):
    app = make_app(
        TESTING=False,
        PASSWORD_HASH_METHOD="scrypt",
        TRYGGHET_BASE_URL=BASE,
        TRUSTED_HOSTS=["a.example", "b.example"],
    )
    client = app.test_client()
    assert client.get("/integritet", headers={"Host": "b.example"}).status_code == 200
    assert client.get("/integritet", headers=FORGED).status_code == 400


def test_tests_and_development_without_a_base_url_answer_any_host(app, client):
    assert not app.config.get("TRUSTED_HOSTS")
    assert client.get("/integritet", headers=FORGED).status_code == 200

"""The follow-up's share picture and page cannot be made to show another site's address."""

from __future__ import annotations

from survey.extensions import db
from survey.public.followup import _footer
from survey.public.followup_services import find_area
from tests.public.test_followup import _world

BASE = "https://trygghet.example.se"
FORGED = {"Host": "evil.example"}


def _hostless(make_app):
    """An app as deployed without TRYGGHET_BASE_URL: addresses come from the Host header."""
    return make_app(SERVER_NAME=None, TRYGGHET_BASE_URL=None)


def test_without_a_base_url_the_picture_shows_the_path_only(make_app, app):
    world = _world(app)
    app = _hostless(make_app)
    client = app.test_client()
    path = f"/uppfoljning/bromma/{world['promise']}.png?lang=en"
    honest = client.get(path)
    forged = client.get(path, headers=FORGED)
    assert forged.status_code == 200
    # The same bytes whatever the Host header said: no host is drawn into the picture.
    assert forged.data == honest.data
    assert forged.headers["ETag"] == honest.headers["ETag"]
    with app.test_request_context("/", headers=FORGED), app.app_context():
        assert _footer(find_area(db.session, "bromma")) == "/uppfoljning/bromma"


def test_with_a_base_url_the_picture_shows_its_address(make_app, app):
    world = _world(app)
    based = make_app(TRYGGHET_BASE_URL=BASE)
    path = f"/uppfoljning/bromma/{world['promise']}.png?lang=en"
    client = based.test_client()
    assert client.get(path, headers=FORGED).data == client.get(path).data
    with based.test_request_context("/", headers=FORGED), based.app_context():
        footer = _footer(find_area(db.session, "bromma"))
    assert footer == "trygghet.example.se/uppfoljning/bromma"


def test_a_page_whose_links_use_the_host_varies_by_host(make_app, app):
    world = _world(app)
    client = _hostless(make_app).test_client()
    page = client.get("/uppfoljning/bromma?lang=en", headers=FORGED)
    # og:image needs an absolute address; without a base URL it is the request's host, so
    # a shared cache must keep one copy per host.
    assert f"http://evil.example/uppfoljning/bromma/{world['promise']}.png" in page.get_data(
        as_text=True
    )
    assert "Host" in page.vary
    # The picture itself shows no host, so one cached copy serves every host.
    picture = client.get(f"/uppfoljning/bromma/{world['promise']}.png?lang=en", headers=FORGED)
    assert "Host" not in picture.vary


def test_with_a_base_url_the_page_does_not_vary_by_host(make_app, app):
    world = _world(app)
    client = make_app(TRYGGHET_BASE_URL=BASE).test_client()
    page = client.get("/uppfoljning/bromma?lang=en", headers=FORGED)
    text = page.get_data(as_text=True)
    assert f"{BASE}/uppfoljning/bromma/{world['promise']}.png" in text
    assert "evil.example" not in text
    assert "Host" not in page.vary

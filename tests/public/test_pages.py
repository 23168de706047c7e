"""The other public pages: home, languages, privacy, QR posters, health and error pages."""

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select, text

from survey.extensions import db
from survey.models import Place
from survey.services.areas import add_area
from tests.common import factories
from tests.common.releases import publish


def test_home_lists_every_area_and_its_places(client):
    page = client.get("/").get_data(as_text=True)
    for area in ("Bromma", "Hässelby-Vällingby", "Ekerö"):
        assert f">{area}</h2>" in page
    for slug, name in [
        ("brommaplan", "Brommaplan"),
        ("akeshov", "Åkeshov"),
        ("racksta", "Råcksta"),
        ("drottningholm", "Drottningholm"),
        ("vallingby-centrum", "Vällingby centrum"),
    ]:
        # On paper (print.css) the address to type follows the name.
        address = f'<span class="print-only">: trygghet.test/s/{slug}</span>'
        assert f'<a href="/s/{slug}">{name}{address}</a>' in page


def test_home_leaves_out_an_area_with_no_place_to_answer_about(app, client):
    with app.app_context():
        add_area(db.session, "stockholm", "Stockholms stad")
        place = db.session.scalar(select(Place).where(Place.slug == "drottningholm"))
        for other in place.area.places:
            other.retired = True
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Stockholms stad" not in page
    assert ">Ekerö</h2>" not in page
    assert ">Bromma</h2>" in page


def test_swedish_is_the_default_language(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Hur trygg känner du dig?" in page


def test_english_by_accept_language(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "How safe do you feel?" in page


def test_language_switch_is_visible_and_remembered(client):
    page = client.get("/integritet").get_data(as_text=True)
    assert '<a href="/integritet?lang=en" lang="en" hreflang="en">English</a>' in page
    english = client.get("/s/alvik?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "How safe do you feel here in the evening" in english
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in client.get("/?lang=sv").get_data(as_text=True)


def test_unknown_language_falls_back_to_swedish(client):
    assert '<html lang="sv">' in client.get("/?lang=xx").get_data(as_text=True)


def test_privacy_notice_is_linked_from_every_page(client):
    for path in ("/", "/s/alvik", "/s/alvik/tack", "/integritet", "/qr/alvik", "/nowhere"):
        assert 'href="/integritet"' in client.get(path).get_data(as_text=True), path
    page = client.get("/integritet").get_data(as_text=True)
    assert "Polisen, lokalpolisområde Vällingby" in page
    assert "24 månader" in page
    assert "IP-adress" in page


def test_assets_are_served_locally(client):
    page = client.get("/s/alvik").get_data(as_text=True)
    assert "https://" not in page
    assert "http://" not in page.replace("http://trygghet.test", "")
    with client.get("/static/style.css") as css:
        assert css.status_code == 200
        assert css.content_type.startswith("text/css")


def _decode(png: bytes) -> str:
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


def test_qr_png_encodes_the_absolute_survey_url(client):
    response = client.get("/qr/brommaplan.png")
    assert response.status_code == 200
    assert response.content_type == "image/png"
    assert _decode(response.data) == "http://trygghet.test/s/brommaplan"


def test_qr_uses_the_configured_public_address(make_app):
    client = make_app(TRYGGHET_BASE_URL="https://trygghet.example.se/").test_client()
    assert _decode(client.get("/qr/alvik.png").data) == "https://trygghet.example.se/s/alvik"


def test_qr_svg_is_an_svg_of_the_same_code(client):
    response = client.get("/qr/brommaplan.svg")
    assert response.status_code == 200
    assert response.content_type.startswith("image/svg+xml")
    assert response.data.startswith(b"<svg")
    assert b"<title>Brommaplan</title>" in response.data


def test_poster_page_shows_code_and_address(client):
    page = client.get("/qr/ekero-centrum").get_data(as_text=True)
    assert "Ekerö centrum" in page
    assert 'src="/qr/ekero-centrum.svg"' in page
    assert "http://trygghet.test/s/ekero-centrum" in page


def test_a_poster_in_another_language_opens_the_survey_in_it(app, client):
    # An Arabic poster's code led to /s/brommaplan: the phone's language, Swedish here.
    page = client.get("/qr/brommaplan?lang=ar").get_data(as_text=True)
    assert 'src="/qr/brommaplan.svg?lang=ar"' in page
    assert 'href="/qr/brommaplan.png?lang=ar" download' in page
    address = _decode(client.get("/qr/brommaplan.png?lang=ar").data)
    assert address == "http://trygghet.test/s/brommaplan?lang=ar"
    assert client.get("/qr/brommaplan.svg?lang=ar").data != client.get("/qr/brommaplan.svg").data
    # The address to type stays short; the phone picks its language there.
    assert '<p class="poster-url">http://trygghet.test/s/brommaplan</p>' in page
    phone = app.test_client()
    survey = phone.get(address, headers={"Accept-Language": "sv-SE,sv;q=0.9"})
    assert '<html lang="ar" dir="rtl">' in survey.get_data(as_text=True)
    # A Swedish poster needs no parameter, whatever the browser that prints it speaks.
    swedish = client.get("/qr/brommaplan?lang=sv").get_data(as_text=True)
    assert 'src="/qr/brommaplan.svg"' in swedish
    english = client.get("/qr/brommaplan?lang=en").get_data(as_text=True)
    assert 'src="/qr/brommaplan.svg?lang=en"' in english
    assert _decode(client.get("/qr/brommaplan.png?lang=xx").data).endswith("/s/brommaplan")


@pytest.mark.parametrize("path", ["/qr/atlantis.svg", "/qr/atlantis.png", "/qr/atlantis"])
def test_qr_for_unknown_place_is_404(client, path):
    assert client.get(path).status_code == 404


def test_in_a_round_by_invitation_the_poster_and_follow_up_say_so(app, client):
    # They invited everyone to answer, and the open link then said "by invitation".
    with app.app_context():
        factories.default_round().by_invitation = True
        db.session.commit()
    poster = client.get("/qr/alvik").get_data(as_text=True)
    assert "Den här omgången sker genom inbjudan" in poster
    assert "Skanna koden" not in poster
    publish(app)
    page = client.get("/uppfoljning/bromma").get_data(as_text=True)
    take_part = page.split('id="take-part"', 1)[1].split("</section>", 1)[0]
    assert 'href="/k"' in take_part
    assert 'href="/s/alvik"' not in take_part
    assert "Den här omgången sker genom inbjudan" in take_part


def test_a_retired_place_gets_no_new_posters(app, client):
    with app.app_context():
        db.session.scalars(select(Place).where(Place.slug == "nockeby")).one().retired = True
        db.session.commit()
    page = client.get("/qr/nockeby")
    assert page.status_code == 410
    assert "Vi frågar inte längre om den här platsen." in page.get_data(as_text=True)
    assert "/qr/nockeby.svg" not in page.get_data(as_text=True)
    assert client.get("/qr/nockeby.svg").status_code == 410
    assert client.get("/qr/nockeby.png").status_code == 410
    assert client.get("/qr/alvik.png").status_code == 200


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "up"}


def _unopenable(tmp_path) -> str:
    """A database address whose file cannot be opened (a folder stands in its place)."""
    (tmp_path / "none.db").mkdir()
    return f"sqlite:///{tmp_path}/none.db"


def test_healthz_is_503_when_the_database_does_not_answer(make_app, tmp_path):
    app = make_app(DATABASE_URL=_unopenable(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_database_down_gives_a_friendly_503_page(make_app, tmp_path):
    app = make_app(DATABASE_URL=_unopenable(tmp_path))
    response = app.test_client().get("/s/brommaplan")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Tillfälligt otillgänglig" in page
    assert "Traceback" not in page


def test_wrong_method_is_a_405_page(client):
    response = client.delete("/s/alvik")
    assert response.status_code == 405
    assert "Inte tillåtet" in response.get_data(as_text=True)


def test_default_places_are_present(app):
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT a.slug, count(*) FROM place p JOIN area a ON a.id = p.area_id "
                "GROUP BY a.slug ORDER BY a.slug"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("bromma", 8), ("ekero", 3), ("hasselby-vallingby", 6)]


def test_405_says_which_methods_are_allowed(client):
    response = client.delete("/s/alvik")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("asked", ["EN", "en_US", "en-GB"])
def test_language_codes_are_understood_loosely(client, asked):
    assert '<html lang="en">' in client.get(f"/?lang={asked}").get_data(as_text=True)


#: Words of the trade that residents should not meet (klarspråk): what they stand for is said.
JARGON = ("lägesbild", "procentenhet")


def test_resident_pages_speak_plain_swedish(client):
    from tests.common.web import VALID_ANSWER, submit

    assert submit(client, "brommaplan", VALID_ANSWER).status_code == 303
    for path in (
        "/",
        "/s/alvik",
        "/s/brommaplan/tack",
        "/integritet",
        "/tillganglighet",
        "/radera",
    ):
        page = client.get(path, headers={"Accept-Language": "sv"}).get_data(as_text=True).lower()
        assert not [word for word in JARGON if word in page], path


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("/s/Brommaplan", "/s/brommaplan"),
        ("/s/BROMMAPLAN/", "/s/brommaplan"),
        ("/s/v%C3%A4llingby-centrum", "/s/vallingby-centrum"),  # typed with "ä"
        ("/s/%C3%A4keshov", "/s/akeshov"),
    ],
)
def test_a_survey_address_typed_as_people_type_it_leads_to_its_place(client, typed, place):
    response = client.get(typed)
    assert response.status_code == 301
    assert response.headers["Location"] == place
    assert client.get(place).status_code == 200


def test_a_trailing_slash_is_the_same_survey_and_unknown_places_stay_unknown(client):
    assert client.get("/s/brommaplan/").status_code == 200
    assert client.get("/s/Atlantis").status_code == 404

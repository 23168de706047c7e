"""Upload forms take their largest legitimate file; a larger one is refused with the limit and
the way back to the form, and every other form keeps the small limit of a survey answer."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Place
from survey.questionnaire import MAX_SOURCE
from survey.services.invitations import MAX_COUNT
from survey.web.uploads import UPLOADS, size_text
from tests.common.invitations import invitation_round
from tests.common.web import csrf_token, post_files

SURVEY_WORDS = ("enkätsvar", "survey answer")


@pytest.fixture
def app(make_app):
    # Letters print the survey's address: without TRYGGHET_BASE_URL none are made.
    return make_app(TRYGGHET_BASE_URL="http://trygghet.test")


@pytest.fixture
def admin(auth):
    auth.login("admin")
    return auth.client


def _places(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Place)) or 0


def _addresses(rows: int, numbered: bool = False) -> bytes:
    header = (
        "nummer;namn;c/o;gatuadress;postnummer;ort"
        if numbered
        else "namn;gatuadress;postnummer;ort"
    )
    lines = [header]
    for n in range(1, rows + 1):
        person = f"Cecilia Exempelsdotter-Lindqvist {n}"
        street = f"Hallonvägen {n % 200 + 1} lgh 1{n % 900:03d}"
        if numbered:
            lines.append(f"{n};{person};c/o Familjen Andersson;{street};168 40;Bromma")
        else:
            lines.append(f"{person};{street};168 {n % 100:02d};Bromma")
    return ("\n".join(lines) + "\n").encode()


def test_an_address_file_of_1500_letters_is_read(app, admin):
    round_id, _codes = invitation_round(app, count=1)
    admin.get("/?lang=en")
    content = _addresses(1500)
    assert len(content) > 90_000  # above the 64 kB of a survey answer
    page = f"/organizer/rounds/{round_id}/invitations"
    data = {"csrf_token": csrf_token(admin, page), "area": "bromma", "count": "2", "lang": "sv"}
    response = post_files(
        admin, f"{page}/letters", {**data, "addresses": (io.BytesIO(content), "a.csv")}
    )
    assert response.status_code == 422
    # Read, not refused for its size: the letters asked for are fewer than its addresses.
    assert "line 4: more than 2 addresses" in response.get_data(as_text=True)


def test_an_address_file_for_the_most_letters_a_form_makes_fits(app, admin):
    content = _addresses(MAX_COUNT, numbered=True)
    assert len(content) < UPLOADS["organizer.invitation_reminders"].limit
    round_id, _codes = invitation_round(app, count=1)
    page = f"/organizer/rounds/{round_id}/invitations"
    data = {"csrf_token": csrf_token(admin, page), "area": "bromma", "lang": "sv"}
    response = post_files(
        admin, f"{page}/reminders", {**data, "addresses": (io.BytesIO(content), "a.csv")}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    assert response.mimetype == "application/pdf"


def test_a_place_list_above_64_kb_is_imported(app, admin):
    before = _places(app)
    rows = [
        f"bromma,lekplats-{n},Lekplatsen bakom Brommaplans tunnelbanestation vid Ulvsundavägen {n}"
        for n in range(1, 801)
    ]
    content = ("area,slug,name\n" + "\n".join(rows) + "\n").encode()
    assert len(content) > 64 * 1024
    data = {"csrf_token": csrf_token(admin, "/organizer/places")}
    response = post_files(
        admin, "/organizer/places/import", {**data, "file": (io.BytesIO(content), "p.csv")}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    assert _places(app) == before + 800


def test_a_questionnaire_file_above_64_kb_gets_the_questionnaire_s_own_limit(admin):
    admin.get("/?lang=en")
    content = ("version: 2\n" + "#" * (2 * MAX_SOURCE - 12) + "\n").encode()
    assert 64 * 1024 < len(content) <= 2 * MAX_SOURCE
    data = {"csrf_token": csrf_token(admin, "/organizer/questionnaires")}
    response = post_files(
        admin, "/organizer/questionnaires", {**data, "file": (io.BytesIO(content), "q.yaml")}
    )
    assert response.status_code == 422
    assert "Too long for a questionnaire" in response.get_data(as_text=True)


def _upload_paths(round_id: int) -> dict[str, tuple[str, str]]:
    """Each upload endpoint: the path posted to, and the page of its form."""
    invitations = f"/organizer/rounds/{round_id}/invitations"
    return {
        "organizer.invitation_letters": (f"{invitations}/letters", invitations),
        "organizer.invitation_reminders": (f"{invitations}/reminders", invitations),
        "organizer.place_import": ("/organizer/places/import", "/organizer/places"),
        "organizer.questionnaire_upload": (
            "/organizer/questionnaires",
            "/organizer/questionnaires",
        ),
        "organizer.population_upload": ("/organizer/population", "/organizer/population"),
        "organizer.crime_upload": ("/organizer/crime-imports", "/organizer/crime-imports"),
    }


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_a_file_above_the_limit_says_the_limit_and_leads_back_to_the_form(app, admin, endpoint):
    round_id, _codes = invitation_round(app, count=1)
    before = _places(app)
    path, form_page = _upload_paths(round_id)[endpoint]
    admin.get("/?lang=sv")
    limit = UPLOADS[endpoint].limit
    data = {"csrf_token": csrf_token(admin, form_page), "area": "bromma", "count": "1"}
    field = "addresses" if "invitation" in endpoint else "file"
    response = post_files(admin, path, {**data, field: (io.BytesIO(b"x" * limit), "big.csv")})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Filen är för stor" in page
    with app.test_request_context("/?lang=sv"), force_locale("sv"):
        size = size_text(limit)
    assert f"Sidan tar emot filer på högst {size}." in page
    assert f'<a href="{form_page}">Tillbaka till formuläret</a>' in page
    assert not any(word in page for word in SURVEY_WORDS)
    assert _places(app) == before


def test_sizes_are_told_in_the_reader_s_number_format(app):
    with app.test_request_context(), force_locale("sv"):
        assert [size_text(n) for n in (64 * 1024, 1024 * 1024, 3 * 1024 * 1024 // 2)] == [
            "64 kB",
            "1 MB",
            "1,5 MB",
        ]
    with app.test_request_context(), force_locale("en"):
        assert size_text(3 * 1024 * 1024 // 2) == "1.5 MB"


def test_another_organizer_form_keeps_the_small_limit_and_says_so(app, admin):
    admin.get("/?lang=sv")
    data = {"csrf_token": csrf_token(admin, "/organizer/places"), "slug": "x", "name": "x" * 70_000}
    response = admin.post("/organizer/places", data=data)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Det du skickade är större än formuläret tar emot: högst 64 kB." in page
    assert not any(word in page for word in SURVEY_WORDS)


def test_a_survey_answer_keeps_the_small_limit(client):
    client.get("/?lang=en")
    response = client.post("/s/brommaplan", data={"comment": "x" * 70_000})
    assert response.status_code == 413
    assert "larger than any survey answer can be" in response.get_data(as_text=True)

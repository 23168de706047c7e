"""The paper questionnaire as a download in the organizer's paper pages."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

PATH = "/organizer/paper/questionnaire.pdf"


@pytest.fixture
def organizer(client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    return client


def _words(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize(
    ("query", "filename", "where"),
    [
        ("place=brommaplan&lang=sv", "trygghet-enkat-brommaplan-sv.pdf", "Brommaplan (Bromma)"),
        ("area=ekero&lang=en", "trygghet-enkat-ekero-en.pdf", "Area: Ekerö"),
    ],
)
def test_an_organizer_downloads_the_form_of_a_place_or_an_area(organizer, query, filename, where):
    response = organizer.get(f"{PATH}?{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    words = _words(response.data)
    assert where in words
    assert (
        "Trygghet på platsen" in words if query.endswith("sv") else "Safety at this place" in words
    )


def test_the_open_round_is_named_in_the_form_s_language(organizer):
    words = _words(organizer.get(f"{PATH}?area=bromma&lang=en").data)
    assert "Survey round: Ongoing safety survey" in words


def test_the_qr_address_is_the_site_s_own(organizer):
    words = _words(organizer.get(f"{PATH}?place=alvik&lang=en").data)
    assert "http://trygghet.test/s/alvik" in words


def test_the_language_defaults_to_the_organizer_s(organizer):
    words = _words(organizer.get(f"{PATH}?place=alvik").data)
    assert "What is your connection to this place?" in words


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose either a place or an area."),
        ("place=alvik&area=bromma", "Choose either a place or an area."),
        ("place=nowhere", "There is no place nowhere."),
        ("place=alvik&lang=de", "lang must be one of sv, en, ar, fa, fi, so."),
        ("place=alvik&round=abc", "round must be the number of a survey round."),
        ("place=alvik&round=999", "Survey round 999 is not a round of Bromma."),
    ],
)
def test_a_bad_query_gets_a_clear_message(organizer, query, message):
    response = organizer.get(f"{PATH}?{query}")
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))


def test_an_arabic_page_gets_the_arabic_form_printed_right_to_left(organizer):
    organizer.get("/organizer/?lang=ar")
    response = organizer.get(f"{PATH}?place=alvik")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-alvik-ar.pdf"')
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata is not None
    assert b"/Lang (ar)" in response.data or b"/Lang(ar)" in response.data


def test_only_signed_in_staff_may_download(client):
    response = client.get(f"{PATH}?place=alvik")
    assert response.status_code == 302
    assert "/organizer/login" in response.headers["Location"]


def test_the_key_in_page_offers_the_download_for_every_place(organizer):
    page = organizer.get("/organizer/paper").get_data(as_text=True)
    assert 'action="/organizer/paper/questionnaire.pdf"' in page
    for slug in ("brommaplan", "vallingby-centrum", "stenhamra"):
        assert f'<option value="{slug}">' in page
    assert 'name="lang"' in page

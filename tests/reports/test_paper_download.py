"""The paper questionnaire as a download in the organizer's paper pages."""

from __future__ import annotations

import html
import io
import re

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
    ("query", "status", "message"),
    [
        ("", 400, "Choose either a place or an area."),
        ("place=alvik&area=bromma", 400, "Choose either a place or an area."),
        ("place=nowhere", 404, "There is no place “nowhere”."),
        ("area=nowhere", 404, "There is no area “nowhere”."),
        ("place=alvik&lang=de", 400, "There is no paper questionnaire in the language “de”."),
        ("place=alvik&round=abc", 404, "There is no survey round “abc”."),
        ("place=alvik&round=999", 404, "There is no survey round 999."),
    ],
)
def test_a_bad_query_gets_a_clear_message(organizer, query, status, message):
    response = organizer.get(f"{PATH}?{query}")
    assert response.status_code == status
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    # It speaks of what was asked for, not of the link's parameters.
    assert "lang must" not in page
    assert "round must" not in page


def _links(response) -> dict[str, str]:
    """The links the page offers (not the language switch) to paper questionnaires, by text."""
    page = response.get_data(as_text=True).split("<h1>", 1)[1]
    found = re.findall(
        r'<a href="(/organizer/paper/questionnaire\.pdf[^"]*)"[^>]*>([^<]+)</a>', page
    )
    return {html.unescape(text): html.unescape(link) for link, text in found}


def _pdf_at(client, link: str) -> str:
    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.headers["Content-Disposition"]


def test_an_unknown_language_offers_every_language_of_the_same_form(organizer):
    response = organizer.get(f"{PATH}?place=alvik&lang=xx")
    assert response.status_code == 400
    links = _links(response)
    assert list(links) == ["Svenska", "English", "العربية", "فارسی", "Suomi", "Soomaali"]
    assert _pdf_at(organizer, links["Suomi"]).endswith('"trygghet-enkat-alvik-fi.pdf"')
    assert 'lang="ar" dir="rtl"' in response.get_data(as_text=True)


def test_an_unknown_place_offers_the_places_and_areas_in_the_language_asked(organizer):
    # ?lang= is the page's language too: Somali, where organizer pages fall back to Swedish.
    response = organizer.get(f"{PATH}?place=nowhere&lang=so")
    assert response.status_code == 404
    links = _links(response)
    assert {"Brommaplan", "Vällingby centrum", "Stenhamra", "Hela Ekerö"} <= set(links)
    assert _pdf_at(organizer, links["Brommaplan"]).endswith('"trygghet-enkat-brommaplan-so.pdf"')
    assert _pdf_at(organizer, links["Hela Ekerö"]).endswith('"trygghet-enkat-ekero-so.pdf"')
    assert "/organizer/paper" in response.get_data(as_text=True)


def test_a_wrong_round_offers_the_area_s_rounds(organizer):
    response = organizer.get(f"{PATH}?place=alvik&lang=en&round=999")
    links = _links(response)
    assert _pdf_at(organizer, links["The round open now, or the next"]).endswith('-alvik-en.pdf"')
    rounds = [text for text in links if text.startswith("Ongoing safety survey")]
    assert len(rounds) == 1
    assert "round=" in links[rounds[0]]
    assert _pdf_at(organizer, links[rounds[0]]).endswith('-alvik-en.pdf"')


def test_the_page_speaks_swedish_on_a_swedish_page(organizer):
    organizer.get("/organizer/?lang=sv")
    response = organizer.get(f"{PATH}?area=bromma&lang=xx")
    page = html.unescape(response.get_data(as_text=True))
    assert "Det finns ingen pappersenkät på språket ”xx”." in page
    assert "Välj ett av de här språken:" in page
    assert "Tillbaka till att mata in pappersenkäter" in page


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
    page = organizer.get("/organizer/paper", follow_redirects=True).get_data(as_text=True)
    assert 'action="/organizer/paper/questionnaire.pdf"' in page
    for slug in ("brommaplan", "vallingby-centrum", "stenhamra"):
        assert f'<option value="{slug}">' in page
    assert 'name="lang"' in page

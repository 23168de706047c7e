"""Who asks, the privacy notice, the accessibility statement and the compact survey."""

from __future__ import annotations

import re

import pytest

ASKED_BY = "Polisen i lokalpolisområde Vällingby och Stockholms stad"
ASKED_BY_EN = "The Swedish Police in Vällingby local police area and the City of Stockholm"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/s/alvik",
        "/s/alvik/tack",
        "/integritet",
        "/tillganglighet",
        "/radera",
        "/qr/alvik",
        "/uppfoljning",
        "/nowhere",
    ],
)
def test_the_footer_links_privacy_accessibility_and_deletion(client, path):
    page = client.get(path + "?lang=en").get_data(as_text=True)
    footer = page.split('<footer class="site-footer">')[1]
    assert 'href="/integritet"' in footer
    assert '<a href="/tillganglighet">Accessibility statement</a>' in footer
    assert '<a href="/radera">Delete my answers</a>' in footer


@pytest.mark.parametrize("path", ["/s/alvik", "/qr/alvik", "/integritet"])
def test_who_asks_is_named(client, path):
    # The default name is the app's own: shown in the reader's language.
    page = client.get(path + "?lang=en").get_data(as_text=True)
    assert f"The survey is done by {ASKED_BY_EN}." in page
    assert ASKED_BY in client.get(path + "?lang=sv").get_data(as_text=True)


def test_who_asks_comes_from_the_config(make_app):
    app = make_app(TRYGGHET_ASKED_BY="Polisen i Exempelstad och Exempelstads kommun")
    page = app.test_client().get("/s/alvik?lang=en").get_data(as_text=True)
    assert "Polisen i Exempelstad och Exempelstads kommun" in page
    assert ASKED_BY not in page


def test_the_survey_names_its_contact_before_the_first_question(client):
    page = client.get("/s/alvik?lang=en").get_data(as_text=True)
    asked = page.index("The survey is done by")
    assert asked < page.index("<fieldset")
    assert "registrator@polisen.se" in page[asked : page.index("<fieldset")]


def test_the_privacy_notice_has_basis_rights_complaint_and_dpo(client):
    page = client.get("/integritet?lang=en").get_data(as_text=True)
    assert "article 6.1 e" in page
    assert "right of access" in page
    assert "the receipt code is the only link" in page
    assert '<a href="/radera">Delete my answers</a>' in page
    assert "Integritetsskyddsmyndigheten, IMY" in page
    assert 'href="https://www.imy.se/"' in page
    assert "Data protection officer (dataskyddsombud): dataskyddsombud@polisen.se." in page
    assert "30 minutes" in page


def test_the_privacy_notice_discloses_both_cookies(client):
    page = client.get("/integritet?lang=en").get_data(as_text=True)
    assert "any cookie that could link" not in page
    cookies = page.split("Cookies in your browser")[1].split("<h2>")[0]
    assert "For 30 minutes after you answer it also holds your receipt code" in cookies
    assert "trygghet_answered" in cookies
    assert "kept for 120 days after your last answer" in cookies
    assert "the place is taken off the list" in cookies


def test_the_legal_basis_and_dpo_can_be_adapted(make_app):
    app = make_app(
        TRYGGHET_LEGAL_BASIS="Allmänt intresse enligt polislagen 2 §.",
        TRYGGHET_DPO_CONTACT="dso@kommun.example",
    )
    page = app.test_client().get("/integritet?lang=en").get_data(as_text=True)
    assert "Allmänt intresse enligt polislagen 2 §." in page
    assert "article 6.1 e" not in page
    assert "dso@kommun.example" in page


def test_the_accessibility_statement_follows_diggs_model(client):
    response = client.get("/tillganglighet?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in page
    assert "2018:1937" in page
    assert "What is not accessible?" in page
    assert "registrator@polisen.se" in page  # how to report, by default the contact
    assert 'href="https://www.digg.se/"' in page
    assert "29 November 2026" in page


def test_the_accessibility_contact_and_date_come_from_the_config(make_app):
    app = make_app(
        TRYGGHET_ACCESSIBILITY_CONTACT="tillganglighet@example.se",
        TRYGGHET_ACCESSIBILITY_ASSESSED="2027-03-01",
    )
    page = app.test_client().get("/tillganglighet?lang=en").get_data(as_text=True)
    assert "tillganglighet@example.se" in page
    assert "1 March 2027" in page


def test_the_survey_shows_parts_and_the_problems_as_a_matrix(client):
    page = client.get("/s/alvik?lang=en").get_data(as_text=True)
    steps = re.findall(r'<span class="section-step">Part (\d) of (\d)', page)
    assert steps == [(str(i), "6") for i in range(1, 7)]
    matrix = page.split('<div class="matrix">')[1].split("<section")[0]
    # One fieldset per problem, legend = the problem, every radio with its own label.
    assert matrix.count("<fieldset") == 11
    assert "<legend>Drug dealing</legend>" in matrix
    radios = re.findall(
        r'<input id="(problem_[a-z_]+-\d)" name="problem_[a-z_]+" type="radio"', matrix
    )
    assert len(radios) == 66
    for radio in radios:
        assert f'<label for="{radio}"><span class="visually-hidden">' in matrix
    # The headings are shown once, for the eye only (each radio's label says it).
    head = matrix.split('<div class="matrix-head" aria-hidden="true">')[1].split("</div>")[0]
    assert "Very big problem" in head
    # The times of day have seven answers, too many side by side: a list each, as before.
    assert "<legend>How safe do you feel here in the evening (18–22)?" in page


def test_an_error_in_the_matrix_is_linked_and_described(client):
    from tests.common.web import VALID_ANSWER, submit

    client.get("/?lang=en")
    response = submit(client, "alvik", VALID_ANSWER | {"problem_litter": "9"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#problem_litter-0"' in page
    assert 'id="problem_litter-0"' in page
    assert 'aria-describedby="problem_litter-error-1 "' in page

"""The organizer's invitation pages: the round's flag, letters, reminders, unused numbers."""

from __future__ import annotations

import io
import logging
import re

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Base, InvitationCode, SurveyRound
from survey.services.invitations import code_hash, normalize_code
from tests.common import factories
from tests.common.apps import SECRET_KEY
from tests.common.invitations import invitation_round, qr_texts
from tests.common.web import csrf_token, post_form
from tests.reports.test_letters_languages import _line_of
from tests.reports.test_paper_rtl import _pdftotext

ADDRESSES = "name,street,postcode,city\nCecilia Exempelsdotter,Hallonvägen 7,168 40,Bromma\n"


BASE_URL = "http://trygghet.test"


@pytest.fixture
def app(make_app, request):
    # Letters print the survey's address: without TRYGGHET_BASE_URL none are made.
    return make_app(TRYGGHET_BASE_URL=getattr(request, "param", BASE_URL))


@pytest.mark.parametrize("app", [None], indirect=True)
def test_without_a_public_address_no_letters_nor_reminders_are_made(app, client, auth):
    survey_round = _round(app)
    auth.login("admin")
    _english(client)
    page = client.get(f"/organizer/rounds/{survey_round.id}/invitations").get_data(as_text=True)
    assert "Set TRYGGHET_BASE_URL to the site's public address" in page
    assert "browsed by, trygghet.test, which residents may not reach" in page
    assert "Make codes and download the letters" not in page
    refused = _letters(client, survey_round.id)
    assert refused.status_code == 409
    assert refused.mimetype == "text/html"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvitationCode)) == 0
    reminders = client.post(
        f"/organizer/rounds/{survey_round.id}/invitations/reminders",
        data={
            "csrf_token": csrf_token(client, "/organizer/rounds"),
            "area": "bromma",
            "lang": "en",
        },
    )
    assert reminders.status_code == 409


def _english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _round(app) -> SurveyRound:
    with app.app_context():
        survey_round = factories.default_round()
        db.session.expunge(survey_round)
        return survey_round


def _letters(client, round_id: int, **data):
    page = f"/organizer/rounds/{round_id}/invitations"
    return client.post(
        f"{page}/letters",
        data={
            "csrf_token": csrf_token(client, page),
            "area": "bromma",
            "count": "2",
            "lang": "en",
            **data,
        },
        content_type="multipart/form-data",
    )


def test_the_flag_is_set_on_the_round_page(app, client, auth):
    auth.login("organizer")
    survey_round = _round(app)
    response = post_form(
        client,
        f"/organizer/rounds/{survey_round.id}/edit",
        {
            "name": survey_round.name,
            "areas": [a.id for a in factories_areas(app, survey_round.id)],
            "opens_on": survey_round.opens_on.isoformat(),
            "by_invitation": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        assert db.session.get(SurveyRound, survey_round.id).by_invitation


def factories_areas(app, round_id):
    with app.app_context():
        areas = db.session.get(SurveyRound, round_id).areas
        for area in areas:
            db.session.expunge(area)
        return areas


def test_a_round_with_letters_stays_by_invitation(app, client, auth):
    round_id, _codes = invitation_round(app, count=1)
    auth.login("organizer")
    _english(client)
    survey_round = _round(app)
    response = post_form(
        client,
        f"/organizer/rounds/{round_id}/edit",
        {
            "name": survey_round.name,
            "areas": [a.id for a in factories_areas(app, round_id)],
            "opens_on": survey_round.opens_on.isoformat(),
        },
    )
    assert response.status_code == 422
    assert "it stays by invitation" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SurveyRound, round_id).by_invitation


def test_admin_downloads_letters_with_addresses_that_are_not_kept(app, client, auth, caplog):
    round_id, _codes = invitation_round(app, count=1)
    auth.login("admin")
    _english(client)
    with caplog.at_level(logging.DEBUG):
        response = _letters(
            client,
            round_id,
            count="1",
            addresses=(io.BytesIO(ADDRESSES.encode()), "adresser.csv"),
        )
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    [page] = PdfReader(io.BytesIO(response.data)).pages
    words = " ".join(page.extract_text().split())
    assert "Cecilia Exempelsdotter" in words
    assert "Hallonvägen 7" in words
    assert "Letter number 2" in words  # after the letter made before
    printed = next(w for w in words.split() if len(w) == 11 and w[5] == "-")
    with app.app_context():
        stored = db.session.scalars(
            select(InvitationCode.code_hash).where(InvitationCode.number == 2)
        ).one()
        dump = "\n".join(
            str(row)
            for table in Base.metadata.sorted_tables
            for row in db.session.execute(select(table))
        )
    assert code_hash(SECRET_KEY, normalize_code(printed)) == stored
    for secret in ("Cecilia", "Exempelsdotter", "Hallonvägen", "168 40", "adresser"):
        assert secret not in dump
        assert secret not in caplog.text


def test_bad_letter_requests_store_nothing(app, client, auth):
    auth.login("admin")
    _english(client)
    survey_round = _round(app)
    # A round not by invitation.
    response = _letters(client, survey_round.id)
    assert response.status_code == 422
    assert "is not by invitation" in response.get_data(as_text=True)
    round_id, _codes = invitation_round(app, count=1)
    for data, message in (
        ({"count": "0"}, "Enter a number from 1 to 3,000: at most 3,000 letters a download"),
        ({"count": "3001"}, "For more, make several batches: each goes on from the last"),
        ({"area": "atlantis"}, "Choose one of the options shown."),
        (
            {"addresses": (io.BytesIO(b"name,street\nA,B\n"), "a.csv")},
            "line 1: the column postcode is missing",
        ),
        (
            {"addresses": (io.BytesIO(ADDRESSES.encode()), "a.csv")},
            "Letters asked for: 2; addresses in the file: 1.",
        ),
    ):
        response = _letters(client, round_id, **data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    with app.app_context():
        assert len(list(db.session.scalars(select(InvitationCode)))) == 1


def test_address_file_problems_are_in_swedish_beside_the_file(app, client, auth):
    auth.login("admin")
    client.get("/?lang=sv")
    round_id, _codes = invitation_round(app, count=1)
    for content, message in (
        (b"namn;gata\nA;B\n", "rad 1: kolumn 2 heter ”gata”, och det namnet känns inte igen"),
        (b"namn;ort\nA;B\n", "rad 1: kolumnen gatuadress saknas"),
        # The file's own name of the column ("namn", not "name"), in a Swedish sentence.
        (b"namn;gatuadress;postnummer;ort\n;G 1;123 45;O\n", "rad 2: kolumnen namn är tom"),
        # 0x81 is no character in UTF-8 nor in Windows-1252: the line is named.
        (b"namn;ort\nA;B\n\x81;C\n", "rad 3: filen är varken UTF-8- eller Latin-1-text"),
        (ADDRESSES.encode(), "Antal brev: 2, antal adresser i filen: 1."),
    ):
        response = _letters(client, round_id, lang="sv", addresses=(io.BytesIO(content), "a.csv"))
        assert response.status_code == 422, message
        page = response.get_data(as_text=True)
        error = re.search(r'id="addresses-error-1"><span[^>]*>[^<]*</span> ([^<]*)<', page)
        assert error, message
        assert message in error.group(1), (message, error.group(1))


EXCEL_ROWS = [
    ["namn", "gatuadress", "postnummer", "ort"],
    ["Örjan Åström", "Ölstavägen 3", "178 32", "EKERÖ"],
]


@pytest.mark.parametrize(
    ("separator", "encoding"),
    [
        # Excel's "CSV (semikolonavgränsad)" on a Swedish Windows writes Windows-1252: the
        # file was refused as "not UTF-8 text", and no letters were made.
        (";", "cp1252"),
        # Excel's "Unicode text" is UTF-16 with tabs: read as Windows-1252 it gave eight
        # messages about unknown and missing columns.
        ("\t", "utf-16"),
    ],
)
def test_an_address_file_as_swedish_excel_saves_it_prints(app, client, auth, separator, encoding):
    round_id, _codes = invitation_round(app, count=1)
    auth.login("admin")
    _english(client)
    excel = "".join(separator.join(row) + "\r\n" for row in EXCEL_ROWS)
    response = _letters(
        client,
        round_id,
        count="1",
        addresses=(io.BytesIO(excel.encode(encoding)), "urval.csv"),
    )
    assert response.status_code == 200, re.findall(r"error[^>]*>([^<]+)<", response.text)
    [page] = PdfReader(io.BytesIO(response.data)).pages
    words = " ".join(page.extract_text().split())
    assert "Örjan Åström" in words
    assert "Ölstavägen 3" in words
    assert "178 32 EKERÖ" in words


def test_an_organizer_cannot_make_letters_but_can_remind(app, client, auth):
    round_id, codes = invitation_round(app, count=3)
    auth.login("organizer")
    _english(client)
    page = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    assert "Make letters" not in page
    assert _letters(client, round_id).status_code == 403
    with app.app_context():
        code = db.session.scalars(select(InvitationCode).where(InvitationCode.number == 1)).one()
        code.used = True
        db.session.commit()
    response = client.post(
        f"/organizer/rounds/{round_id}/invitations/reminders",
        data={
            "csrf_token": csrf_token(client, f"/organizer/rounds/{round_id}/invitations"),
            "area": "bromma",
            "lang": "en",
        },
    )
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == 2
    assert "letter number 2" in pages[0].extract_text()
    assert not any(code in p.extract_text() for p in pages for code in codes)
    numbers = client.get(f"/organizer/rounds/{round_id}/invitations/unused.csv?area=bromma")
    assert numbers.get_data(as_text=True).splitlines() == [
        "round,area,number",
        f"{round_id},bromma,2",
        f"{round_id},bromma,3",
    ]
    assert (
        client.get(f"/organizer/rounds/{round_id}/invitations/unused.csv?area=atlantis").status_code
        == 400
    )
    page = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    assert "2 numbers (CSV)" in page


def test_letters_are_offered_in_every_language_and_persian_runs_right_to_left(
    app, client, auth, tmp_path
):
    round_id, _codes = invitation_round(app, count=1)
    auth.login("admin")
    _english(client)
    page = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    for code, name in [("ar", "العربية"), ("fa", "فارسی"), ("fi", "Suomi"), ("so", "Soomaali")]:
        assert f'<option value="{code}">{name}</option>' in page
    response = _letters(client, round_id, count="1", lang="fa")
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    with app.test_request_context(), force_locale("fa"):
        label = gettext("Your personal code:")
    line = _line_of(_pdftotext(response.data, "-layout"), label)
    assert len(line) - len(line.lstrip()) > 40, line  # at the right margin
    # Its QR code opens the survey in Persian, whatever the phone's language.
    [address] = qr_texts(response.data, tmp_path)
    assert address.startswith(f"{BASE_URL}/k/")
    assert address.endswith("?lang=fa")
    # A language the app does not have is refused on the field, and no code is made.
    before = _codes_made(app)
    refused = _letters(client, round_id, count="1", lang="de")
    assert refused.status_code == 422
    assert _codes_made(app) == before


def _codes_made(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(InvitationCode.id)).all())


def test_the_letters_form_says_how_many_a_download_makes_in_the_page_s_language(app, client, auth):
    # One download is one request: the form keeps it small enough to be ready before a proxy
    # gives up, and says so in Swedish with the number grouped as Swedish writes it.
    auth.login("admin")
    client.get("/?lang=sv")
    round_id, _codes = invitation_round(app, count=1)
    page = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    assert "Högst 3\N{NO-BREAK SPACE}000 per nedladdning" in page
    response = _letters(client, round_id, count="3001", lang="sv")
    assert response.status_code == 422
    said = response.get_data(as_text=True)
    assert (
        "Ange ett tal från 1 till 3\N{NO-BREAK SPACE}000: högst 3\N{NO-BREAK SPACE}000 brev" in said
    )
    with app.app_context():
        assert len(list(db.session.scalars(select(InvitationCode)))) == 1

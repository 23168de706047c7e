"""trygghet invitations: letters with codes (and addresses), reminders, refusals."""

from __future__ import annotations

import io
import logging

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, Base, InvitationCode
from survey.services.invitations import ALPHABET, code_hash, normalize_code
from tests.common import factories
from tests.common.apps import SECRET_KEY
from tests.common.invitations import invitation_round, qr_texts
from tests.reports.test_letters_languages import _words
from tests.reports.test_paper_rtl import _pdftotext

SITE = {"TRYGGHET_BASE_URL": "https://trygghet.example.se"}
ADDRESSES = (
    "namn;gatuadress;postnummer;ort\n"
    "Astrid Testsson;Blåbärsvägen 12;168 50;Bromma\n"
    "Bertil Provström;Lingonstigen 3 lgh 1101;167 71;Bromma\n"
)


def _pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def _by_invitation(app) -> int:
    with app.app_context():
        survey_round = factories.default_round()
        survey_round.by_invitation = True
        db.session.commit()
        return survey_round.id


def _codes(app) -> list[tuple[int, str, bool]]:
    with app.app_context():
        rows = db.session.execute(
            select(InvitationCode.number, InvitationCode.code_hash, InvitationCode.used).order_by(
                InvitationCode.number
            )
        )
        return [tuple(row) for row in rows]


def test_one_letter_and_one_reminder_are_counted_in_the_singular(app, cli, tmp_path):
    """They said "1 letters for bromma (numbers 1-1)" and "1 reminders"."""
    round_id = _by_invitation(app)
    common = ["--round", str(round_id), "--area", "bromma"]
    letters = tmp_path / "letters.pdf"
    result = cli("invitations", "create", *common, "--count", "1", "--out", str(letters), env=SITE)
    assert result.exit_code == 0, result.output
    assert "1 letter for bromma (number 1) written to" in result.output
    reminders = tmp_path / "reminders.pdf"
    result = cli("invitations", "remind", *common, "--out", str(reminders), env=SITE)
    assert result.exit_code == 0, result.output
    assert "1 reminder for bromma written to" in result.output


def test_create_writes_one_letter_per_code_and_stores_only_hashes(app, cli, tmp_path):
    round_id = _by_invitation(app)
    out = tmp_path / "letters.pdf"
    result = cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "3",
        "--out",
        str(out),
        "--lang",
        "en",
        env=SITE,
    )
    assert result.exit_code == 0, result.output
    assert "3 letters for bromma (numbers 1-3)" in result.output
    pages = _pages(out.read_bytes())
    assert len(pages) == 3
    stored = _codes(app)
    assert [number for number, _hash, _used in stored] == [1, 2, 3]
    for page, (number, hashed, used) in zip(pages, stored, strict=True):
        assert f"Letter number {number}" in page
        assert "trygghet.example.se/k" in page
        assert "Vällingby local police area" in page  # who asks, from the config
        # The printed code is the one whose keyed hash is stored; the clear code is not.
        printed = [w for w in page.split() if len(w) == 11 and w[5] == "-"]
        code = normalize_code(printed[0])
        assert code is not None
        assert set(code) <= set(ALPHABET)
        assert code_hash(SECRET_KEY, code) == hashed
        assert not used
        assert code not in hashed
    # Each letter's QR code (drawn, not an image) leads to /k/<its own code>, in English.
    read = qr_texts(out.read_bytes(), tmp_path)
    assert len(read) == 3
    for text, (_number, hashed, _used) in zip(read, stored, strict=True):
        address, _sep, query = text.partition("?")
        assert address.startswith("https://trygghet.example.se/k/")
        assert code_hash(SECRET_KEY, address.rsplit("/", 1)[1]) == hashed
        assert query == "lang=en"
    # A second batch goes on numbering.
    again = cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "2",
        "--out",
        str(out),
        env=SITE,
    )
    assert again.exit_code == 0, again.output
    assert [n for n, _h, _u in _codes(app)] == [1, 2, 3, 4, 5]


def test_letters_name_the_questionnaire_s_languages(app, cli, tmp_path):
    round_id = _by_invitation(app)
    out = tmp_path / "letters.pdf"
    cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "1",
        "--out",
        str(out),
        "--lang",
        "en",
        env=SITE,
    )
    [page] = _pages(out.read_bytes())
    # Questionnaire version 1 is written in Swedish, English, Arabic, Persian, Finnish and Somali.
    assert "You can answer in: Swedish, Arabic, English, Finnish, Persian, Somali." in page


def test_addresses_are_printed_and_never_stored_or_logged(app, cli, tmp_path, caplog):
    round_id = _by_invitation(app)
    addresses = tmp_path / "adresser.csv"
    addresses.write_text(ADDRESSES, encoding="utf-8")
    out = tmp_path / "letters.pdf"
    with caplog.at_level(logging.DEBUG):
        result = cli(
            "invitations",
            "create",
            "--round",
            str(round_id),
            "--area",
            "bromma",
            "--count",
            "2",
            "--out",
            str(out),
            "--addresses",
            str(addresses),
            env=SITE,
        )
    assert result.exit_code == 0, result.output
    pages = _pages(out.read_bytes())
    assert "Astrid Testsson" in pages[0]
    assert "Blåbärsvägen 12" in pages[0]
    assert "Bertil Provström" in pages[1]
    assert "167 71 Bromma" in pages[1]
    secrets = ("Astrid", "Testsson", "Blåbär", "Provström", "Lingonstigen", "168 50", "adresser")
    logged = caplog.text + result.output
    assert not [s for s in secrets if s in logged]
    # Nothing from the file anywhere in the database: every text column of every table.
    with app.app_context():
        dump = "\n".join(
            str(row)
            for table in Base.metadata.sorted_tables
            for row in db.session.execute(select(table))
        )
    assert "Bromma" in dump  # the dump holds the data (the area's name)
    assert not [s for s in secrets if s in dump]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "atlantis", "--count", "3"], "There is no area “atlantis”"),
        (["--area", "bromma", "--count", "0"], "The number of codes must be from 1 to 20000"),
        (["--area", "bromma", "--count", "-5"], "The number of codes must be from 1 to 20000"),
        (["--area", "bromma", "--count", "1000000"], "must be from 1 to 20000"),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(app, cli, tmp_path, args, message):
    round_id = _by_invitation(app)
    out = tmp_path / "letters.pdf"
    result = cli(
        "invitations", "create", "--round", str(round_id), *args, "--out", str(out), env=SITE
    )
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert _codes(app) == []


def test_a_round_not_by_invitation_is_refused(app, cli, tmp_path):
    with app.app_context():
        round_id = factories.default_round().id
    result = cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "3",
        "--out",
        str(tmp_path / "x.pdf"),
        env=SITE,
    )
    assert result.exit_code == 1
    assert "is not by invitation" in result.output
    assert _codes(app) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("namn;ort\nA;B\n", "line 1: the column street is missing"),
        (
            "namn;gatuadress;postnummer;ort\nA;Gatan 1;123 45\n",
            "line 2: 3 fields, the header has 4",
        ),
        (
            "namn;gatuadress;postnummer;ort\nA;Gatan 1;123 45;Ort\n;Gatan 2;123 45;Ort\n",
            # The column as the file names it, not as the code does ("name").
            "line 3: namn is empty",
        ),
        (
            # The same person twice would get two codes: case and spaces do not tell them apart.
            "namn;gatuadress;postnummer;ort\nAnna Berg;Gatan 1;123 45;Ort\n"
            "anna  berg;Gatan 1;123 45;ORT\n",
            "line 3: the same name and address as line 2.",
        ),
        (
            "namn;gatuadress;postnummer;ort;telefon\nA;G;1;O\n",
            "line 1: column 5 is called “telefon”, not a name known here",
        ),
    ],
)
def test_a_malformed_address_file_is_refused_by_line(app, cli, tmp_path, text, expected):
    round_id = _by_invitation(app)
    addresses = tmp_path / "a.csv"
    addresses.write_text(text, encoding="utf-8")
    result = cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "2",
        "--out",
        str(tmp_path / "x.pdf"),
        "--addresses",
        str(addresses),
        env=SITE,
    )
    assert result.exit_code == 1
    assert expected in result.output
    assert _codes(app) == []
    with app.app_context():
        assert not db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "invitations.create")
        )


def test_a_file_without_its_header_row_is_refused_without_repeating_the_address(app):
    from flask_babel import force_locale

    from survey.imports.addresses import AddressError, read_addresses

    headless = "Anna Berg;Storgatan 1;123 45;Bromma\nBo Ek;Ekvägen 2;123 46;Bromma\n"
    with app.test_request_context(), force_locale("en"), pytest.raises(AddressError) as refused:
        read_addresses(headless.encode(), 2)
    said = " ".join(refused.value.problems)
    assert said.startswith("line 1 is not a header row: name the columns on it (name, c/o,")
    assert "Anna" not in said
    assert "Storgatan" not in said


def test_address_count_must_match(app, cli, tmp_path):
    round_id = _by_invitation(app)
    addresses = tmp_path / "a.csv"
    addresses.write_text(ADDRESSES, encoding="utf-8")
    result = cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "5",
        "--out",
        str(tmp_path / "x.pdf"),
        "--addresses",
        str(addresses),
        env=SITE,
    )
    assert result.exit_code == 1
    assert "--count is 5, the address file has 2: one letter per address" in result.output
    assert _codes(app) == []


def test_remind_names_the_unused_letters_by_number(app, cli, client, tmp_path):
    round_id = _by_invitation(app)
    letters = tmp_path / "letters.pdf"
    cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "3",
        "--out",
        str(letters),
        env=SITE,
    )
    with app.app_context():
        second = db.session.scalars(select(InvitationCode).where(InvitationCode.number == 2)).one()
        second.used = True
        db.session.commit()
    out = tmp_path / "reminders.pdf"
    numbers = tmp_path / "unused.csv"
    result = cli(
        "invitations",
        "remind",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--out",
        str(out),
        "--csv",
        str(numbers),
        "--lang",
        "en",
        env=SITE,
    )
    assert result.exit_code == 0, result.output
    assert "2 reminders for bromma" in result.output
    pages = _pages(out.read_bytes())
    assert len(pages) == 2
    assert "letter number 1" in pages[0]
    assert "letter number 3" in pages[1]
    assert "Use the code in the letter you got" in pages[0]
    assert numbers.read_text().splitlines() == [
        "round,area,number",
        f"{round_id},bromma,1",
        f"{round_id},bromma,3",
    ]
    # The used mark survived the rewrite of the round's codes.
    assert [used for _n, _h, used in _codes(app)] == [False, True, False]


def test_remind_with_the_mailing_house_s_numbered_addresses(app, cli, tmp_path):
    round_id = _by_invitation(app)
    cli(
        "invitations",
        "create",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--count",
        "2",
        "--out",
        str(tmp_path / "l.pdf"),
        env=SITE,
    )
    addresses = tmp_path / "a.csv"
    addresses.write_text(
        "number,name,street,postcode,city\n2,Bertil P,Gatan 2,167 71,Bromma\n", encoding="utf-8"
    )
    out = tmp_path / "r.pdf"
    refused = cli(
        "invitations",
        "remind",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--out",
        str(out),
        "--addresses",
        str(addresses),
        env=SITE,
    )
    assert refused.exit_code == 1
    assert "no address for 1 unused letter number(s): 1" in refused.output
    addresses.write_text(
        "number,name,street,postcode,city\n2,Bertil P,Gatan 2,167 71,Bromma\n"
        "1,Astrid T,Gatan 1,168 50,Bromma\n",
        encoding="utf-8",
    )
    result = cli(
        "invitations",
        "remind",
        "--round",
        str(round_id),
        "--area",
        "bromma",
        "--out",
        str(out),
        "--addresses",
        str(addresses),
        env=SITE,
    )
    assert result.exit_code == 0, result.output
    pages = _pages(out.read_bytes())
    assert "Astrid T" in pages[0]
    assert "Bertil P" in pages[1]


@pytest.mark.parametrize(("lang", "exit_code"), [("ar", 0), ("so", 0), ("de", 2)])
def test_letters_in_every_language_of_the_survey(app, cli, tmp_path, lang, exit_code):
    round_id = _by_invitation(app)
    out = tmp_path / "letters.pdf"
    args = ["--round", str(round_id), "--area", "bromma", "--out", str(out), "--lang", lang]
    result = cli("invitations", "create", "--count", "1", *args, env=SITE)
    assert result.exit_code == exit_code, result.output
    if exit_code:
        assert "'de' is not one of" in result.output
        assert _codes(app) == []
        return
    with app.test_request_context(), force_locale(lang):
        thanks = gettext("Thank you for your help!")
    assert thanks != "Thank you for your help!"
    assert _words(thanks) <= _words(_pdftotext(out.read_bytes()))
    reminders = tmp_path / "reminders.pdf"
    result = cli(
        "invitations", "remind", *args[:4], "--out", str(reminders), "--lang", lang, env=SITE
    )
    assert result.exit_code == 0, result.output
    assert _words(thanks) <= _words(_pdftotext(reminders.read_bytes()))


def test_withdraw_letters_never_mailed(app, cli):
    round_id, _codes_made = invitation_round(app, count=5)
    with app.app_context():
        code = db.session.scalars(select(InvitationCode).where(InvitationCode.number == 2)).one()
        code.used = True
        db.session.commit()
    args = ("invitations", "withdraw", "--round", str(round_id), "--area", "bromma")
    refused = cli(*args, "--first", "2", "--last", "5")
    assert refused.exit_code == 1
    assert "Letter 2 has been answered" in refused.output
    assert [n for n, _hash, _used in _codes(app)] == [1, 2, 3, 4, 5]
    done = cli(*args, "--first", "3", "--last", "5")
    assert done.exit_code == 0, done.output
    assert "3 letters withdrawn for bromma (numbers 3-5)" in done.output
    assert [n for n, _hash, _used in _codes(app)] == [1, 2]

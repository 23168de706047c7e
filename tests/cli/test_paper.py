"""trygghet paper: the printable questionnaire of a place or an area, as the download gives it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

SITE = {"TRYGGHET_BASE_URL": "https://trygghet.example.se/enkat"}


def _words(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_a_place_s_form_in_english(cli, tmp_path):
    out = tmp_path / "brommaplan.pdf"
    result = cli("paper", "--lang", "en", "--place", "brommaplan", "--out", str(out), env=SITE)
    assert result.exit_code == 0, result.output
    assert f"paper questionnaire for brommaplan (en) written to {out}" in result.output
    words = _words(out.read_bytes())
    assert "Place: Brommaplan (Bromma)" in words
    assert "https://trygghet.example.se/enkat/s/brommaplan" in words
    assert "What is your connection to this place?" in words
    assert "Is there anything else you want to tell us about this place?" in words


def test_an_area_s_form_in_swedish_lists_its_places(cli, tmp_path):
    out = tmp_path / "ekero.pdf"
    assert cli("paper", "--area", "ekero", "--out", str(out), env=SITE).exit_code == 0
    words = _words(out.read_bytes())
    assert "Vilken är din koppling till platsen?" in words
    for name in ("Drottningholm", "Ekerö centrum", "Stenhamra"):
        assert name in words
    assert "https://trygghet.example.se/enkat/#area-ekero" in words


def test_the_pdf_can_go_to_standard_output(cli):
    result = cli("paper", "--place", "alvik", env=SITE)
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--place", "alvik", "--area", "bromma"], SITE, "give either --place SLUG or --area"),
        ([], SITE, "give either --place SLUG or --area"),
        (["--place", "alvik"], {}, "set TRYGGHET_BASE_URL"),
        (["--place", "nowhere"], SITE, "There is no place “nowhere”."),
        (["--area", "bromma", "--round", "999"], SITE, "There is no survey round 999."),
        (["--place", "alvik", "--lang", "de"], SITE, "Invalid value for '--lang'"),
    ],
)
def test_a_bad_request_ends_with_a_message_and_no_file(cli, tmp_path, args, env, message):
    out = tmp_path / "form.pdf"
    result = cli("paper", *args, "--out", str(out), env=env)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_the_command_prints_a_persian_form_right_to_left(cli, tmp_path):
    out = tmp_path / "form-fa.pdf"
    result = cli("paper", "--place", "alvik", "--lang", "fa", "--out", str(out), env=SITE)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/Lang (fa)" in data or b"/Lang(fa)" in data
    assert b"DejaVuSansOblique" not in data  # no Arabic letters in it: upright instead

"""trygghet lagesbild in every format: the same figures, suppressed cells never shown."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.common.picture_data import build


@pytest.fixture
def data(app):
    with app.app_context():
        build()


def test_json_for_one_area(data, cli):
    result = cli("lagesbild", "--area", "bromma", "--format", "json")
    assert result.exit_code == 0, result.output
    picture = json.loads(result.output)
    assert picture["area"] == "bromma"
    assert picture["suppress_below"] == 10


def test_the_area_may_be_given_without_its_option(data, cli):
    # "trygghet lagesbild bromma" is what an organizer types first.
    given, named = (
        json.loads(cli("lagesbild", *args).output) for args in (["bromma"], ["--area", "bromma"])
    )
    assert given["area"] == "bromma"
    assert given | {"generated_at": None} == named | {"generated_at": None}
    both = cli("lagesbild", "bromma", "--area", "ekero")
    assert both.exit_code == 2
    assert "two areas given" in both.output


def test_json_for_every_area_is_a_list(data, cli):
    pictures = json.loads(cli("lagesbild", "--format", "json").output)
    assert [p["area"] for p in pictures] == ["bromma", "ekero", "hasselby-vallingby"]


def test_csv_holds_the_tables_and_neutralises_formulas(data, cli):
    result = cli("lagesbild", "--area", "bromma", "--format", "csv")
    assert result.output.startswith("\ufeff")  # the byte-order mark Excel needs
    rows = list(csv.reader(io.StringIO(result.output.removeprefix("\ufeff"))))
    names = [row[1] for row in rows if row and row[0] == "table"]
    assert names == [
        "unsafe_by_time",
        "problems",
        "shares",
        "police_priorities",
        "unsafe_by_group",
        "priorities",
        "deviations",
        "dialogue_mentions",
        "followup",
    ]
    evening = [r for r in rows if len(r) > 3 and r[1] == "brommaplan" and r[3] == "evening"]
    assert evening[0][6] == str(round(8 / 11, 4))
    alvik = [r for r in rows if len(r) > 3 and r[1] == "alvik" and r[3] == "evening"][0]
    assert alvik[5] == "True"
    assert alvik[6:] == ["", "", ""]


def test_xlsx_reads_back_with_the_same_figures(data, cli, tmp_path):
    out = tmp_path / "bild.xlsx"
    assert (
        cli("lagesbild", "--area", "bromma", "--format", "xlsx", "--out", str(out)).exit_code == 0
    )
    book = load_workbook(out)
    assert book.sheetnames[:2] == ["unsafe_by_time", "problems"]
    rows = list(book["unsafe_by_time"].iter_rows(values_only=True))
    evening = [r for r in rows if r[1] == "brommaplan" and r[3] == "evening"][0]
    assert evening[6] == pytest.approx(8 / 11, abs=1e-4)
    alvik = [r for r in rows if r[1] == "alvik" and r[3] == "evening"][0]
    assert alvik[6] is None


def test_html_report_shows_figures_and_hides_small_cells(data, cli):
    page = cli("lagesbild", "--area", "bromma", "--format", "html", "--lang", "en").output
    assert page.startswith("<!doctype html>")
    assert '<html lang="en">' in page
    assert "<svg" in page
    assert "Brommaplan" in page
    assert "too few answers" in page
    # 8 of 11 feel unsafe in the evening ("73%" in English, "73 %" in Swedish).
    assert re.search(r"\b73(\s|\u00a0)?%", page)


def test_pdf_has_searchable_text(data, cli, tmp_path):
    out = tmp_path / "bild.pdf"
    result = cli("lagesbild", "--area", "bromma", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Brommaplan" in text
    assert "för få svar" in text
    assert "Misshandel" in text
    # One dialogue is "1 dialog", not "1 dialoger".
    assert re.search(r"\b1 dialog med \d+ invånare", text)
    assert "1 dialoger" not in text


def test_bad_arguments(data, cli):
    result = cli("lagesbild", "--area", "atlantis")
    assert result.exit_code == 1
    assert "unknown area 'atlantis'" in result.output
    result = cli("lagesbild", "--from", "2026-05-01", "--to", "2026-01-01")
    assert result.exit_code == 2
    assert "--from is after --to" in result.output


def test_an_unknown_round_is_named(data, cli):
    result = cli("lagesbild", "--round", "999")
    assert result.exit_code == 2
    assert "there is no survey round 999" in result.output

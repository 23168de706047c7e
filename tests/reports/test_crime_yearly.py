"""Brå's yearly figures on the dashboard, in the PDF report and in the CSV/XLSX export.

The file is shaped like a statistics database export (its figures are invented, see
tests/imports/data/bra/README.md); the change and its interval come from analysis/yearly.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from analysis.survey import Filters
from analysis.yearly import rate_ratio
from survey.extensions import db
from survey.imports.crime import import_crime
from survey.reports.pictures import build_pictures
from survey.reports.writers import write_pictures
from survey.reports.yearly import yearly_rows
from tests.common.pdf import report_pages

BRA = Path(__file__).resolve().parents[1] / "imports" / "data" / "bra"
EXPORT = BRA / "statistikdatabas_brottskategori_region_2022_2023.csv"
LEGEND = ".. means that Brå publishes no figure: it is missing, not 0."


@pytest.fixture
def bra_years(app):
    with app.app_context():
        import_crime(db.session, EXPORT, today=dt.date(2026, 11, 29))
        db.session.commit()
    return app


def _dashboard_rows(client) -> dict[str, str]:
    html = client.get("/organizer/areas/bromma?lang=en").get_data(as_text=True)
    body = html.split('class="data crime-yearly"')[1].split("</table>")[0].split("<tbody>")[1]
    rows = {}
    for row in body.split("</tr>")[:-1]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
        rows[cells[0]] = " ".join(" | ".join(cells[1:]).split())
    return rows


def test_the_dashboard_shows_each_category_with_its_change_in_words(bra_years, auth):
    auth.login("organizer")
    rows = _dashboard_rows(auth.client)
    assert len(rows) == 10
    # 2,483 to 2,590: +4 %, an interval that holds no change.
    theft = rate_ratio(2590, 2483)
    assert theft.low < 1 < theft.high
    low, high = round(100 * (1 - theft.low)), round(100 * (theft.high - 1))
    assert (low, high) == (1, 10)
    assert rows["Stöldbrott"] == (
        "2023 | 2,590 | 2,483 | +4% | −1% to +10% | A change within the uncertainty."
    )
    # 402 to none: clearly fewer.
    assert rows["Skadegörelsebrott › Klotter"].endswith("| Clearly fewer than the year before.")
    assert rows["Skadegörelsebrott › Klotter"].startswith("2023 | 0 | 402 | −100% |")
    # Suppressed by Brå both years: no count, nothing to compare. Written '..' as Brå does
    # ('–' is Brå's 0), with a note under the table.
    assert rows["Stöldbrott › Inbrottsstöld › i källare och vind"] == (
        "2023 | .. | .. | | | No figure for the year before to compare with."
    )
    assert LEGEND in auth.client.get("/organizer/areas/bromma?lang=en").get_data(as_text=True)


def test_an_area_without_yearly_figures_has_no_such_table(bra_years, auth):
    auth.login("organizer")
    html = auth.client.get("/organizer/areas/ekero?lang=en").get_data(as_text=True)
    assert "crime-yearly" not in html


def _pictures(app, slug="bromma"):
    with app.test_request_context("/?lang=en"), db.engine.connect() as conn:
        return build_pictures(conn, [slug], Filters(), 10, locale="en")


def test_the_pdf_report_shows_the_yearly_figures(bra_years):
    part = _pdf_yearly(bra_years)
    assert "compared year with year, never month by month" in part
    assert "Clearly fewer than the year before." in part
    assert part.count("A change within the uncertainty.") >= 1
    assert "2,590" in part
    assert "2,483" in part


def test_the_csv_and_xlsx_exports_have_the_yearly_counts(bra_years):
    pictures = _pictures(bra_years)
    with bra_years.test_request_context("/?lang=en"):
        text = io.StringIO()
        write_pictures(pictures, "csv", text, "en")
        binary = io.BytesIO()
        write_pictures(pictures, "xlsx", binary, "en")
    lines = list(csv.reader(io.StringIO(text.getvalue().lstrip("\ufeff"))))
    start = lines.index(["table", "crime_yearly"])
    header = lines[start + 1]
    assert header == [
        "area",
        "category",
        "year",
        "count",
        "rate_ratio",
        "ci_low",
        "ci_high",
        "change_percent",
        "p_value",
        "changed",
    ]
    body = lines[start + 2 : lines.index([], start)]
    theft = [dict(zip(header, row, strict=True)) for row in body if row[1] == "Stöldbrott"]
    assert [(r["year"], r["count"], r["rate_ratio"]) for r in theft] == [
        ("2022", "2483", ""),
        ("2023", "2590", str(round(2590 / 2483, 4))),
    ]
    cellar = [r for r in body if r[1].endswith("i källare och vind")]
    assert [r[3] for r in cellar] == ["", ""]  # suppressed by Brå: missing, never 0
    sheet = load_workbook(io.BytesIO(binary.getvalue()))["crime_yearly"]
    assert sheet.max_row == len(body) + 1


@pytest.mark.parametrize("lang", ["sv", "en", "fi", "so"])
def test_the_pdf_table_breaks_its_headers_between_words(bra_years, lang):
    with bra_years.test_request_context(f"/?lang={lang}"):
        with db.engine.connect() as conn:
            pictures = build_pictures(conn, ["bromma"], Filters(), 10, locale=lang)
        out = io.BytesIO()
        write_pictures(pictures, "pdf", out, lang)
        with force_locale(lang):
            header = gettext("Change from the year before")
    words = set(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages)
        .replace("-", " ")
        .split()
    )
    # Each word of the header whole on some line ("Förändr" / "ing" before).
    assert set(header.replace("-", " ").split()) <= words


def test_a_suppressed_newest_year_shows_the_year_before_and_says_which_lacks(app, auth, tmp_path):
    path = tmp_path / "years.csv"
    text = "Brottskategori;Region;2022;2023\nBedrägeribrott;Bromma;100;..\n"
    path.write_text(text, encoding="utf-8")
    with app.app_context():
        import_crime(db.session, path, today=dt.date(2026, 11, 29))
        db.session.commit()
    auth.login("organizer")
    rows = _dashboard_rows(auth.client)
    # 2022's 100 was shown as '–' and the verdict blamed the year before.
    assert rows["Bedrägeribrott"] == (
        "2023 | .. | 100 | | | Brå gives no figure for this year: nothing to compare with."
    )


#: The tester's rows (invented figures): Brå's '-' (0) both years, '-' then a count, '..'.
TESTER = (
    "Brottskategori;Region;2022;2023\n"
    "Rån;Bromma;-;-\n"
    "Skottlossning;Bromma;-;12\n"
    "Sprängning;Bromma;-;2\n"
    "Narkotikabrott;Bromma;50;..\n"
)


@pytest.fixture
def tester_years(app, tmp_path):
    path = tmp_path / "years.csv"
    path.write_text(TESTER, encoding="utf-8")
    with app.app_context():
        import_crime(db.session, path, today=dt.date(2026, 11, 29))
        db.session.commit()
    return app


def test_none_in_either_year_is_said_so_not_a_missing_year_before(tester_years, auth):
    auth.login("organizer")
    rows = _dashboard_rows(auth.client)
    # Brå gave 0 for 2022: "No figure for the year before" was wrong.
    assert rows["Robbery"] == "2023 | 0 | 0 | | | No reported crimes in either year."
    # From 0: no size in per cent, an interval unbounded above.
    shots = rate_ratio(12, 0)
    assert round(100 * (shots.low - 1)) == 178
    assert rows["Skottlossning"] == (
        "2023 | 12 | 0 | up from 0 | +178% or more | Clearly more than the year before."
    )
    assert rows["Sprängning"] == (
        "2023 | 2 | 0 | up from 0 | −81% or more | A change within the uncertainty."
    )
    with tester_years.test_request_context("/?lang=sv"):
        with db.engine.connect() as conn:
            [picture] = build_pictures(conn, ["bromma"], Filters(), 10, locale="sv")
        robbery = next(i for i in picture["crime_yearly"] if i["category"] == "Rån")
        sv = {row["category"]: row for row in yearly_rows(picture)}
    # The JSON has the change: no ratio, nothing changed; null stays for a missing figure.
    assert robbery["change"]["rate_ratio"] is None
    assert (robbery["change"]["count"], robbery["change"]["previous_count"]) == (0, 0)
    assert robbery["change"]["changed"] is False
    assert sv["Rån"]["verdict"] == "Inga anmälda brott något av åren."
    assert sv["Skottlossning"]["change"] == "upp från 0"


def test_a_picture_made_before_still_says_none_in_either_year(app):
    """A stored picture has change null for 0 and 0: its counts still tell."""
    item = {"category": "Rån", "years": [{"year": 2022, "count": 0}, {"year": 2023, "count": 0}]}
    picture = {"crime_yearly": [item | {"change": None}]}
    with app.test_request_context("/?lang=en"):
        [row] = yearly_rows(picture)
    assert (row["count_text"], row["previous_text"]) == ("0", "0")
    assert row["verdict"] == "No reported crimes in either year."


def test_a_clear_change_never_has_a_bound_written_as_zero(bra_years, auth):
    """1,301 to 1,405: the lower bound is +0.08 %, was written "0 %" beside "Clearly more".

    As the survey's changes: the fewest decimals that write the bound apart from 0."""
    theft = rate_ratio(1405, 1301)
    assert 1 < theft.low < 1.001
    auth.login("organizer")
    rows = _dashboard_rows(auth.client)
    assert rows["Stöldbrott › Stöld utan inbrott"] == (
        "2023 | 1,405 | 1,301 | +8.0% | +0.1% to +16.5% | Clearly more than the year before."
    )
    # An interval that holds no change keeps whole per cent.
    assert rows["Stöldbrott"].startswith("2023 | 2,590 | 2,483 | +4% | −1% to +10% |")
    with bra_years.test_request_context("/?lang=sv"):
        with db.engine.connect() as conn:
            pictures = build_pictures(conn, ["bromma"], Filters(), 10, locale="sv")
        sv = {row["category"]: row for row in yearly_rows(pictures[0])}
    assert sv["Stöldbrott › Stöld utan inbrott"]["interval"] == "+0,1\xa0% till +16,5\xa0%"


def _pdf_yearly(app, lang="en") -> str:
    text = " ".join(" ".join(report_pages(app, lang)).split())
    return text.split("Reported crimes per year (Brå)")[1].split("What dialogues raised")[0]


def test_the_pdf_writes_missing_as_brå_does_and_keeps_bounds_apart_from_zero(bra_years):
    part = _pdf_yearly(bra_years)
    assert "+0.1% to +16.5%" in part
    assert "i källare och vind 2023 .. .." in part
    assert LEGEND in part
    # Brå's 0, never for a missing figure ("– –" was read as 0 both years).
    assert "– –" not in part
    assert not re.search(r"20\d\d –", part)


def test_the_pdf_says_none_in_either_year(tester_years):
    part = _pdf_yearly(tester_years)
    assert "No reported crimes in either year." in part
    assert "No figure for the year before" not in part
    assert "up from 0" in part

"""No output format shows a figure that the situation picture suppressed (issue 4).

The analysis suppresses (tests/analysis/test_suppression.py); these properties check that each
writer keeps it that way: a suppressed cell is written as empty figures (CSV, XLSX) or as
"too few answers" (HTML, PDF), never as a share, never as a made-up 0 %.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import delete

from analysis.picture import situation_picture
from analysis.survey import TIMES, Filters
from survey.extensions import db
from survey.models import Response
from survey.reports.writers import write_pictures
from tests.common.suppression import ANSWER, check
from tests.common.survey_data import add_responses

#: Columns of a CSV/XLSX table that carry a figure of the row's cell.
FIGURE_COLUMNS = {"unsafe_share", "share", "ci_low", "ci_high", "score", "score_ci_low"}
FIGURE_COLUMNS |= {"score_ci_high"}
TOO_FEW = {"sv": "för få svar", "en": "too few answers"}
#: A cell hidden although it rests on enough answers (secondary suppression).
PROTECTS = {"sv": "dold (skyddar andra rutor)", "en": "hidden (protects other cells)"}

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def picture_of(app: Flask, answers: list[dict[str, Any]], threshold: int) -> dict[str, Any]:
    """Store these answers (and only these) and build Bromma's situation picture."""
    with app.app_context():
        db.session.execute(delete(Response))
        db.session.commit()
        for answer in answers:
            add_responses(answer["place"], [{k: v for k, v in answer.items() if k != "place"}])
        with db.engine.connect() as conn:
            return situation_picture(conn, "bromma", Filters(), threshold)


def written(app: Flask, picture: dict[str, Any], fmt: str, locale: str = "sv") -> Any:
    """The picture as the CLI and the web write it: text or bytes."""
    stream: Any = io.BytesIO() if fmt in ("xlsx", "pdf") else io.StringIO()
    with app.test_request_context():
        write_pictures([picture], fmt, stream, locale)
    return stream.getvalue()


def check_table(name: str, rows: list[list[Any]], threshold: int) -> int:
    """Rows with n and suppressed columns: suppressed below the threshold, no figure if so."""
    header, *body = rows
    if "suppressed" not in header:
        return 0
    # A read-only XLSX row stops at its last non-empty cell.
    body = [list(row) + [None] * (len(header) - len(row)) for row in body]
    n_at, hidden_at = header.index("n"), header.index("suppressed")
    figures = [i for i, column in enumerate(header) if column in FIGURE_COLUMNS]
    for row in body:
        hidden = row[hidden_at] in (True, "True")
        if int(row[n_at]) < threshold:
            assert hidden, (name, row)
        if hidden:
            assert all(row[i] in (None, "") for i in figures), (name, row)
        else:
            assert all(row[i] not in (None, "") for i in figures[:3]), (name, row)
    return len(body)


def csv_tables(text: str) -> dict[str, list[list[str]]]:
    """The named tables of a situation-picture CSV file."""
    assert text.startswith("\ufeff")
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text[1:])):
        if row[:1] == ["table"]:
            current = found.setdefault(row[1], [])
        elif not row:
            current = None
        else:
            assert current is not None
            current.append(row)
    return found


class _TableCells(HTMLParser):
    """The text of every cell of every table row in an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def place_rows(rows: list[list[str]], picture: dict[str, Any]) -> dict[str, list[str]]:
    """The unsafe-share table's row of each place: name, n, then one cell per time."""
    names = {place["name"] for place in picture["places"]}
    found = {}
    for row in rows:
        if len(row) == 2 + len(TIMES) and row[0] in names and row[0] not in found:
            found[row[0]] = row
    return found


def assert_time_cells(row: list[str], place: dict[str, Any], locale: str, threshold: int) -> None:
    """Each time of a place's row: "too few answers" (under the threshold) or "hidden (protects
    other cells)", and no digit, when suppressed."""
    assert row[1] == str(place["n"]), row
    for time, text in zip(TIMES, row[2:], strict=True):
        cell = place["times"][time]
        if cell["suppressed"]:
            said = TOO_FEW if cell["n"] < threshold else PROTECTS
            assert text == said[locale], (time, row)
        else:
            share = round(place["times"][time]["unsafe_share"] * 100)
            # Swedish writes "67 %" (a no-break space), English "67%".
            expected = f"{share} %" if locale == "sv" else f"{share}%"
            assert text.replace("\xa0", " ").startswith(expected), (time, row, share)


@EXAMPLES
@given(answers=st.lists(ANSWER, max_size=25), threshold=st.integers(min_value=2, max_value=8))
def test_json_csv_and_xlsx_keep_suppressed_cells_empty(
    app: Flask, answers: list[dict[str, Any]], threshold: int
) -> None:
    picture = picture_of(app, answers, threshold)

    assert check(json.loads(written(app, picture, "json")), threshold) > 0

    tables = csv_tables(written(app, picture, "csv"))
    checked = sum(check_table(name, rows, threshold) for name, rows in tables.items())
    # The area and its 8 places, each with 4 times and 11 problems.
    assert checked >= 9 * (4 + 11)

    workbook = load_workbook(io.BytesIO(written(app, picture, "xlsx")), read_only=True)
    sheets = {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
    workbook.close()
    assert sum(check_table(name, rows, threshold) for name, rows in sheets.items()) == checked


@EXAMPLES
@given(
    answers=st.lists(ANSWER, max_size=25),
    threshold=st.integers(min_value=2, max_value=8),
    locale=st.sampled_from(["sv", "en"]),
)
def test_html_shows_too_few_answers_and_no_share(
    app: Flask, answers: list[dict[str, Any]], threshold: int, locale: str
) -> None:
    picture = picture_of(app, answers, threshold)
    parser = _TableCells()
    parser.feed(written(app, picture, "html", locale))
    rows = place_rows(parser.rows, picture)
    assert set(rows) == {place["name"] for place in picture["places"]}
    for place in picture["places"]:
        assert_time_cells(rows[place["name"]], place, locale, threshold)


#: A whole percentage as the PDF writes every share: "40 %".
PERCENT = re.compile(r"(\d+) %")


def shown_percentages(value: Any) -> set[int]:
    """Every share the picture shows (a suppressed cell has none), as whole percentages."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("share", "unsafe_share") and isinstance(inner, float | int):
                found.add(round(inner * 100))
            else:
                found |= shown_percentages(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= shown_percentages(inner)
    return found


@settings(EXAMPLES, max_examples=6)
@given(answers=st.lists(ANSWER, max_size=25), threshold=st.integers(min_value=2, max_value=8))
def test_pdf_prints_no_share_the_picture_does_not_show(
    app: Flask, answers: list[dict[str, Any]], threshold: int
) -> None:
    picture = picture_of(app, answers, threshold)
    reader = PdfReader(io.BytesIO(written(app, picture, "pdf")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # The method page speaks of "95 %" intervals; every other percentage is a shown share.
    allowed = shown_percentages(picture) | {95}
    printed = {int(number) for number in PERCENT.findall(text)}
    assert printed <= allowed, (printed - allowed, text)
    hidden = any(c["suppressed"] for p in picture["places"] for c in p["times"].values())
    assert TOO_FEW["sv"] in text or PROTECTS["sv"] in text or not hidden

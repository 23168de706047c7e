"""Issue 14: the PDF report prints the added questions' figures, and hides small cells.

Read back with pdftotext (the layout mode keeps a table row on one line).
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from flask import Flask

from analysis.stats import wilson
from analysis.survey import Filters
from survey import i18n
from survey.extensions import db
from survey.reports.pictures import build_pictures
from survey.reports.writers import write_pictures
from tests.common.item_data import record_version_2, three_places

NBSP = "\u00a0"


def _pdftotext(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed"
    out = subprocess.run(  # noqa: S603 (a fixed tool, our own file through a pipe)
        [tool, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return out.stdout.decode().replace(NBSP, " ")


@pytest.fixture
def report(app: Flask):
    with app.app_context():
        record_version_2()
        three_places()
    with app.test_request_context("/?lang=en"):
        with db.engine.connect() as conn:
            pictures = build_pictures(conn, ["bromma"], Filters(), 10, locale="en")
        out = io.BytesIO()
        write_pictures(pictures, "pdf", out, "en")
        return pictures[0], _pdftotext(out.getvalue())


def _section(text: str) -> str:
    """The report's part on added questions: from its heading to the next section's."""
    start = text.index("Added questions")
    return text[start : text.index("Priorities", start)]


def _line(text: str, start: str) -> str:
    """The first line starting so, its spaces (the layout's columns) made single."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return next(line for line in lines if line.startswith(start))


def test_the_report_prints_each_added_item_with_its_figures(app, report):
    picture, text = report
    section = _section(text)
    flat = " ".join(section.split())
    for label in (
        "The police are here when needed.",
        "How many years have you lived in the area?",
        "What have you seen here in the last year?",
        "What would make this place safer?",
    ):
        assert label in flat
    police = next(i for i in picture["items"] if i["code"] == "police_there")
    options = {o["value"]: o for o in police["area_total"]["options"]}
    with app.test_request_context("/?lang=en"):
        # The whole area's top box: 4 or 5 from 12 of 26 answers on the scale.
        low, high = wilson(12, 26)
        whole = f"{i18n.percent(12 / 26)} ({i18n.points(low)}–{i18n.points(high)})"
        low, high = wilson(7, 12)
        brommaplan = f"{i18n.percent(7 / 12)} ({i18n.points(low)}–{i18n.points(high)})"
        low, high = options["5"]["ci"]
        agree_fully = f"{i18n.percent(options['5']['share'])} ({i18n.points(low)}–"
    assert (whole, brommaplan) == ("46% (29–65)", "58% (32–81)")
    assert _line(section, "Brommaplan 12") == f"Brommaplan 12 {brommaplan}"
    assert whole in _line(section, "Whole area 26")
    assert f"Agree fully {agree_fully}" in flat
    assert "The shares rest on 26 answers." in flat
    # The number: the whole area's mean years with its t interval; Alvik's 30 years.
    years = next(i for i in picture["items"] if i["code"] == "years_in_area")
    mean, (low, high) = years["area_total"]["mean"], years["area_total"]["mean_ci"]
    assert f"Whole area 27 {mean:.1f} ({low:.1f}–{high:.1f})" in flat
    assert "Alvik 12 30.0 (30.0–30.0)" in flat
    # Multiple choice: each option's share of those who answered.
    assert "Noisy neighbours 50% (25–75)" in flat


def test_a_hidden_cell_prints_neither_its_figure_nor_its_count(report):
    picture, text = report
    section = _section(text)
    police = next(i for i in picture["items"] if i["code"] == "police_there")
    assert police["places"]["abrahamsberg"]["suppressed"]
    assert police["places"]["alvik"]["suppressed"]  # or the total would give it away
    rows = [" ".join(line.split()) for line in section.splitlines()]
    hidden = [row for row in rows if row.startswith("Abrahamsberg")]
    assert len(hidden) == 3  # the scale, the number and the free text each have a row
    for row in hidden:
        assert row in ("Abrahamsberg – too few answers", "Abrahamsberg –"), row
    alvik = [row for row in rows if row.startswith("Alvik")]
    # police_there: hidden with Abrahamsberg, on enough answers (not "too few answers")
    assert "Alvik – hidden (protects other cells)" in alvik
    # Alvik's top box (2 of 11) appears nowhere.
    assert "18%" not in section

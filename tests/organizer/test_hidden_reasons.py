"""Every organizer-side place says why a figure is hidden, as the tables do.

"Too few answers" only where the figure rests on fewer answers than the threshold; a figure
hidden so that others cannot be worked out (``protects``) says so: in the list of areas, the
PDF report, the charts and their texts, and the heat table's legend. The demo showed "för få
svar" for the safety score of Bromma's 724 answers, its police priorities in the PDF, a bar
of Blackeberg's 49 answers and the text of Ekerö's problem chart.
"""

from __future__ import annotations

import copy
import io
from typing import Any

import matplotlib
import pytest
from pypdf import PdfReader

from analysis.picture import situation_picture
from analysis.survey import Filters
from survey.extensions import db
from survey.organizer.areas import charts as area_charts
from survey.organizer.areas import views
from survey.reports import charts
from survey.reports.organizer_form import organizer_form
from survey.reports.writers import write_pictures
from tests.common.survey_data import add_responses

PROTECTS = {"sv": "dold (skyddar andra rutor)", "en": "hidden (protects other cells)"}
TOO_FEW = {"sv": "för få svar", "en": "too few answers"}
HIDDEN_PROTECTING = {"n": None, "suppressed": True, "protects": True}
HIDDEN_FEW = {"n": None, "suppressed": True, "protects": False}


@pytest.fixture
def picture(app) -> dict[str, Any]:
    """Bromma as organizers get it: Alvik and Brommaplan shown, with plenty of answers."""
    times = ("safety_day", "safety_afternoon", "safety_evening", "safety_night")
    with app.app_context():
        add_responses("alvik", [dict.fromkeys(times, "3")] * 30)
        add_responses("brommaplan", [dict.fromkeys(times, "2")] * 30)
        with db.engine.connect() as conn:
            raw = situation_picture(conn, "bromma", Filters(), 10)
    shown = organizer_form(raw)
    assert not shown["area_total"]["times"]["night"]["suppressed"]
    return shown


def _hide_area(picture: dict[str, Any], cell: dict[str, Any]) -> dict[str, Any]:
    """The picture with every figure of the whole area hidden as ``cell`` says."""
    hidden = copy.deepcopy(picture)
    total = hidden["area_total"]
    for group in ("times", "problems"):
        total[group] = {key: dict(cell) for key in total[group]}
    for key in ("avoided", "victim", "reported", "police_cares", "police_priorities"):
        total[key] = dict(cell)
    total["safety_index"] = None
    return hidden


def _hide_place(picture: dict[str, Any], slug: str, cell: dict[str, Any]) -> dict[str, Any]:
    """The picture with every time of day of one (shown) place hidden as ``cell`` says."""
    hidden = copy.deepcopy(picture)
    place = next(p for p in hidden["places"] if p["place"] == slug)
    place["times"] = {time: dict(cell) for time in place["times"]}
    place["safety_index"] = None
    return hidden


def _pdf_text(app, picture: dict[str, Any]) -> str:
    out = io.BytesIO()
    with app.test_request_context():
        write_pictures([picture], "pdf", out, "sv")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_list_of_areas_says_why_a_safety_score_is_hidden(app, auth, picture, monkeypatch, lang):
    protecting = _hide_area(picture, HIDDEN_PROTECTING)
    few = _hide_area(picture, HIDDEN_FEW)
    few.update(area="ekero", area_name="Ekerö")
    monkeypatch.setattr(views.pictures, "every_area", lambda *_args: [protecting, few])
    auth.login("organizer")
    html = auth.client.get(f"/organizer/areas?lang={lang}").get_data(as_text=True)
    bromma = html.split(">Bromma</a>", 1)[1].split("</tr>", 1)[0]
    assert PROTECTS[lang] in bromma
    assert TOO_FEW[lang] not in bromma
    ekero = html.split(">Ekerö</a>", 1)[1].split("</tr>", 1)[0]
    assert TOO_FEW[lang] in ekero
    assert PROTECTS[lang] not in ekero


def test_the_pdf_says_why_the_police_priorities_are_hidden(app, picture):
    heading = "Vad invånarna vill att polisen prioriterar"
    text = _pdf_text(app, _hide_area(picture, HIDDEN_PROTECTING))
    assert text.split(heading, 1)[1].strip().startswith(PROTECTS["sv"])
    text = _pdf_text(app, _hide_area(picture, HIDDEN_FEW))
    assert text.split(heading, 1)[1].strip().startswith(TOO_FEW["sv"])


def test_the_pdf_round_changes_say_why_a_side_is_hidden(app, picture):
    changed = copy.deepcopy(picture)
    shown = {"n": 30, "suppressed": False, "share": 0.5}
    changed["round_changes"] = {
        "from_round": {"id": 1, "name": "Hösten 2025"},
        "to_round": {"id": 2, "name": "Våren 2026"},
        "places": [
            {
                "place": "alvik",
                "name": "Alvik",
                "times": {
                    time: {"before": shown, "after": HIDDEN_PROTECTING, "direction": "x"}
                    for time in ("day", "afternoon", "evening", "night")
                },
            }
        ],
        "area_total": {
            "times": {
                time: {
                    "before": shown,
                    "after": shown,
                    "diff": 0.0,
                    "diff_ci": [-0.1, 0.1],
                    "direction": "no clear change",
                }
                for time in ("day", "afternoon", "evening", "night")
            }
        },
    }
    text = _pdf_text(app, changed)
    section = text.split("Förändring sedan förra omgången", 1)[1]
    alvik = section.split("Alvik", 1)[1].split("Hela området", 1)[0]
    assert PROTECTS["sv"] in alvik
    assert TOO_FEW["sv"] not in alvik


def _svg_text(svg: bytes) -> str:
    return svg.decode("utf-8")


@pytest.mark.parametrize(("cell", "words"), [(HIDDEN_PROTECTING, PROTECTS), (HIDDEN_FEW, TOO_FEW)])
def test_a_chart_bar_says_why_it_is_missing(app, picture, cell, words):
    hidden = _hide_place(picture, "alvik", cell)
    other = PROTECTS if words is TOO_FEW else TOO_FEW
    with app.test_request_context(), matplotlib.rc_context({"svg.fonttype": "none"}):
        places = _svg_text(charts.unsafe_by_time(hidden, "sv"))
        rows = area_charts.chart_input("problems", _hide_area(picture, cell), "sv")["rows"]
        problems = _svg_text(charts.problem_shares(rows, "sv", threshold=10))
    for svg in (places, problems):
        assert words["sv"] in svg
        assert other["sv"] not in svg


def test_the_dashboards_chart_texts_say_why_nothing_is_shown(app, picture):
    with app.test_request_context():
        protecting = _hide_area(picture, HIDDEN_PROTECTING)
        assert area_charts.alt_text("problems", protecting, "sv") == (
            "Alla problem är dolda för att skydda andra rutor."
        )
        few = _hide_area(picture, HIDDEN_FEW)
        assert area_charts.alt_text("problems", few, "sv") == (
            "För få svar för att visa något problem."
        )
        for slug in ("alvik", "brommaplan"):
            protecting = _hide_place(protecting, slug, HIDDEN_PROTECTING)
        assert charts.alt_text(protecting, "sv") == (
            "Alla platsers siffror är dolda för att skydda andra rutor."
        )


def test_the_heat_legend_names_each_reason_the_table_uses(app, auth):
    """Abrahamsberg's night under the threshold, Brommaplan's hidden with it (as in
    test_hidden_cells): the legend's gray names both; with nothing protecting, only one."""
    night = dict.fromkeys(("safety_day", "safety_afternoon", "safety_evening"), "2")
    with app.app_context():
        add_responses("abrahamsberg", [{**night, "safety_night": "3"}] * 3)
        add_responses("brommaplan", [{**night, "safety_night": "3"}] * 12)
        add_responses("alvik", [{**night, "safety_night": "3"}] * 15)
    auth.login("organizer")
    html = auth.client.get("/organizer/areas/bromma").get_data(as_text=True)
    legend = html.split('class="heat-legend', 1)[1].split("</p>", 1)[0]
    assert PROTECTS["sv"] in legend
    assert TOO_FEW["sv"] in legend

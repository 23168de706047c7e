"""What organizers get says no more than the figures shown: no count of a hidden figure, the
weighting as the page writes it, and no count of a few answers outside the margins.

A hidden cell's own n tells what the few answered ("did you report it" counts the victims, a
problem's n those who did not say "don't know"); the weighting's exact design effect, n_eff
and raking gap are functions of the answers per age band and gender.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from analysis.picture import situation_picture
from analysis.survey import Filters
from survey.extensions import db
from survey.reports.organizer_form import hide_counts, organizer_form
from survey.reports.weighting import weighting_text
from tests.analysis.test_weighting_default import EVEN_MARGINS, skewed_sample
from tests.common.survey_data import add_responses

BASE = "/organizer/areas/bromma"


def _hidden_cells(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every hidden cell under node with its path, but the places' and the area's own rows."""
    found = []
    if isinstance(node, dict):
        unit = "times" in node and ("place" in node or path.endswith("area_total"))
        if node.get("suppressed") is True and "n" in node and not unit:
            found.append((path, node))
        for key, value in node.items():
            found += _hidden_cells(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _hidden_cells(value, f"{path}/{i}")
    return found


@pytest.fixture
def small_place(app: Flask) -> None:
    """Four answers at Abrahamsberg: nobody a victim (so "did you report it" has n 0), two
    who call theft a big problem and two who do not know, two who are there at night."""
    with app.app_context():
        small = [
            {"victim": "no", "problem_theft": "3" if i < 2 else "dk"}
            | ({"safety_night": "3"} if i < 2 else {})
            for i in range(4)
        ]
        add_responses("abrahamsberg", small)
        add_responses("alvik", [{"victim": "yes", "reported": "no", "safety_night": "2"}] * 20)


def test_the_analysis_keeps_the_counts_the_audit_needs(app, small_place):
    with app.app_context(), db.engine.connect() as conn:
        picture = situation_picture(conn, "bromma", Filters(), 10)
    place = next(p for p in picture["places"] if p["place"] == "abrahamsberg")
    assert place["reported"]["n"] == 0
    assert place["problems"]["theft"]["n"] == 2


def test_a_hidden_figure_carries_no_count_in_the_json(small_place, auth):
    auth.login("organizer")
    response = auth.client.get(BASE + "/lagesbild.json")
    assert response.status_code == 200
    picture = response.get_json()
    place = next(p for p in picture["places"] if p["place"] == "abrahamsberg")
    assert place["n"] == 4  # the place's own count, as the dashboard lists it
    assert place["reported"] == {"n": None, "suppressed": True, "protects": False}
    assert place["problems"]["theft"]["n"] is None
    hidden = _hidden_cells(picture)
    assert hidden
    assert [path for path, cell in hidden if cell["n"] is not None] == []


def test_a_hidden_figure_carries_no_count_in_the_csv(small_place, auth):
    auth.login("organizer")
    text = auth.client.get(BASE + "/lagesbild.csv").get_data(as_text=True)
    rows = [row for row in csv.reader(io.StringIO(text)) if "abrahamsberg" in row]
    assert rows
    hidden = [row for row in rows if "True" in row or "true" in row]
    assert hidden
    # n is the column before "suppressed": empty wherever the figure is hidden.
    for row in hidden:
        at = row.index("True") if "True" in row else row.index("true")
        assert row[at - 1] == ""


def test_the_dashboard_shows_no_count_beside_a_hidden_figure(small_place, auth):
    auth.login("organizer")
    html = auth.client.get(BASE + "?lang=en").get_data(as_text=True)
    heat = html.split('class="data heat-table"', 1)[1]
    row = heat.split(">Abrahamsberg", 1)[1].split("</tr>")[0]
    assert "too few answers" in row
    assert "4 answers" in row  # the place's own count
    assert "2 answers" not in row  # the night's, two of the four


def test_a_cell_hidden_to_protect_others_keeps_its_reason():
    picture = {
        "suppress_below": 10,
        "n": 30,
        "places": [{"place": "a", "n": 30, "times": {"night": {"n": 12, "suppressed": True}}}],
        "area_total": {"n": 30, "times": {"night": {"n": 3, "suppressed": True}}},
    }
    shown = organizer_form(picture)
    assert shown["places"][0]["times"]["night"] == {"n": None, "suppressed": True, "protects": True}
    assert shown["area_total"]["times"]["night"]["protects"] is False
    assert shown["places"][0]["n"] == 30
    assert picture["places"][0]["times"]["night"]["n"] == 12  # the analysis' copy unchanged


def test_a_promise_follow_up_side_hides_its_count():
    result = {"indicators": [{"before": {"n": 3, "suppressed": True}, "after": {"n": 40}}]}
    hide_counts(result, 10)
    assert result["indicators"][0]["before"] == {"n": None, "suppressed": True, "protects": False}
    assert result["indicators"][0]["after"] == {"n": 40}


@pytest.fixture
def weighted(app: Flask, cli, tmp_path: Path) -> dict[str, Any]:
    """The skewed sample and one answer without a gender, weighted; the analysis' own picture."""
    margins = tmp_path / "margins.csv"
    margins.write_text(EVEN_MARGINS, "utf-8")
    assert cli("import", "population", "--year", "2025", str(margins)).exit_code == 0
    with app.app_context():
        skewed_sample()
        add_responses("brommaplan", [{"age_band": "16-24", "safety_evening": "4"}])
        with db.engine.connect() as conn:
            return situation_picture(conn, "bromma", Filters(), 10)


def test_the_json_export_carries_the_weighting_as_the_page_shows_it(weighted, auth):
    exact = weighted["weighting"]
    assert exact["design_effect"] != round(exact["design_effect"], 2)  # more than shown
    auth.login("organizer")
    weighting = auth.client.get(BASE + "/lagesbild.json").get_json()["weighting"]
    assert weighting["design_effect"] == round(exact["design_effect"], 2)
    assert weighting["n_eff"] == round(exact["n_eff"])
    assert isinstance(weighting["n_eff"], int)
    assert "max_gap" not in weighting
    assert "iterations" not in weighting
    assert weighting["converged"] is True
    # One answer without a gender: a count under the threshold, as a filter to it is refused.
    assert exact["outside_by"]["gender"] == 1
    assert weighting["outside_by"]["gender"] is None
    assert weighting["outside_margins"] is None
    page = auth.client.get(BASE + "?lang=en").get_data(as_text=True)
    deff = f"{round(exact['design_effect'], 2):.2f}"
    assert f"Design effect {deff}" in page
    assert f"as much as {round(exact['n_eff'])} answers" in page


def test_a_few_answers_outside_the_margins_are_some_answers(weighted, auth):
    auth.login("organizer")
    html = auth.client.get(BASE + "?lang=sv&age_band=16-24").get_data(as_text=True)
    assert "Några svar utan ett kön som finns i befolkningsuppgifterna" in html
    assert "1 svar utan ett kön" not in html
    # Asked for alone, the same answer is too few to be shown.
    alone = auth.client.get(BASE + "?lang=sv&age_band=16-24&gender=na").get_data(as_text=True)
    assert "Svar utan ett kön" not in alone


@pytest.mark.parametrize(
    ("n", "outside", "said"),
    [
        (100, 1, "Some answers without a gender"),
        (20, 15, "Some answers without a gender"),  # the other five would be the few
        (40, 15, "15 answers without a gender"),
        (15, 15, "15 answers without a gender"),  # none beside them
        (40, None, "Some answers without a gender"),  # the organizers' copy: hidden
    ],
)
def test_the_count_outside_the_margins_follows_the_threshold(app, n, outside, said):
    picture = {
        "n": n,
        "suppress_below": 10,
        "weighting": {
            "applied": True,
            "year": 2025,
            "design_effect": 1.2,
            "n_eff": n / 1.2,
            "converged": True,
            "outside_by": {"gender": outside, "age": 0},
        },
    }
    with app.test_request_context(), force_locale("en"):
        sentence, _warning = weighting_text(picture)
    assert said in sentence
    assert "age band" not in sentence


def test_the_json_export_fits_the_schema(weighted, small_place, auth):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    schema = json.loads(resources.files("analysis").joinpath("lagesbild.schema.json").read_text())
    auth.login("organizer")
    jsonschema.validate(auth.client.get(BASE + "/lagesbild.json").get_json(), schema)

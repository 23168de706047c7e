"""The dashboard's words beside its figures: a change's interval never contradicts its verdict,
the unit agrees with its number, and the weighting note counts only what is in the filtered set.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from survey.extensions import db
from tests.analysis.test_weighting_default import EVEN_MARGINS
from tests.common import factories
from tests.common.survey_data import add_responses, columns

DASHBOARD = "/organizer/areas/bromma"
MINUS = "\u2212"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _changes(organizer, query: str) -> str:
    text = _text(organizer.get(DASHBOARD + query).get_data(as_text=True))
    return text.split("Förändring sedan förra omgången", 2)[2].split("Problem i området")[0]


@pytest.fixture
def organizer(auth):
    auth.login("organizer")
    return auth.client


def test_a_confirmed_drop_never_shows_an_interval_that_reaches_0(app: Flask, organizer):
    with app.app_context():
        before, after = (r.id for r in factories.rounds_before_and_after(areas=["bromma"]))
        # 6 of 10 unsafe, then 5 of 21: a drop of 36 points, 95 % interval -62.9 to -0.43.
        evening = ["4"] * 6 + ["1"] * 4
        add_responses("brommaplan", columns(safety_evening=evening), round_id=before)
        add_responses("brommaplan", columns(safety_evening=["4"] * 5 + ["1"] * 16), round_id=after)
        db.session.commit()
    section = _changes(organizer, f"?lang=sv&round={after}")
    expected = f"{MINUS}36,2 procentenheter ({MINUS}62,9 – {MINUS}0,4) säkerställd minskning"
    assert expected in section
    assert "– 0)" not in section


def test_one_point_is_singular(app: Flask, organizer):
    with app.app_context():
        before, after = (r.id for r in factories.rounds_before_and_after(areas=["bromma"]))
        # 10 of 100 unsafe, then 9 of 100: one point less.
        add_responses(
            "brommaplan", columns(safety_evening=["4"] * 10 + ["1"] * 90), round_id=before
        )
        add_responses("brommaplan", columns(safety_evening=["4"] * 9 + ["1"] * 91), round_id=after)
        db.session.commit()
    assert f"{MINUS}1 procentenhet (" in _changes(organizer, f"?lang=sv&round={after}")
    english = _text(organizer.get(DASHBOARD + f"?lang=en&round={after}").get_data(as_text=True))
    assert f"{MINUS}1 point (" in english
    assert "1 points" not in english


@pytest.fixture
def margins(app: Flask, cli, tmp_path: Path) -> None:
    path = tmp_path / "margins.csv"
    path.write_text(EVEN_MARGINS, "utf-8")
    assert cli("import", "population", "--year", "2025", str(path)).exit_code == 0
    with app.app_context():
        answers = (
            [{"age_band": "25-44", "gender": "woman", "safety_evening": "1"}] * 12
            + [{"gender": "woman", "safety_evening": "4"}] * 3  # no age band
            + [{"age_band": "25-44", "gender": "other", "safety_evening": "1"}] * 2
            + [{"age_band": "25-44", "gender": "man", "safety_evening": "1"}] * 12
            + [{"safety_evening": "1"}] * 4  # neither
        )
        add_responses("brommaplan", answers)


def _note(organizer, query: str) -> str:
    page = organizer.get(DASHBOARD + "?lang=en" + query).get_data(as_text=True)
    return _text(page.split('class="area-weighting">', 1)[1].split("</p>", 1)[0])


def test_the_weight_1_note_counts_only_what_the_filtered_answers_lack(margins, organizer):
    everyone = _note(organizer, "")
    # "Other" and no gender: 6 lack a gender the population figures have; 3 more an age band.
    # Both are under the threshold (10), so neither is counted: "some answers".
    assert "Some answers without a gender found in the population figures count with weight 1." in (
        everyone
    )
    assert "Some answers without an age band found in the population figures count" in everyone
    assert "6 answers" not in everyone
    women = _note(organizer, "&gender=woman")
    assert "gender found" not in women  # every answer in the set is a woman's
    assert "Some answers without an age band found in the population figures count" in women
    assert "without age or gender" not in women
    # Men of 25-44: none lacks anything, so no note at all.
    assert "weight 1" not in _note(organizer, "&gender=man&age_band=25-44")
    ages = _note(organizer, "&age_band=25-44")
    assert "age band found" not in ages
    # The two answers of "other" aged 25-44, whose own filter is refused as too few.
    assert "Some answers without a gender found in the population figures count" in ages
    assert "2 answers" not in ages

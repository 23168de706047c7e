"""The dashboard's words beside its figures: a change's interval never contradicts its verdict,
and the unit agrees with its number."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from survey.extensions import db
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

"""The dashboard says how the rounds it compares are weighted and whom the follow-up counts."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from survey.extensions import db
from tests.analysis.test_weighted_followup import add_even_margins, insert_sample
from tests.common import factories


@pytest.fixture
def after_id(app: Flask) -> int:
    """Margins for 2026 only; a promise followed from the 2025 round to the 2026 one."""
    with app.app_context():
        add_even_margins(year=2026)
        before, after = factories.rounds_before_and_after()
        insert_sample(before.id, after.id)
        factories.promise(rounds=(before, after), period_end=dt.date(2026, 3, 31))
        db.session.commit()
        return after.id


def test_the_dashboard_names_the_margins_each_round_is_weighted_to(auth, after_id):
    auth.login("organizer")
    page = auth.client.get(f"/organizer/areas/bromma?round={after_id}&lang=en").get_data(
        as_text=True
    )
    assert "Both rounds are weighted: Hösten 2025 to the population margins of 2026" in page
    assert "Våren 2026 to those of 2026" in page
    assert "Not comparable" not in page
    unweighted = auth.client.get(
        f"/organizer/areas/bromma?round={after_id}&weighting=off&lang=en"
    ).get_data(as_text=True)
    assert "Both rounds are weighted" not in unweighted


def test_the_dashboard_says_which_filters_the_follow_up_takes(auth, after_id):
    auth.login("organizer")
    months = auth.client.get(
        "/organizer/areas/bromma?month_from=2025-10&month_to=2025-10&lang=en"
    ).get_data(as_text=True)
    assert "the months chosen above do not apply to it" in months
    assert "counts only the chosen group's answers" not in months
    women = auth.client.get("/organizer/areas/bromma?gender=woman&lang=en").get_data(as_text=True)
    assert "counts only the chosen group's answers" in women
    assert "the months chosen above do not apply" not in women

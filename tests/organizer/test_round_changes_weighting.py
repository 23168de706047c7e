"""The dashboard says how both rounds of a change are weighted (issue 15)."""

from __future__ import annotations

from flask import Flask

from survey.extensions import db
from tests.analysis.test_weighted_followup import add_even_margins, evening_answers
from tests.common import factories


def test_the_dashboard_names_the_margins_each_round_is_weighted_to(app: Flask, auth):
    with app.app_context():
        add_even_margins(year=2026)
        before, after = factories.rounds_before_and_after()
        factories.insert_answers(
            [
                *evening_answers(before.id, "brommaplan", "woman", 80, 48),
                *evening_answers(before.id, "brommaplan", "man", 20, 4),
                *evening_answers(after.id, "brommaplan", "woman", 50, 15),
                *evening_answers(after.id, "brommaplan", "man", 50, 5),
            ]
        )
        db.session.commit()
        after_id = after.id
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

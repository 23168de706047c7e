"""A weighted release is audited as its unweighted figures: weights never hide a 0 %."""

from __future__ import annotations

from survey.extensions import db
from tests.analysis.test_weighted_followup import add_even_margins
from tests.common.releases import publish
from tests.common.survey_data import add_responses

PICTURE = "/api/v1/areas/bromma/lagesbild"
WOMAN = {"gender": "woman", "age_band": "25-44"}


def _night(body: dict, place: str) -> dict:
    return {p["place"]: p for p in body["places"]}[place]["times"]["night"]


def test_hidden_places_all_safe_are_not_given_away_by_weighted_shares(app, client):
    """Brommaplan 10 of 40 unsafe at night, Alvik's 3 and Nockeby's 8 all safe, every weight
    equal: the area's 20 % of 50 and Brommaplan's 25 % of 40 (n_eff 50 and 40, so even
    weights) said that all 11 answers at the hidden places were safe. The unweighted release
    hid Brommaplan's night; the weighted one showed it, as the audit counted nothing in it."""
    with app.app_context():
        add_responses(
            "brommaplan", [{"safety_night": "4"}] * 10 + [{"safety_night": "1"}] * 30, **WOMAN
        )
        add_responses("alvik", [{"safety_night": "1"}] * 3, **WOMAN)
        add_responses("nockeby", [{"safety_night": "1"}] * 8, **WOMAN)
        add_even_margins()
        db.session.commit()
    publish(app)
    body = client.get(PICTURE).get_json()
    assert body["weighted"] is True
    assert body["area_total"]["times"]["night"]["unsafe_share"] == 0.2
    assert _night(body, "brommaplan") == {"suppressed": True}
    # What the audit counts with never leaves: not in the API, nor on the page.
    text = client.get(PICTURE).get_data(as_text=True)
    assert "raw_share" not in text
    assert "raw_options" not in text

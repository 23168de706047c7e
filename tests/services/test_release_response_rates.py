"""A release's response rate: counted as its area total is, never an exact count beside it."""

from __future__ import annotations

from tests.common.invitations import invitation_round
from tests.common.releases import publish
from tests.common.survey_data import add_responses

PICTURE = "/api/v1/areas/bromma/lagesbild"


def test_the_response_rate_shows_the_area_total_as_released(app, client):
    """36 answers to 137 letters: the API gave 36 and 0.26277..., then 37 after one more
    answer, though every other figure stayed and counts are rounded to the nearest 5."""
    round_id, _codes = invitation_round(app, count=137)
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "4"}] * 10 + [{"safety_evening": "1"}] * 23)
        add_responses("alvik", [{"safety_evening": "4"}] * 3)
    publish(app)
    before = client.get(PICTURE).get_json()
    assert before["area_total"]["n"] == 35
    [rate] = before["response_rates"]
    assert rate == {
        "round_id": round_id,
        "round_name": rate["round_name"],
        "invitations": 137,
        "answers": 35,
        "response_rate": 0.26,  # 35 / 137, from the rounded count
        "suppressed": False,
    }
    with app.app_context():
        add_responses("alvik", [{"safety_evening": "4"}])
    publish(app)
    after = client.get(PICTURE).get_json()
    assert after["release"]["id"] != before["release"]["id"]
    assert after["response_rates"] == before["response_rates"]


def _released(app, client, letters: int, answers: int) -> dict:
    """The released picture after ``answers`` answers at Brommaplan to ``letters`` letters."""
    invitation_round(app, count=letters)
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "4"}] * answers)
    publish(app)
    return client.get(PICTURE).get_json()


def test_rounding_never_shows_more_answers_than_letters(app, client):
    """13 answers to 14 letters: the area total reads 15, the rate read 15 of 14 (107 %)."""
    picture = _released(app, client, letters=14, answers=13)
    assert picture["area_total"]["n"] == 15
    [rate] = picture["response_rates"]
    assert (rate["invitations"], rate["answers"], rate["response_rate"]) == (14, 14, 1.0)


def test_the_response_rate_is_hidden_with_the_area_total(app, client):
    body = _released(app, client, letters=20, answers=6)
    assert body["area_total"]["suppressed"] is True
    [rate] = body["response_rates"]
    assert (rate["answers"], rate["response_rate"], rate["suppressed"]) == (None, None, True)
    assert rate["invitations"] == 20

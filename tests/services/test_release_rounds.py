"""A promise's side from another round shows in a release only as that round's release showed
it: never a figure its audit hid, never one a few answers away from its next release."""

from __future__ import annotations

import pytest

from survey.extensions import db
from tests.common import factories
from tests.common.releases import publish

PICTURE = "/api/v1/areas/bromma/lagesbild"
SAME = {"relation": "live", "safety_day": "1", "safety_afternoon": "1", "safety_night": "1"}


def _six_of_thirty(before: int, after: int) -> list[tuple[str, int, int, str]]:
    """40 answers in the earlier round; in the later, 6 of 30 unsafe in the evening."""
    return [
        ("brommaplan", before, 40, "3"),
        ("brommaplan", after, 24, "2"),
        ("brommaplan", after, 6, "3"),
    ]


@pytest.fixture
def rounds(app):
    with app.app_context():
        before, after = factories.rounds_before_and_after(areas=["bromma"])
        factories.promise(places=("brommaplan",), rounds=(before, after))
        db.session.commit()
        return before.id, after.id


def _answer(app, *groups: tuple[str, int, int, str]) -> None:
    """Answers given as (place, round, how many, evening value)."""
    with app.app_context():
        for slug, round_id, count, evening in groups:
            factories.answers(slug, round_id, count, safety_evening=evening, **SAME)
        db.session.commit()


def _evening(client, release_id: int) -> dict:
    body = client.get(f"{PICTURE}?release={release_id}").get_json()
    (result,) = body["followup"]
    return next(i for i in result["indicators"] if i.get("time") == "evening")


def test_the_baseline_hidden_by_its_own_audit_stays_hidden(app, client, rounds):
    before, after = rounds
    # Brommaplan 10 of 20 unsafe; Alvik and Åkeshov (4: hidden) all unsafe: the audit hides
    # Brommaplan's evening too, or the area's share would pin the other two.
    _answer(
        app,
        ("brommaplan", before, 10, "4"),
        ("brommaplan", before, 10, "1"),
        ("alvik", before, 15, "4"),
        ("akeshov", before, 4, "4"),
        ("brommaplan", after, 30, "2"),
        ("alvik", after, 30, "2"),
    )
    baseline = publish(app, round_id=before)
    assert _evening(client, baseline)["before"] == {"suppressed": True}
    followup = _evening(client, publish(app, round_id=after))
    assert followup["before"] == {"suppressed": True}
    assert "diff" not in followup
    assert "ci" not in followup
    assert "p_value" not in followup


def test_a_later_round_shows_in_an_earlier_one_only_as_its_release_did(app, client, rounds):
    before, after = rounds
    _answer(app, *_six_of_thirty(before, after))
    # The later round has no release yet: its figure (6 of 30) is not shown in the earlier's.
    assert _evening(client, publish(app, round_id=before))["after"] == {"suppressed": True}


def test_a_later_round_s_new_answers_show_only_in_its_own_next_release(app, client, rounds):
    before, after = rounds
    _answer(app, *_six_of_thirty(before, after))
    own = _evening(client, publish(app, round_id=after))
    assert own["after"] == {"n": 30, "share": 0.2}
    assert _evening(client, publish(app, round_id=before))["after"] == own["after"]
    # Three new answers, all unsafe: 9 of 33 beside 6 of 30 would give them away.
    _answer(app, ("brommaplan", after, 3, "4"))
    again = _evening(client, publish(app, round_id=before))
    assert again["after"] == own["after"]

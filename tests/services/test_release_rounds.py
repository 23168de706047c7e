"""A promise's side from another round shows in a release only as that round's release showed
it: never a figure its audit hid, never one a few answers away from its next release."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Promise, Release, Response
from survey.services.erasure import erase_answer
from survey.services.releases import Unchanged
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
    # Three new answers, all unsafe: 9 of 33 beside 6 of 30 would give them away. The earlier
    # round would show exactly what it shows (its own answers did not change): no release.
    _answer(app, ("brommaplan", after, 3, "4"))
    with pytest.raises(Unchanged):
        publish(app, round_id=before)
    assert _evening(client, publish(app, round_id=after))["after"] == own["after"]  # held


def test_a_late_erasure_in_the_baseline_shows_the_baseline_as_released(app, client, rounds):
    # It hid the baseline for good: the round's next release held its figure at 40 answers,
    # never again equal to the 39 left.
    before, after = rounds
    _answer(
        app,
        ("brommaplan", before, 12, "3"),
        ("brommaplan", before, 28, "1"),
        ("brommaplan", after, 30, "1"),
    )
    baseline = _evening(client, publish(app, round_id=before))["before"]
    assert baseline == {"n": 40, "share": 0.3}
    with app.app_context():
        one = db.session.scalars(select(Response).where(Response.round_id == before)).first()
        erase_answer(db.session, one)
        db.session.commit()
    assert _evening(client, publish(app, round_id=before))["before"] == baseline  # held
    followup = _evening(client, publish(app, round_id=after))
    assert followup["before"] == baseline
    assert followup["after"] == {"n": 30, "share": 0.0}
    assert followup["diff"] == -0.3
    assert followup["status"] == "improved"


def test_a_hidden_side_leaves_the_other_indicators_corrected_without_it(app, client, rounds):
    # Holm's correction of the night's p-value took the evening's in: published after the
    # evening's side was hidden, it told how the hidden answers were.
    before, after = rounds
    with app.app_context():
        promise = db.session.scalars(select(Promise)).one()
        promise.indicators = [
            {"kind": "unsafe_share", "time": "evening"},
            {"kind": "unsafe_share", "time": "night"},
        ]
        db.session.commit()
    # As in the first test, the baseline release hides Brommaplan's evening; its night (half
    # unsafe, the other places' near half) it shows.
    day = {"relation": "live", "safety_day": "1", "safety_afternoon": "1"}
    with app.app_context():
        for slug, count, evening, night in (
            ("brommaplan", 10, "4", "4"),
            ("brommaplan", 10, "1", "1"),
            ("alvik", 8, "4", "4"),
            ("alvik", 7, "4", "1"),
            ("akeshov", 2, "4", "4"),
            ("akeshov", 2, "4", "1"),
        ):
            factories.answers(
                slug, before, count, safety_evening=evening, safety_night=night, **day
            )
        db.session.commit()
    _answer(app, ("brommaplan", after, 30, "1"))
    publish(app, round_id=before)
    release_id = publish(app, round_id=after)
    with app.app_context():  # the exact p-values (public ones have two decimals)
        stored = db.session.get_one(Release, release_id).audited_picture
    evening, night = stored["followup"][0]["indicators"]
    assert evening["before"]["suppressed"]
    assert "p_value" not in evening
    assert night["before"] == {"n": 20, "share": 0.5}
    # A family of one: its corrected p-value is its own (with the evening's: twice it).
    assert 0 < night["p_value"] < 0.05
    assert night["p_adjusted"] == night["p_value"]

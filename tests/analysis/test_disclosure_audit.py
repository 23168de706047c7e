"""The disclosure audit: no hidden cell is pinned, by one release or by two of the same round."""

from __future__ import annotations

import copy
import json
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from analysis import disclosure_bounds
from analysis.disclosure_audit import DEFAULT_MIN_WIDTH, audit_release
from analysis.picture import situation_picture
from analysis.survey import Filters
from survey.extensions import db
from survey.models import Response
from tests.common.survey_data import add_responses


def shown(n: int, k: int) -> dict[str, Any]:
    return {"n": n, "suppressed": False, "share": round(k / n, 4), "ci": [0.0, 1.0]}


def hidden(n: int) -> dict[str, Any]:
    return {"n": n, "suppressed": True}


def picture(total: dict[str, Any], n: int, places: dict[str, tuple[int, dict[str, Any]]]):
    """An area with one figure (victim) over places given as slug: (place n, victim cell)."""
    return {
        "area": "x",
        "n": n,
        "area_total": {"n": n, "suppressed": False, "victim": total},
        "places": [
            {"place": slug, "name": slug, "n": m, "suppressed": m < 10, "victim": cell}
            for slug, (m, cell) in places.items()
        ],
        "by_group": {},
    }


def victims(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["place"]: p["victim"] for p in result["places"]}


def test_hidden_parts_together_at_0_percent_are_hidden_further():
    # 6 victims in the area, all 6 at A: B and C (hidden) would be 0 % each.
    release = picture(
        shown(30, 6), 30, {"a": (15, shown(15, 6)), "b": (8, hidden(8)), "c": (7, hidden(7))}
    )
    summary = audit_release(release, [], threshold=10)
    assert summary["hidden_added"] == ["places[a].victim"]
    assert victims(release)["a"] == hidden(15)
    assert summary["unresolved"] == []
    assert summary["hidden_before"] == 4  # b, c and their places
    json.dumps(summary)  # stored with the release


def test_hidden_parts_together_at_100_percent_are_hidden_further():
    # 21 victims, 6 of them at A: every one of the 15 at B and C is a victim.
    release = picture(
        shown(30, 21), 30, {"a": (15, shown(15, 6)), "b": (8, hidden(8)), "c": (7, hidden(7))}
    )
    summary = audit_release(release, [], threshold=10)
    assert summary["hidden_added"] == ["places[a].victim"]
    assert summary["unresolved"] == []


def test_a_total_at_0_percent_pins_nothing_it_does_not_say_itself():
    release = picture(
        shown(30, 0), 30, {"a": (15, shown(15, 0)), "b": (8, hidden(8)), "c": (7, hidden(7))}
    )
    before = copy.deepcopy(release)
    summary = audit_release(release, [], threshold=10)
    assert release == before
    assert summary["hidden_added"] == []


def test_one_new_answer_between_two_releases_is_not_given_away():
    # Release 1: B and C hidden together (10 answers, 3 victims). Release 2: one more answer at
    # B, a victim. Total and A differ by exactly that answer, so B + C gained one victim.
    first = picture(
        shown(30, 10), 30, {"a": (20, shown(20, 7)), "b": (5, hidden(5)), "c": (5, hidden(5))}
    )
    second = picture(
        shown(31, 11), 31, {"a": (20, shown(20, 7)), "b": (6, hidden(6)), "c": (5, hidden(5))}
    )
    summary = audit_release(second, [first], threshold=10)
    assert summary["releases_linked"] is True
    assert summary["unresolved"] == []
    # Hiding A is not enough (every answer gained is a victim): the total goes too.
    assert second["area_total"]["victim"]["suppressed"]
    assert victims(second)["a"]["suppressed"]


def test_a_gain_of_at_least_the_threshold_may_be_pinned():
    # B and C are hidden (10 answers each, 3 victims together); between the releases the
    # total gained ten answers, six victims, all at B. B's gain, 6 of 10, is pinned: as
    # publishable as a cell of ten answers, so nothing more is hidden.
    first = picture(
        shown(40, 10), 40, {"a": (20, shown(20, 7)), "b": (10, hidden(10)), "c": (10, hidden(10))}
    )
    second = picture(
        shown(50, 16), 50, {"a": (20, shown(20, 7)), "b": (20, hidden(20)), "c": (10, hidden(10))}
    )
    before = copy.deepcopy(second)
    summary = audit_release(second, [first], threshold=10)
    assert summary["releases_linked"] is True
    assert summary["hidden_added"] == []
    assert summary["unresolved"] == []
    assert second == before
    # Nine new answers, six victims, is a gain under the threshold: it is hidden further.
    third = picture(
        shown(49, 16), 49, {"a": (20, shown(20, 7)), "b": (19, hidden(19)), "c": (10, hidden(10))}
    )
    summary = audit_release(third, [first], threshold=10)
    assert summary["hidden_added"] == ["places[a].victim", "area_total.victim"]
    assert summary["unresolved"] == []


def test_places_without_answers_add_nothing_to_a_gain_the_area_shows():
    # Ten new answers, none a victim, five each at A and B: held at their first figures (a
    # change under the threshold), so they seem to sit at E and F, which have no answers. E
    # and F pinned at 0 % say only that every new answer is no victim: the area's two totals
    # say that of all ten, a gain as publishable as a cell of ten answers.
    places = {"a": (10, shown(10, 5)), "b": (10, shown(10, 0))}
    places |= {"e": (0, hidden(0)), "f": (0, hidden(0))}
    first = picture(shown(20, 5), 20, places)
    second = picture(shown(30, 5), 30, copy.deepcopy(places))
    before = copy.deepcopy(second)
    summary = audit_release(second, [first], threshold=10)
    assert summary["releases_linked"] is True
    assert summary["hidden_added"] == []  # was a, b and the area total
    assert summary["unresolved"] == []  # was e and f, and their gains
    assert second == before


def test_a_cell_with_answers_before_is_not_excused_by_the_areas_gain():
    # The area gains ten answers, no victim; C (hidden before) shows now, so B holds 20
    # answers and no victim. Ten of them B held before: that they are no victims is not
    # said by the gain, so more is hidden.
    first = picture(
        shown(40, 7), 40, {"a": (20, shown(20, 5)), "b": (10, hidden(10)), "c": (10, hidden(10))}
    )
    second = picture(
        shown(50, 7), 50, {"a": (20, shown(20, 5)), "b": (20, hidden(20)), "c": (10, shown(10, 2))}
    )
    summary = audit_release(second, [first], threshold=10)
    assert summary["hidden_added"] == ["places[c].victim"]
    assert summary["unresolved"] == []


def test_the_warm_models_agree_with_linprog(monkeypatch):
    # The audit re-solves one HiGHS model per component; scipy's linprog is its fallback.
    first = picture(
        shown(30, 10), 30, {"a": (20, shown(20, 7)), "b": (5, hidden(5)), "c": (5, hidden(5))}
    )
    second = picture(
        shown(31, 11), 31, {"a": (20, shown(20, 7)), "b": (6, hidden(6)), "c": (5, hidden(5))}
    )
    results = []
    for solver in (disclosure_bounds._highs, None):
        monkeypatch.setattr(disclosure_bounds, "_highs", solver)
        release = copy.deepcopy(second)
        summary = audit_release(release, [first], threshold=10)
        # Where a share's interval comes from points found on the way (not exact), which
        # points depends on the solver, and so which of two alike cells reads narrowest (and
        # whether its share is exact); the bounds and what is hidden do not.
        narrowest = summary.pop("narrowest")
        summary.pop("seconds")
        results.append((release, summary, narrowest))
    assert results[0][:2] == results[1][:2]
    if all(r[2]["share_exact"] for r in results):
        assert results[0][2] == results[1][2]
    assert results[0][1]["hidden_added"]


def test_a_cell_shown_before_and_unchanged_may_be_hidden_now():
    first = picture(shown(30, 10), 30, {"a": (15, shown(15, 5)), "b": (15, shown(15, 5))})
    second = picture(shown(30, 10), 30, {"a": (15, hidden(15)), "b": (15, hidden(15))})
    before = copy.deepcopy(second)
    summary = audit_release(second, [first], threshold=10)
    assert second == before
    assert summary["unresolved"] == []


def test_releases_that_contradict_growth_are_bounded_one_by_one():
    # An answer was erased between them: the audit cannot assume answers are only added.
    first = picture(shown(31, 11), 31, {"a": (20, shown(20, 7)), "b": (11, shown(11, 4))})
    second = picture(shown(30, 10), 30, {"a": (20, shown(20, 7)), "b": (10, shown(10, 3))})
    summary = audit_release(second, [first], threshold=10)
    assert summary["releases_linked"] is False


def test_a_safe_picture_is_left_alone():
    release = picture(
        shown(40, 12), 40, {"a": (15, shown(15, 5)), "b": (12, hidden(12)), "c": (13, hidden(13))}
    )
    before = copy.deepcopy(release)
    summary = audit_release(release, [], threshold=10)
    assert release == before
    assert summary["hidden_added"] == []
    assert summary["hidden_checked"] == 2
    assert summary["min_width"] == DEFAULT_MIN_WIDTH
    low, high = summary["narrowest"]["share"]
    assert high - low >= DEFAULT_MIN_WIDTH


# --- The property: an attacker with its own exact integer search pins nothing ------------

PLACES = ("brommaplan", "alvik", "abrahamsberg")
UNFILLED = ("problems", "avoided", "police_cares", "worry_sometimes_or_often", "police_priorities")
SMALL_ANSWER = st.fixed_dictionaries(
    {
        "place": st.sampled_from(PLACES),
        "safety_evening": st.sampled_from(["1", "4", "na"]),
        "victim": st.sampled_from([None, "yes", "no"]),
        "reported": st.sampled_from([None, "yes", "no"]),
        "gender": st.sampled_from([None, "woman", "man", "other"]),
    }
)


def _reachable(cells: list[int], n_total: int, k_total: int) -> set[tuple[int, int]]:
    """Every (sum of n, sum of k) that hidden cells with these n bounds can make together."""
    reach = {(0, 0)}
    for bound in cells:
        reach = {
            (a + n, b + k)
            for a, b in reach
            for n in range(min(bound, n_total - a) + 1)
            for k in range(min(n, k_total - b) + 1)
        }
    return reach


def _attack(total: dict[str, Any], parts: list[tuple[dict[str, Any], int]]) -> list[str]:
    """Integer search over one relation: the hidden parts' (n, k) that add up; what is pinned.

    ``parts`` are (cell, bound on its n). Returns a finding per hidden part whose count has one
    value only, or whose share has one value only (0 %, 100 % or any), where it holds answers.
    """
    if total.get("suppressed") or total["n"] == 0:
        return []
    area_k = round(total.get("share", total.get("unsafe_share")) * total["n"])
    if area_k in (0, total["n"]):
        return []  # the total itself says it of every answer
    hidden_parts = [bound for cell, bound in parts if cell.get("suppressed")]
    n_left = total["n"] - sum(c["n"] for c, _ in parts if not c.get("suppressed"))
    k_left = area_k - sum(
        round(c.get("share", c.get("unsafe_share")) * c["n"])
        for c, _ in parts
        if not c.get("suppressed")
    )
    findings = []
    for i, bound in enumerate(hidden_parts):
        rest = _reachable(hidden_parts[:i] + hidden_parts[i + 1 :], n_left, k_left)
        options = {
            (n, k)
            for n in range(min(bound, n_left) + 1)
            for k in range(n + 1)
            if (n_left - n, k_left - k) in rest
        }
        with_answers = {(n, k) for n, k in options if n > 0}
        if not with_answers or all(n == total["n"] for n, _ in with_answers):
            continue  # no answers, or every answer of the total, which shows them itself
        counts = {k for _, k in options}
        if len(counts) == 1 or len({k / n for n, k in with_answers}) == 1:
            findings.append(f"part {i} of {total}: {sorted(with_answers)}")
    return findings


def _relations(result: dict[str, Any]):
    """Each published total with its parts and what bounds each part's n."""
    area = result["area_total"]
    places = result["places"]
    hidden_places_n = area["n"] - sum(p["n"] for p in places if not p["suppressed"])
    for path in (("times", "evening"), ("victim",), ("reported",)):

        def at(unit, path=path):
            return unit[path[0]] if len(path) == 1 else unit[path[0]][path[1]]

        yield at(area), [(at(p), hidden_places_n if p["suppressed"] else p["n"]) for p in places]
    for groups in result["by_group"].values():
        outside = {
            "n": area["n"] - sum(g["n"] for g in groups.values() if not g["suppressed"]),
            "suppressed": True,
        }
        yield (
            area["times"]["evening"],
            [
                *(
                    (g["times"]["evening"], area["n"] if g["suppressed"] else g["n"])
                    for g in groups.values()
                ),
                (outside, area["n"]),
            ],
        )


@settings(
    max_examples=12,
    deadline=None,
    # Shrinking a failure rebuilds the database hundreds of times: report it as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=st.lists(SMALL_ANSWER, min_size=3, max_size=12), threshold=st.integers(2, 5))
def test_no_hidden_cell_is_pinned_after_the_audit(app: Flask, answers, threshold: int) -> None:
    with app.app_context():
        db.session.execute(delete(Response))
        db.session.commit()
        for answer in answers:
            add_responses(answer["place"], [{k: v for k, v in answer.items() if k != "place"}])
        with db.engine.connect() as conn:
            result = situation_picture(conn, "bromma", Filters(), threshold)
    # The figures these answers leave empty only make the run slower: the audit sees the rest.
    for unit in (*result["places"], result["area_total"]):
        for key in UNFILLED:
            unit.pop(key)
    summary = audit_release(result, [], threshold)
    assert summary["unresolved"] == []
    findings = [finding for total, parts in _relations(result) for finding in _attack(total, parts)]
    assert findings == [], summary
    for place in (*result["places"], result["area_total"]):
        if place["victim"]["suppressed"]:
            assert place["reported"]["suppressed"]


def test_a_promise_figure_does_not_show_a_cell_the_audit_hid():
    def evening(cell):
        return {"times": {"evening": cell}}

    release = {
        "area": "x",
        "n": 30,
        "filters": {"round_id": 1},
        "area_total": {"n": 30, "suppressed": False, **evening(shown(30, 6))},
        "places": [
            {"place": "a", "n": 15, "suppressed": False, **evening(shown(15, 6))},
            {"place": "b", "n": 8, "suppressed": True, **evening(hidden(8))},
            {"place": "c", "n": 7, "suppressed": True, **evening(hidden(7))},
        ],
        "by_group": {},
        "followup": [
            {
                "promise": {"places": ["a"], "baseline_round": {"id": 1}, "followup_round": None},
                "indicators": [
                    {"kind": "unsafe_share", "time": "evening", "before": {"n": 15, "share": 0.4}}
                ],
                "status": "unchanged",
            }
        ],
    }
    summary = audit_release(release, [], threshold=10)
    assert summary["hidden_added"] == ["places[a].times.evening"]
    assert summary["followup_sides_hidden"] == 1
    [result] = release["followup"]
    assert result["indicators"][0]["before"] == hidden(15)
    assert result["status"] == "not enough data"


def test_a_place_with_the_same_n_has_the_same_answers_in_every_figure():
    # C's n is 10 both times, 8 of them answered this question: its 2 blanks cannot have turned
    # into answers, so C gained nothing. Then B's 3 new answers are D's and A's gains taken
    # from the total's: 1 victim of 3, a group under the threshold. Read as "C may have
    # gained 2", B's gain looked anywhere from 0 % to 100 %, and nothing was hidden.
    first = picture(
        shown(48, 15),
        50,
        {
            "a": (20, shown(20, 7)),
            "b": (10, hidden(10)),
            "c": (10, hidden(8)),
            "d": (10, shown(10, 2)),
        },
    )
    second = picture(
        shown(61, 16),
        63,
        {
            "a": (20, shown(20, 7)),
            "b": (13, hidden(13)),
            "c": (10, hidden(8)),
            "d": (20, shown(20, 2)),
        },
    )
    summary = audit_release(second, [first], threshold=10)
    assert summary["releases_linked"] is True
    assert summary["hidden_added"] != []
    assert summary["unresolved"] == []

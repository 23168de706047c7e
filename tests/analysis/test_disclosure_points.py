"""The pruned disclosure audit decides every cell as the audit that solves every program does."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis import disclosure_release
from analysis.disclosure_audit import audit_release

PLACES = ("a", "b", "c", "d")
GENDERS = ("woman", "man")
ANSWER = st.tuples(
    st.sampled_from(PLACES),
    st.booleans(),  # a victim
    st.booleans(),  # unsafe in the evening
    st.sampled_from([*GENDERS, None]),
)


def _cell(answers: list[tuple[Any, ...]], index: int, hidden: bool) -> dict[str, Any]:
    n, k = len(answers), sum(1 for a in answers if a[index])
    if hidden or n == 0:
        return {"n": n, "suppressed": True}
    return {"n": n, "suppressed": False, "share": round(k / n, 4)}


def _unit(answers: list[tuple[Any, ...]], threshold: int, hide: set[str]) -> dict[str, Any]:
    small = len(answers) < threshold
    return {
        "n": len(answers),
        "suppressed": small,
        "victim": _cell(answers, 1, small or "victim" in hide),
        "times": {"evening": _cell(answers, 2, small or "evening" in hide)},
    }


def _picture(answers: list[tuple[Any, ...]], threshold: int, hide: set[str]) -> dict[str, Any]:
    """The area, its places and two groups (and answers outside them), with small cells hidden
    and the named places' and groups' figures hidden too (as secondary suppression would)."""
    places = []
    for slug in PLACES:
        mine = [a for a in answers if a[0] == slug]
        if mine:
            figures = {f for f in ("victim", "evening") if f"{slug}.{f}" in hide}
            places.append({"place": slug, "name": slug, **_unit(mine, threshold, figures)})
    groups = {
        g: _unit([a for a in answers if a[3] == g], threshold, {"evening"} if g in hide else set())
        for g in GENDERS
    }
    return {
        "area": "x",
        "n": len(answers),
        "area_total": _unit(answers, 1, set()),
        "places": places,
        "by_group": {"gender": groups},
    }


HIDE = st.sets(st.sampled_from([f"{p}.{f}" for p in PLACES for f in ("victim", "evening")]))


def _both(picture: dict[str, Any], earlier: list[dict[str, Any]], threshold: int):
    """The audit pruned and the reference audit (every program solved) on copies."""
    found = []
    for prune in (True, False):
        release = copy.deepcopy(picture)
        summary = audit_release(release, copy.deepcopy(earlier), threshold, prune=prune)
        found.append((release, summary))
    return found


def _same(pruned, reference) -> None:
    (release, summary), (expected, expected_summary) = pruned, reference
    assert release == expected  # the same cells hidden, by the same relations
    for key in ("hidden_added", "unresolved", "passes", "hidden_checked", "releases_linked"):
        assert summary[key] == expected_summary[key], key


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    answers=st.lists(ANSWER, min_size=1, max_size=40),
    threshold=st.integers(2, 8),
    hide=HIDE | st.just(set()),
    groups_hidden=st.sets(st.sampled_from(GENDERS)),
)
# Found by a run: the area's 100 % came out of a program as 0.9999999999 for a hidden place,
# which was then taken as pinned (the pruned audit hid the area's victim share, the full did
# not).
@example(
    answers=[
        ("a", True, False, "woman"),
        ("a", True, True, "woman"),
        ("a", True, True, "woman"),
        ("b", True, True, "woman"),
        ("c", True, False, "woman"),
    ],
    threshold=6,
    hide=set(),
    groups_hidden=set(),
)
def test_the_pruned_audit_hides_what_the_full_audit_hides(answers, threshold, hide, groups_hidden):
    picture = _picture(answers, threshold, hide | groups_hidden)
    pruned, reference = _both(picture, [], threshold)
    _same(pruned, reference)


@SETTINGS
@given(
    answers=st.lists(ANSWER, min_size=2, max_size=40),
    cut=st.floats(0.2, 0.95),
    threshold=st.integers(2, 8),
    hide=HIDE,
)
def test_the_pruned_audit_agrees_over_two_releases(answers, cut, threshold, hide):
    # Answers are only added: the first release is a beginning of the second's answers.
    first = _picture(answers[: max(1, int(len(answers) * cut))], threshold, hide)
    audit_release(first, [], threshold, prune=False)  # as it was published
    second = _picture(answers, threshold, hide)
    pruned, reference = _both(second, [first], threshold)
    _same(pruned, reference)


def test_pruning_solves_fewer_programs_on_a_larger_area(monkeypatch):
    from analysis import disclosure_bounds

    solved = []
    original = disclosure_bounds.Bounds._solve

    def counted(self, *args):
        solved.append(args)
        return original(self, *args)

    monkeypatch.setattr(disclosure_bounds.Bounds, "_solve", counted)
    answers = [(PLACES[i % 4], i % 3 == 0, i % 5 < 2, [*GENDERS, None][i % 3]) for i in range(120)]
    picture = _picture(answers, 10, {"a.victim", "b.evening", "woman"})
    counts = []
    for prune in (False, True):
        solved.clear()
        audit_release(copy.deepcopy(picture), [], 10, prune=prune)
        counts.append(len(solved))
    assert counts[1] < counts[0]


def test_the_same_figures_audited_again_get_the_same_result_back():
    disclosure_release._DONE.clear()
    answers = [(PLACES[i % 3], i % 4 == 0, i % 3 == 0, None) for i in range(40)]
    picture = _picture(answers, 10, {"a.victim"})
    first = copy.deepcopy(picture)
    summary = disclosure_release.audit_with_items(first, [], 10, 0.1)
    again = copy.deepcopy(picture)
    reused = disclosure_release.audit_with_items(again, [], 10, 0.1)
    assert again == first
    assert reused.pop("reused") is True
    assert "reused" not in summary
    assert reused == summary
    # One answer more is other figures: audited anew, not taken from the first audit.
    other = _picture([*answers, ("a", True, True, None)], 10, {"a.victim"})
    assert "reused" not in disclosure_release.audit_with_items(other, [], 10, 0.1)
    assert "reused" not in disclosure_release.audit_with_items(copy.deepcopy(picture), [], 9, 0.1)

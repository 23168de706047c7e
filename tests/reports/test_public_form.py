"""The no-differencing rule between releases and the public form of a picture (pure functions)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from analysis.verdict_rules import share_test
from analysis.verdicts import ALPHA
from analysis.weights import raking
from survey.demo.population import DEMO_POPULATION, DEMO_SHARES
from survey.reports.public_form import COUNTS_DIGEST, hold_back, public_form, round_count

T = 10


def cell(n: int, share: float | None = None, suppressed: bool = False) -> dict[str, Any]:
    if suppressed:
        return {"n": n, "suppressed": True}
    return {"n": n, "suppressed": False, "unsafe_share": share, "ci": [0.1234, 0.5678]}


def picture(evening: dict[str, Any], place: dict[str, Any], n: int = 40) -> dict[str, Any]:
    return {
        "n": n,
        "suppress_below": T,
        "area_total": {"n": n, "suppressed": False, "times": {"evening": evening}},
        "places": [
            {
                "place": "brommaplan",
                "name": "Brommaplan",
                "n": place["n"],
                "suppressed": place.get("suppressed", False),
                "times": {"evening": place},
                "problems": {},
            }
        ],
        "by_group": {"gender": {"woman": cell(30, 0.5), "other": cell(1, suppressed=True)}},
        "priorities": [{"place": "brommaplan", "score": 0.51234, "explanation": "(n = 12)"}],
        "dialogues": {"mentions": [{"place": "brommaplan", "quotes": ["Sagt på mötet"]}]},
        "followup": [],
    }


# -- hold_back: no differencing between releases ---------------------------------------------


def test_the_first_release_is_not_changed():
    new = picture(cell(40, 0.4), cell(20, 0.3))
    assert hold_back(new, None, T) == 0
    assert new == picture(cell(40, 0.4), cell(20, 0.3))


def test_one_new_answer_changes_nothing_shown():
    before = picture(cell(40, 0.4), cell(20, 0.3), n=40)
    after = picture(cell(41, 0.4146), cell(21, 0.3333), n=41)
    held = hold_back(after, before, T)
    assert held >= 3  # the root, the area total's evening, the place, its evening
    assert after["area_total"]["times"]["evening"] == before["area_total"]["times"]["evening"]
    assert after["places"][0]["times"]["evening"] == before["places"][0]["times"]["evening"]
    assert after["n"] == 40


@pytest.mark.parametrize(
    ("old", "new", "changes"), [(20, 30, True), (20, 29, False), (20, 20, True)]
)
def test_a_cell_changes_only_by_the_threshold_or_not_at_all(old, new, changes):
    before = picture(cell(40, 0.4), cell(old, 0.3))
    after = picture(cell(40, 0.4), cell(new, 0.5 if new != old else 0.3))
    hold_back(after, before, T)
    shown = after["places"][0]["times"]["evening"]
    assert shown["n"] == (new if changes else old)
    assert shown["unsafe_share"] == (0.5 if new != old and changes else 0.3)


def test_an_erasure_is_held_back_too():
    before = picture(cell(40, 0.4), cell(20, 0.3))
    after = picture(cell(39, 0.3846), cell(19, 0.2632))
    hold_back(after, before, T)
    assert after["places"][0]["times"]["evening"] == cell(20, 0.3)


def test_one_erased_and_one_new_answer_change_nothing_shown():
    # n is the same, the share moved by one answer: the new answer's, which was unsafe.
    before = picture(cell(40, 0.4), cell(31, 10 / 31), n=40)
    after = picture(cell(40, 0.425), cell(31, 11 / 31), n=40)
    assert hold_back(after, before, T) == 2
    assert after["places"][0]["times"]["evening"] == cell(31, 10 / 31)
    assert after["area_total"]["times"]["evening"] == cell(40, 0.4)
    # Nothing changed at all: nothing is held.
    again = picture(cell(40, 0.4), cell(31, 10 / 31), n=40)
    assert hold_back(again, before, T) == 0


def test_a_hidden_cell_stays_hidden_until_the_threshold_more_answers():
    before = picture(cell(40, 0.4), cell(5, suppressed=True))
    after = picture(cell(40, 0.4), cell(12, 0.25))
    hold_back(after, before, T)
    assert after["places"][0]["times"]["evening"] == cell(5, suppressed=True)
    later = picture(cell(40, 0.4), cell(15, 0.2))
    hold_back(later, after, T)
    assert later["places"][0]["times"]["evening"] == cell(15, 0.2)


def test_a_cell_hidden_by_fewer_than_the_threshold_of_answers_keeps_its_previous_figures():
    # An erasure took a shown cell of 10 below the threshold: hiding it now would say that
    # the erased answer was in it (at this place, in this group, a victim's).
    before = picture(cell(40, 0.4), cell(10, 0.3))
    after = picture(cell(39, 0.4), cell(9, suppressed=True), n=39)
    hold_back(after, before, T)
    assert after["places"][0]["times"]["evening"] == cell(10, 0.3)
    # Ten answers fewer: hidden, as the rule lets any cell change by the threshold.
    later = picture(cell(30, 0.4), cell(0, suppressed=True), n=30)
    hold_back(later, after, T)
    assert later["places"][0]["times"]["evening"] == cell(0, suppressed=True)


def test_places_are_matched_by_slug_not_position():
    before = picture(cell(40, 0.4), cell(20, 0.3))
    after = picture(cell(40, 0.4), cell(21, 0.9))
    after["places"].insert(0, copy.deepcopy(after["places"][0]) | {"place": "alvik"})
    hold_back(after, before, T)
    assert after["places"][1]["times"]["evening"]["unsafe_share"] == 0.3  # Brommaplan, held
    assert after["places"][0]["times"]["evening"]["unsafe_share"] == 0.9  # new: Alvik


@given(
    old=st.integers(0, 60),
    step=st.integers(-60, 60),
    share=st.floats(0, 1),
)
@example(old=10, step=-1, share=0.5)  # an erasure takes a shown cell below the threshold
def test_the_rule_whatever_the_counts(old, step, share):
    new = max(0, old + step)
    before = picture(cell(40, 0.4), cell(old, 0.3) if old >= T else cell(old, suppressed=True))
    shown_now = cell(new, share) if new >= T else cell(new, suppressed=True)
    after = picture(cell(40, 0.4), shown_now)
    hold_back(after, before, T)
    result = after["places"][0]["times"]["evening"]
    previous = before["places"][0]["times"]["evening"]
    if result.get("suppressed"):
        # Hidden: it was hidden before, or its n changed by the threshold.
        assert previous.get("suppressed") or abs(result["n"] - old) >= T
    else:
        # What is shown is either exactly the previous figure, or rests on a change of n of
        # at least the threshold, or on the same n where nothing was shown before.
        assert (
            result == previous
            or abs(result["n"] - old) >= T
            or (result["n"] == old and previous.get("suppressed"))
        )


# -- the public form ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "rounded"), [(10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (25, 25), (1002, 1000)]
)
def test_counts_are_rounded_to_the_nearest_five(n, rounded):
    assert round_count(n) == rounded


def test_hidden_cells_carry_no_count_and_shares_are_whole_percent():
    public = public_form(picture(cell(42, 0.45834), cell(7, suppressed=True)))
    place = public["places"][0]
    assert place["times"]["evening"] == {"suppressed": True}
    assert "n" not in place
    evening = public["area_total"]["times"]["evening"]
    assert evening == {"n": 40, "suppressed": False, "unsafe_share": 0.46, "ci": [0.12, 0.57]}
    assert public["n"] == 40


def test_a_retired_place_is_left_out_where_it_is_hidden():
    shown = picture(cell(40, 0.4), cell(20, 0.3))
    hidden = picture(cell(40, 0.4), cell(3, suppressed=True))
    for p in (shown, hidden):
        p["places"][0] |= {"retired": True, "suppressed": p["places"][0]["n"] < T}
    assert [p["place"] for p in public_form(shown)["places"]] == ["brommaplan"]
    assert public_form(hidden)["places"] == []
    active = picture(cell(40, 0.4), cell(3, suppressed=True))
    assert [p["place"] for p in public_form(active)["places"]] == ["brommaplan"]


def test_hidden_groups_quotes_and_generated_sentences_are_left_out():
    original = picture(cell(42, 0.45834), cell(20, 0.3))
    public = public_form(original)
    assert public["by_group"]["gender"] == {
        "woman": {"n": 30, "suppressed": False, "unsafe_share": 0.5, "ci": [0.12, 0.57]}
    }
    assert "quotes" not in public["dialogues"]["mentions"][0]
    assert public["priorities"] == [{"place": "brommaplan", "score": 0.51}]
    assert original["by_group"]["gender"]["other"]["n"] == 1  # the input is not changed


def test_reported_is_hidden_whenever_victim_is():
    figures = {
        "n": 30,
        "suppressed": False,
        "victim": {"n": 30, "suppressed": True},
        "reported": {"n": 12, "suppressed": False, "share": 0.5},
    }
    public = public_form({"places": [figures]})
    assert public["places"][0]["reported"] == {"suppressed": True}


def test_follow_up_differences_are_whole_percent_too():
    result = {
        "promise": {"id": 1},
        "indicators": [
            {
                "kind": "unsafe_share",
                "before": {"n": 50, "share": 0.4},
                "after": {"n": 5, "suppressed": True},
                "diff": -0.31234,
                "ci": [-0.45678, -0.1],
                "p_value": 0.012345,
                "p_adjusted": 0.024691,
            },
            {"kind": "crime", "rate_ratio": 0.33333, "ci": [0.2, None], "p_value": 0.5},
        ],
    }
    public = public_form({"followup": [result]})
    share, crime = public["followup"][0]["indicators"]
    assert share["before"] == {"n": 50, "share": 0.4}
    assert share["after"] == {"suppressed": True}
    assert (share["diff"], share["ci"]) == (-0.31, [-0.46, -0.1])
    assert (crime["rate_ratio"], crime["ci"]) == (0.33, [0.2, None])
    # p-values to two decimals: exact ones could help work out the exact counts.
    assert (share["p_value"], share["p_adjusted"], crime["p_value"]) == (0.01, 0.02, 0.5)


@pytest.mark.parametrize(
    ("p", "published"),
    [
        (0.0499, 0.04),
        (0.049951, 0.04),  # stored to 6 decimals: 4 decimals still made it 0.05
        (0.046, 0.04),
        (0.0450000001, 0.04),  # round(p, 2) is 0.05
        (0.045, 0.04),  # the float below 0.045
        (0.05, 0.05),
        (0.050001, 0.06),  # the verdict's level is p <= 0.05: 0.05 would say "confirmed"
        (0.0504, 0.06),
        (0.0549, 0.06),
        (0.055, 0.06),
        (0.012345, 0.01),
        (0.2, 0.2),
    ],
)
def test_a_follow_up_p_value_near_five_percent_stays_on_its_side(p, published):
    # Beside "confirmed", 0.0499 written as 0.05 would contradict it; beside "no confirmed
    # change", 0.0500x written as 0.05 would too. Two decimals still, as a change's interval
    # bounds: the one nearer the p-value on its side of 5 %.
    result = {"indicators": [{"kind": "unsafe_share", "p_value": p, "p_adjusted": p}]}
    [indicator] = public_form({"followup": [result]})["followup"][0]["indicators"]
    assert indicator["p_value"] == indicator["p_adjusted"] == published


@given(st.floats(min_value=0.0, max_value=1.0))
@example(0.0499)
@example(0.049951)
@example(0.050001)
def test_a_published_p_value_has_two_decimals_and_keeps_its_side(p):
    result = {"indicators": [{"kind": "unsafe_share", "p_value": p}]}
    [indicator] = public_form({"followup": [result]})["followup"][0]["indicators"]
    shown = indicator["p_value"]
    assert shown == round(shown, 2)
    assert abs(shown - p) <= 0.01 + 1e-12
    assert (shown < ALPHA, shown == ALPHA, shown > ALPHA) == (p < ALPHA, p == ALPHA, p > ALPHA)


def _published_indicator(k1: int, n1: int, k2: int, n2: int) -> dict[str, Any]:
    """A follow-up share from k1 of n1 answers to k2 of n2, as the public form shows it."""
    sides = {"before": {"n": n1, "share": round(k1 / n1, 4)}}
    sides["after"] = {"n": n2, "share": round(k2 / n2, 4)}
    tested = share_test(k1, n1, k2, n2)
    indicator = {"kind": "unsafe_share", **sides, **tested, "p_adjusted": tested["p_value"]}
    return public_form({"followup": [{"indicators": [indicator]}]})["followup"][0]["indicators"][0]


def test_a_follow_up_p_value_near_five_percent_does_not_give_the_exact_counts_back():
    # 26 of 51 answers felt unsafe before, 17 of 53 after (p = 0.0497): the public side shows
    # 50 and 55 answers, 51 % and 32 %. Trying every count those could stand for, the
    # p-value to 4 decimals (0.0497) fitted 26 of 51 and 17 of 53 alone: the exact counts,
    # which the public side rounds.
    shown = _published_indicator(26, 51, 17, 53)

    def candidates(side: dict[str, Any]) -> list[tuple[int, int]]:
        ns = [n for n in range(side["n"] - 2, side["n"] + 3) if round_count(n) == side["n"]]
        return [(k, n) for n in ns for k in range(n + 1) if round(k / n, 2) == side["share"]]

    fitting = [
        (before, after)
        for before in candidates(shown["before"])
        for after in candidates(shown["after"])
        if _published_indicator(*before, *after) == shown
    ]
    assert len(fitting) > 1


@pytest.mark.parametrize(
    ("kind", "interval", "published"),
    [
        ("unsafe_share", [-0.2, -0.004], [-0.2, -0.01]),  # a confirmed drop: never "to 0"
        ("unsafe_share", [0.003, 0.2], [0.01, 0.2]),
        ("unsafe_share", [-0.2, 0.004], [-0.2, 0.0]),  # holds 0: rounding keeps it inside
        ("crime", [0.5, 0.997], [0.5, 0.99]),  # a confirmed fall in crime: never "to 1"
        ("crime", [1.002, None], [1.01, None]),
        ("crime", [0.95, 1.3], [0.95, 1.3]),
    ],
)
def test_a_change_interval_that_leaves_no_change_out_is_published_so(kind, interval, published):
    # Whole percent (two decimals) would write a confirmed drop's upper bound of -0.4 points
    # as 0, beside the verdict "lower": the bound stays on its side, which tells nothing the
    # verdict does not.
    indicator = {"kind": kind, "ci": interval}
    changes = {
        "area_total": {"times": {"night": {"diff": -0.1, "diff_ci": interval}}, "problems": {}},
        "places": [],
    }
    public = public_form({"followup": [{"indicators": [indicator]}], "round_changes": changes})
    assert public["followup"][0]["indicators"][0]["ci"] == published
    if kind != "crime":
        assert public["round_changes"]["area_total"]["times"]["night"]["diff_ci"] == published


def test_police_priority_options_are_held_and_lose_their_counts():
    options = [{"option": "presence", "count": 7, "share": 0.5833}]
    before = {"n": 12, "suppressed": False, "options": options}
    after = {"n": 13, "suppressed": False, "options": [{"option": "drugs", "count": 1}]}
    hold_back(after, before, T)
    assert after == before
    assert public_form({"places": [after]})["places"][0]["options"] == [
        {"option": "presence", "share": 0.58}
    ]


#: An area's population by age band and gender: the demo's Ekerö.
MARGINS = {cell: round(DEMO_POPULATION["ekero"] * share) for cell, share in DEMO_SHARES.items()}


def _weighted_picture(cells: dict[tuple[str, str], int]) -> dict[str, Any]:
    """A picture weighted as analysis.weights.weighting describes the raking of these answers."""
    raked = raking(cells, MARGINS)
    n = sum(cells.values())
    total = sum(raked.weights[c] * k for c, k in cells.items())
    squares = sum(raked.weights[c] ** 2 * k for c, k in cells.items())
    deff = n * squares / total**2
    new = picture(cell(n, 0.4), cell(n, 0.4), n=n)
    new["weighting"] = {
        "applied": True,
        "year": 2025,
        "design_effect": round(deff, 4),
        "n_eff": round(n / deff, 4),
        "converged": raked.converged,
        "iterations": raked.iterations,
        "max_iterations": 100,
        "tolerance": 1e-9,
        "max_gap": raked.max_gap,
        "outside_margins": 0,
        "outside_by": {"gender": 0, "age": 0},
    }
    return new


def test_the_weighting_says_nothing_finer_than_its_rounded_design_effect():
    """Raking's remaining gap is an exact function of the answers per age band and gender:
    with the margins (public population figures) it told the one man's age band."""
    young = _weighted_picture({("45-64", "woman"): 19, ("16-24", "man"): 1})
    old = _weighted_picture({("45-64", "woman"): 19, ("65+", "man"): 1})
    assert young["weighting"]["max_gap"] != pytest.approx(old["weighting"]["max_gap"], abs=0.1)
    assert public_form(young)["weighting"] == public_form(old)["weighting"]
    assert public_form(young)["weighting"] == {
        "applied": True,
        "year": 2025,
        "max_iterations": 100,
        "tolerance": 1e-9,
    }


def test_no_design_effect_and_no_small_n_eff_are_published():
    """Rounded to 0.1, the design effect with whether raking converged fitted one split of ten
    answers among all 19,448 on these margins (every group hidden); the page shows neither it
    nor an n_eff under the threshold, and now neither does the release."""
    pinned = _weighted_picture({("45-64", "woman"): 8, ("45-64", "man"): 1, ("65+", "woman"): 1})
    assert round(pinned["weighting"]["design_effect"], 1) == 4.4
    shown = public_form(pinned)["weighting"]
    assert not {"design_effect", "n_eff", "converged"} & shown.keys()
    large = _weighted_picture({("45-64", "woman"): 40, ("45-64", "man"): 30, ("65+", "man"): 20})
    assert large["weighting"]["n_eff"] >= T
    shown = public_form(large)["weighting"]
    assert "design_effect" not in shown
    assert shown["n_eff"] % 5 == 0
    assert shown["converged"] is large["weighting"]["converged"]


@pytest.mark.parametrize(("added", "kept"), [(1, True), (9, True), (10, False)])
def test_the_weighting_is_held_with_the_figures(added, kept):
    """A few new answers in other age and gender groups move the design effect and n_eff:
    while the figures stay as last published, so does what is said of their weighting."""
    before = _weighted_picture({("45-64", "woman"): 19, ("65+", "man"): 1})
    after = _weighted_picture({("45-64", "woman"): 19, ("65+", "man"): 1, ("16-24", "man"): added})
    assert after["weighting"] != before["weighting"]
    live = copy.deepcopy(after["weighting"])
    hold_back(after, before, T)
    assert after["weighting"] == (before["weighting"] if kept else live)


def test_new_weights_on_the_same_answers_are_shown():
    before = _weighted_picture({("45-64", "woman"): 19, ("65+", "man"): 1})
    after = _weighted_picture({("45-64", "woman"): 19, ("65+", "man"): 1})
    after["weighting"]["year"] = 2026
    before[COUNTS_DIGEST] = after[COUNTS_DIGEST] = "the same answers"
    hold_back(after, before, T)
    assert after["weighting"]["year"] == 2026

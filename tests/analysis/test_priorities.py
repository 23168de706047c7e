"""Priorities: a pure ranking over hand-built indicators."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.priorities import DEFAULT_WEIGHTS, M0, Weights, rank_priorities


def cell(n, share, time=False):
    key = "unsafe_share" if time else "share"
    return {"n": n, "suppressed": False, key: share, "ci": [0.0, 1.0]}


def hidden(n, leaked=None, time=False):
    """A suppressed cell; ``leaked`` puts a share in it that must never be used or shown."""
    found = {"n": n, "suppressed": True}
    if leaked is not None:
        found["unsafe_share" if time else "share"] = leaked
    return found


def place(slug, name, evening, alcohol):
    return {
        "place": slug,
        "name": name,
        "n": 0,
        "suppressed": False,
        "times": {"evening": evening},
        "problems": {"alcohol": alcohol},
    }


AREA = {
    "times": {"evening": cell(400, 0.30, time=True)},
    "problems": {"alcohol": cell(380, 0.20)},
}


def survey(*places):
    return {"places": list(places), "area_total": AREA}


def mention(place_slug, problem, time, dialogues):
    return {"place": place_slug, "problem": problem, "time": time, "dialogues": dialogues}


def row(rows, place_slug, problem="alcohol", time="evening"):
    found = [
        r for r in rows if (r["place"], r["problem"], r["time"]) == (place_slug, problem, time)
    ]
    assert len(found) == 1, found
    return found[0]


def shrink(n, p, p_area):
    return (n * p + M0 * p_area) / (n + M0)


def test_the_example_sentence_and_components():
    brommaplan = place("brommaplan", "Brommaplan", cell(118, 0.42, time=True), cell(110, 0.55))
    rows = rank_priorities(
        survey(brommaplan),
        {"mentions": [mention("brommaplan", "alcohol", "evening", 4)]},
        [],
    )
    top = rows[0]
    assert (top["place"], top["problem"], top["time"]) == ("brommaplan", "alcohol", "evening")
    assert top["explanation"] == (
        "Brommaplan på kvällen: 42\xa0% känner sig otrygga (118 svar), 55\xa0% ser alkohol "
        "som ett stort problem, och frågan togs upp i 4 dialoger."
    )
    expected_survey = (shrink(110, 0.55, 0.20) + shrink(118, 0.42, 0.30)) / 2
    assert top["components"] == {
        "survey": round(expected_survey, 4),
        "dialogue": 1.0,
        "crime": 0.0,
    }
    assert top["weights"] == {"survey": 0.5, "dialogue": 0.3, "crime": 0.2}
    assert top["score"] == round(0.5 * expected_survey + 0.3, 4)


def test_english_explanation():
    brommaplan = place("brommaplan", "Brommaplan", cell(118, 0.42, time=True), cell(110, 0.55))
    rows = rank_priorities(
        survey(brommaplan),
        {"mentions": [mention("brommaplan", "alcohol", "evening", 1)]},
        [],
        locale="en",
    )
    assert row(rows, "brommaplan")["explanation"] == (
        "Brommaplan in the evening: 42% feel unsafe (118 answers), 55% see alcohol as a big "
        "problem, and it was raised in 1 dialogue."
    )


def test_small_n_is_shrunk_toward_the_area():
    # Alvik's raw shares are higher, but rest on 12 answers; Brommaplan's on 200.
    alvik = place("alvik", "Alvik", cell(12, 0.90, time=True), cell(12, 0.90))
    brommaplan = place("brommaplan", "Brommaplan", cell(200, 0.60, time=True), cell(200, 0.60))
    rows = rank_priorities(survey(alvik, brommaplan), {"mentions": []}, [])
    small, large = row(rows, "alvik"), row(rows, "brommaplan")
    assert small["components"]["survey"] == round(
        (shrink(12, 0.9, 0.2) + shrink(12, 0.9, 0.3)) / 2, 4
    )
    assert shrink(12, 0.9, 0.3) < 0.9  # pulled toward the area's 0.30
    assert large["score"] > small["score"]
    assert rows.index(large) < rows.index(small)


def test_suppressed_cell_contributes_the_area_value_and_is_never_quoted():
    alvik = place("alvik", "Alvik", hidden(7, leaked=0.99, time=True), hidden(6, leaked=0.88))
    rows = rank_priorities(
        survey(alvik), {"mentions": [mention("alvik", "alcohol", "evening", 2)]}, []
    )
    found = row(rows, "alvik")
    assert found["components"]["survey"] == round((0.20 + 0.30) / 2, 4)
    assert found["explanation"] == "Alvik på kvällen (alkohol): frågan togs upp i 2 dialoger."
    for figure in ("99", "88", "n = 7", "n = 6", "7", "6"):
        assert figure not in found["explanation"]
    # All its cells are suppressed, so only the dialogue made rows for Alvik.
    assert {(r["place"], r["time"]) for r in rows} == {("alvik", "evening")}


@given(
    n=st.integers(min_value=1, max_value=9),
    leaked=st.floats(min_value=0, max_value=1),
    dialogues=st.integers(min_value=0, max_value=3),
)
def test_suppressed_figures_never_change_the_sentence(n, leaked, dialogues):
    alvik = place("alvik", "Alvik", hidden(n, leaked, time=True), hidden(n, leaked))
    mentions = [mention("alvik", "alcohol", "evening", dialogues)] if dialogues else []
    plain = place("alvik", "Alvik", hidden(n, time=True), hidden(n))
    with_leak = rank_priorities(survey(alvik), {"mentions": mentions}, [])
    without = rank_priorities(survey(plain), {"mentions": mentions}, [])
    assert with_leak == without
    for r in with_leak:
        assert f"({n} svar)" not in r["explanation"]
        assert "%" not in r["explanation"]


def test_crime_component_from_the_best_matching_deviation():
    brommaplan = place("brommaplan", "Brommaplan", cell(100, 0.3, time=True), cell(100, 0.2))
    brommaplan["problems"]["violence"] = cell(100, 0.2)
    deviations = [
        {"area": "bromma", "category": "Misshandel", "month": "2026-03", "score": 1.0,
         "problems": ["violence"]},
        {"area": "bromma", "category": "Misshandel utomhus", "month": "2026-04", "score": 3.0,
         "problems": ["violence"]},
        {"area": "bromma", "category": "Stöld", "month": "2026-04", "score": -2.0,
         "problems": ["alcohol"]},
    ]  # fmt: skip
    rows = rank_priorities(survey(brommaplan), {"mentions": []}, deviations)
    violence = row(rows, "brommaplan", "violence")
    assert violence["components"]["crime"] == 0.75
    assert "Misshandel utomhus" in violence["explanation"]
    assert row(rows, "brommaplan", "alcohol")["components"]["crime"] == 0.0
    # Same survey evidence: the crime deviation decides.
    assert violence["score"] == pytest.approx(row(rows, "brommaplan")["score"] + 0.2 * 0.75)


def test_weights_are_applied_and_published():
    brommaplan = place("brommaplan", "Brommaplan", cell(100, 0.5, time=True), cell(100, 0.5))
    alvik = place("alvik", "Alvik", cell(100, 0.1, time=True), cell(100, 0.1))
    dialogues = {"mentions": [mention("alvik", "alcohol", "evening", 5)]}
    only_survey = Weights(survey=1.0, dialogue=0.0, crime=0.0)
    by_survey = rank_priorities(survey(brommaplan, alvik), dialogues, [], weights=only_survey)
    assert by_survey[0]["place"] == "brommaplan"
    assert by_survey[0]["score"] == by_survey[0]["components"]["survey"]
    only_dialogue = Weights(survey=0.0, dialogue=1.0, crime=0.0)
    by_dialogue = rank_priorities(survey(brommaplan, alvik), dialogues, [], weights=only_dialogue)
    assert by_dialogue[0]["place"] == "alvik"
    assert by_dialogue[0]["score"] == 1.0
    assert by_dialogue[0]["weights"] == {"survey": 0.0, "dialogue": 1.0, "crime": 0.0}
    default = rank_priorities(survey(brommaplan, alvik), dialogues, [])
    assert default[0]["place"] == "alvik"  # 0.3 x the most dialogues outweighs the survey
    for r in default:
        expected = sum(
            getattr(DEFAULT_WEIGHTS, name) * value for name, value in r["components"].items()
        )
        assert r["score"] == pytest.approx(expected, abs=1e-4)


def test_dialogue_without_time_counts_for_every_time_and_ties_are_ordered():
    rows = rank_priorities(
        {"places": [], "area_total": AREA},
        {
            "mentions": [
                mention("brommaplan", "alcohol", None, 2),
                mention("brommaplan", "alcohol", "night", 2),
                mention(None, "traffic", None, 1),
            ]
        },
        [],
        area_name="Bromma",
    )
    night = row(rows, "brommaplan", time="night")
    assert night["components"]["dialogue"] == 1.0  # 2 at night + 2 without a time
    assert row(rows, "brommaplan", time=None)["components"]["dialogue"] == 0.5
    whole = row(rows, None, "traffic", None)
    assert whole["explanation"] == "Bromma (trafik): frågan togs upp i 1 dialog."
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_ties_broken_by_place_problem_time():
    same = {"mentions": [mention("b", "litter", "day", 1), mention("a", "litter", "night", 1),
                         mention("a", "litter", "day", 1)]}  # fmt: skip
    rows = rank_priorities({"places": []}, same, [])
    assert [(r["place"], r["time"]) for r in rows] == [("a", "day"), ("a", "night"), ("b", "day")]


def test_a_share_nobody_can_show_adds_nothing():
    brommaplan = place("brommaplan", "Brommaplan", cell(100, 0.4, time=True), cell(100, 0.6))
    brommaplan["times"]["night"] = hidden(3, leaked=1.0, time=True)  # the area has no night
    rows = rank_priorities(
        survey(brommaplan), {"mentions": [mention("brommaplan", "alcohol", None, 1)]}, []
    )
    problem = shrink(100, 0.6, 0.2)
    evening = shrink(100, 0.4, 0.3)
    assert row(rows, "brommaplan", time="night")["components"]["survey"] == round(problem / 2, 4)
    # Raised without a time: the unsafe share over the times that can be shown.
    untimed = row(rows, "brommaplan", time=None)
    assert untimed["components"]["survey"] == round((problem + evening) / 2, 4)
    assert row(rows, "brommaplan")["score"] > row(rows, "brommaplan", time="night")["score"]


def test_a_problem_nobody_calls_big_gives_no_rows():
    times = {
        t: {"n": 20, "suppressed": False, "unsafe_share": 0.5, "ci": [0.3, 0.7]}
        for t in ("day", "afternoon", "evening", "night")
    }

    def problem(share):
        return {
            "n": 20,
            "suppressed": False,
            "share": share,
            "ci": [0.0, 0.2],
            "score": 1.0,
            "score_ci": [0.5, 1.5],
        }

    figures = {
        "n": 20,
        "suppressed": False,
        "times": times,
        "problems": {"alcohol": problem(0.0), "theft": problem(0.3)},
    }
    survey = {"places": [{"place": "x", "name": "X", **figures}], "area_total": figures}
    rows = rank_priorities(survey, {"mentions": []}, [])
    assert {r["problem"] for r in rows} == {"theft"}
    assert len(rows) == 4  # one per time of day

"""Suppression never leaks: no figure on fewer than suppress_below answers has a share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from analysis.survey import TIMES, Filters, survey_indicators
from survey.extensions import db
from survey.models import PopulationMargin, Response
from survey.models.places import Area
from tests.common.survey_data import add_responses

#: Keys that carry a figure; a suppressed cell must have none of them.
FIGURE_KEYS = {"share", "unsafe_share", "ci", "score", "score_ci", "options", "n_eff"}

SAFETY = st.sampled_from([None, "1", "2", "3", "4", "avoid", "na", "dk"])
PROBLEM = st.sampled_from([None, "0", "1", "2", "3", "4", "dk"])
ANSWER = st.fixed_dictionaries(
    {
        "place": st.sampled_from(["brommaplan", "alvik"]),
        **{f"safety_{time}": SAFETY for time in TIMES},
        "problem_alcohol": PROBLEM,
        "problem_traffic": PROBLEM,
        "avoided": st.sampled_from([None, "yes", "no"]),
        "victim": st.sampled_from([None, "yes", "no", "dk"]),
        "reported": st.sampled_from([None, "yes", "no"]),
        "worry": st.sampled_from([None, "1", "2", "3", "4", "dk"]),
        "police_cares": st.sampled_from([None, "1", "2", "3", "4", "dk"]),
        "police_priority": st.sampled_from([None, "presence", "alcohol;drugs", "youth;other"]),
        "gender": st.sampled_from([None, "woman", "man", "other", "na"]),
        "age_band": st.sampled_from([None, "16-24", "65+", "na"]),
    }
)


def cells(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dict with an n and a suppressed flag, anywhere in the result."""
    if isinstance(value, dict):
        if "n" in value and "suppressed" in value:
            yield path, value
        for key, inner in value.items():
            yield from cells(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from cells(inner, f"{path}[{i}]")


def check(result: dict[str, Any], threshold: int) -> int:
    """Assert the suppression rule on every cell; return how many cells were checked."""
    checked = 0
    for path, cell in cells(result):
        checked += 1
        if "times" in cell:  # a place or a group: its own figures are checked as cells
            assert cell["suppressed"] is (cell["n"] < threshold), path
            continue
        # Below the threshold always hidden; above it hidden too where subtraction would
        # give a small cell away (secondary suppression).
        if cell["n"] < threshold:
            assert cell["suppressed"], path
        if cell["suppressed"]:
            assert not FIGURE_KEYS & cell.keys(), path
        else:
            assert {"share", "unsafe_share", "options"} & cell.keys(), path
            assert "options" in cell or "ci" in cell, path
    return checked


def assert_no_subtraction_leak(result: dict[str, Any], threshold: int) -> None:
    """What the shown parts leave of a shown total rests on none or enough answers."""
    total = result["area_total"]
    groups = [result["places"], *(list(g.values()) for g in result["by_group"].values())]
    for parts in groups:
        for time in ("day", "afternoon", "evening", "night"):
            if total["times"][time]["suppressed"]:
                continue
            shown = sum(p["times"][time]["n"] for p in parts if not p["times"][time]["suppressed"])
            left = total["times"][time]["n"] - shown
            assert left == 0 or left >= threshold, (time, left)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    answers=st.lists(ANSWER, max_size=25),
    threshold=st.integers(min_value=1, max_value=8),
    weighted=st.booleans(),
)
def test_no_share_below_the_threshold(
    app: Flask, answers: list[dict[str, Any]], threshold: int, weighted: bool
) -> None:
    with app.app_context():
        db.session.execute(delete(Response))
        db.session.execute(delete(PopulationMargin))
        area_id = db.session.scalar(select(Area.id).where(Area.slug == "bromma"))
        db.session.add_all(
            PopulationMargin(area_id=area_id, age_band=a, gender=g, population=p)
            for a, g, p in [("16-24", "woman", 30), ("16-24", "man", 20), ("65+", "man", 50)]
        )
        db.session.commit()
        for answer in answers:
            add_responses(answer["place"], [{k: v for k, v in answer.items() if k != "place"}])
        with db.engine.connect() as conn:
            result = survey_indicators(
                conn, "bromma", Filters(), suppress_below=threshold, weighted=weighted
            )
    # 8 places + the area total, each with 4 times, 11 problems, 5 shares and priorities.
    assert check(result, threshold) >= 9 * (1 + 4 + 11 + 5 + 1)
    assert_no_subtraction_leak(result, threshold)
    evening = sum(a["safety_evening"] in {"1", "2", "3", "4", "avoid"} for a in answers)
    assert result["area_total"]["times"]["evening"]["n"] == evening
    assert result["n"] == len(answers)


@pytest.mark.parametrize(
    "leaky",
    [
        {"n": 2, "suppressed": True, "share": 0.5},
        {"n": 2, "suppressed": True, "score_ci": [1, 2]},
        {"n": 2, "suppressed": False, "share": 0.5, "ci": [0, 1]},
        {"n": 5, "suppressed": False},
    ],
)
def test_the_checker_catches_a_leak(leaky: dict[str, Any]) -> None:
    with pytest.raises(AssertionError):
        check({"places": [{"times": {"evening": leaky}}]}, threshold=3)

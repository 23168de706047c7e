"""The suppression rule as a checker, and hostile answers to try it on (analysis and writers).

tests/analysis/test_suppression.py checks the situation picture with it; the writers' tests
(tests/reports/test_suppression_formats.py) check that every output format keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from analysis.survey import TIMES

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

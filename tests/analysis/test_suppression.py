"""Suppression never leaks: no figure on fewer than suppress_below answers has a share."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from analysis.survey import Filters, survey_indicators
from survey.extensions import db
from survey.models import PopulationMargin, Response
from survey.models.places import Area
from tests.common.suppression import ANSWER, assert_no_subtraction_leak, check
from tests.common.survey_data import add_responses


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
            PopulationMargin(area_id=area_id, year=2025, age_band=a, gender=g, population=p)
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

"""The picture's counters from the answer counts equal those counted from the answers."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from flask import Flask
from sqlalchemy import insert, select

from analysis import packed
from analysis.counted import counted_cells, survey_counts
from analysis.survey import Filters
from analysis.tables import response
from survey.extensions import db
from survey.models import Place, Response, SurveyRound
from survey.questionnaire import builtin

DAYS = [dt.date(2025, 10, 1), dt.date(2025, 10, 2), dt.date(2025, 11, 20)]


def _random_rows(rng: random.Random, place_ids: list[int], round_ids: list[int]) -> list[dict]:
    rows = []
    for _ in range(300):
        answers = {}
        for item in builtin(1).items:
            if item.type == "single" and rng.random() < 0.8:
                answers[item.code] = rng.choice(item.values)
            elif item.type == "multi" and rng.random() < 0.6:
                chosen = rng.sample(item.values, rng.randint(1, 3))
                answers[item.code] = ";".join(v for v in item.values if v in chosen)
        rows.append(
            {
                "place_id": rng.choice(place_ids),
                "round_id": rng.choice([None, *round_ids]),
                "submitted_on": rng.choice(DAYS),
                "questionnaire_version": 1,
                "source": rng.choice(["web", "paper", "import"]),
                "held": rng.random() < 0.1,
                **answers,
            }
        )
    return rows


def _from_answers(conn, place_ids, filters):
    r = response.c
    groups = packed.grouped(
        conn,
        [r.place_id, r.gender, r.age_band],
        [r.place_id.in_(place_ids), *filters.conditions()],
        survey_counts(),
    )
    return {key: (n, {k: v for k, v in counts.items() if v}) for key, n, counts in groups}


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=DAYS[1]),
        Filters(date_to=DAYS[1], gender="woman"),
        Filters(age_band="65+"),
    ],
)
def test_counters_from_counts_equal_counters_from_answers(app: Flask, filters: Filters) -> None:
    with app.app_context():
        places = list(db.session.scalars(select(Place.id).order_by(Place.id)))[:3]
        rounds = list(db.session.scalars(select(SurveyRound.id)))
        db.session.execute(insert(Response), _random_rows(random.Random(7), places, rounds))  # noqa: S311 (test data)
        db.session.commit()
        if rounds:
            filters = (
                filters
                if filters.gender
                else Filters(**{**filters.__dict__, "round_id": rounds[0]})
            )
        with db.engine.connect() as conn:
            expected = _from_answers(conn, places, filters)
            found = {
                key: (n, {k: v for k, v in counts.items() if v})
                for key, n, counts in counted_cells(conn, places, filters)
            }
    assert expected, "the filters leave answers to compare"
    assert found == expected

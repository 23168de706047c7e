"""The picture's counters from the answer counts equal those counted from the answers."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from analysis import packed
from analysis.counted import counted_cells, counted_rows, survey_counts, whole_months
from analysis.survey import Filters
from analysis.tables import answer_count, answer_count_month, response
from survey.extensions import db
from survey.models import Place, Response, SurveyRound
from survey.questionnaire import builtin, load_text
from survey.services.responses import record_response

#: Whole months and partial ones, month ends and year ends, for the date filters to cut.
DAYS = [
    dt.date(2024, 12, 31),
    dt.date(2025, 1, 1),
    dt.date(2025, 9, 30),
    dt.date(2025, 10, 1),
    dt.date(2025, 10, 2),
    dt.date(2025, 10, 31),
    dt.date(2025, 11, 20),
    dt.date(2026, 2, 28),
]


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
        Filters(date_from=dt.date(2025, 10, 2)),
        Filters(date_to=dt.date(2025, 10, 2), gender="woman"),
        Filters(age_band="65+"),
        # Whole months only, whole months with partial ones at both ends, within one month.
        Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 10, 31)),
        Filters(date_from=dt.date(2024, 12, 31), date_to=dt.date(2025, 11, 20)),
        Filters(date_from=dt.date(2025, 10, 2), date_to=dt.date(2025, 10, 31), gender="man"),
        Filters(date_from=dt.date(2025, 9, 30), date_to=dt.date(2025, 10, 1)),
        Filters(date_from=dt.date(2025, 10, 1)),
        Filters(date_to=dt.date(2026, 2, 28)),
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


@pytest.mark.parametrize(
    ("date_from", "date_to", "months"),
    [
        (None, None, (None, None)),
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31), (dt.date(2025, 1, 1), dt.date(2025, 4, 1))),
        (dt.date(2025, 1, 2), dt.date(2025, 3, 30), (dt.date(2025, 2, 1), dt.date(2025, 3, 1))),
        (dt.date(2024, 12, 2), None, (dt.date(2025, 1, 1), None)),
        (None, dt.date(2024, 2, 29), (None, dt.date(2024, 3, 1))),
        (None, dt.date(2025, 2, 28), (None, dt.date(2025, 3, 1))),
        (dt.date(2025, 1, 5), dt.date(2025, 1, 20), (dt.date(2025, 2, 1), dt.date(2025, 1, 1))),
        (dt.date(9999, 12, 2), dt.date(9999, 12, 31), (dt.date.max, dt.date.max)),
    ],
)
def test_whole_months_of_a_date_range(date_from, date_to, months):
    assert whole_months(date_from, date_to) == months


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=dt.date(2024, 12, 31), date_to=dt.date(2025, 11, 20)),
        Filters(date_from=dt.date(2025, 10, 2), date_to=dt.date(2025, 10, 31), gender="man"),
        Filters(date_to=dt.date(2025, 9, 30), age_band="65+"),
    ],
)
def test_added_items_counted_by_months_and_days_equal_the_day_counts(
    app: Flask, filters: Filters
) -> None:
    """The added items' counts read by months and edge days equal the day counts filtered."""
    v2 = load_text(
        (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text(),
        catalogue=builtin(1),
    )
    rng = random.Random(3)  # noqa: S311 (test data)
    with app.app_context():
        places = list(db.session.scalars(select(Place).order_by(Place.id)))[:2]
        for _ in range(120):
            answers = {
                "relation": "live",
                "safety_evening": "2",
                "police_there": rng.choice(["1", "4", "5"]),
                "years_in_area": str(rng.randint(0, 3)),
            }
            # Version 1's gender and age band (the example version 2 does not ask them).
            group = {"gender": rng.choice(["woman", "man", None])}
            group["age_band"] = rng.choice(["65+", "16-24", None])
            record_response(
                db.session,
                rng.choice(places),
                2,
                {**v2.clean(answers), **group},
                submitted_on=rng.choice(DAYS),
                questionnaire=v2,
            )
        db.session.commit()
        ids = [p.id for p in places]
        with db.engine.connect() as conn:
            c = counted_rows(
                answer_count, answer_count_month, ids, filters, ("code", "value", "count")
            ).c
            keys = (c.place_id, c.gender, c.age_band, c.code, c.value)
            found = {
                tuple(row[:-1]): row[-1]
                for row in conn.execute(select(*keys, func.sum(c.count)).group_by(*keys))
            }
            d = answer_count.c
            where = [d.place_id.in_(ids)]
            for name, value in (("gender", filters.gender), ("age_band", filters.age_band)):
                if value is not None:
                    where.append(d[name] == value)
            if filters.date_from is not None:
                where.append(d.day >= filters.date_from)
            if filters.date_to is not None:
                where.append(d.day <= filters.date_to)
            keys = (d.place_id, d.gender, d.age_band, d.code, d.value)
            expected = {
                tuple(row[:-1]): row[-1]
                for row in conn.execute(
                    select(*keys, func.sum(d.count)).where(*where).group_by(*keys)
                )
            }
    assert any(key[3] == "years_in_area" for key in expected), "added items were counted"
    assert found == expected

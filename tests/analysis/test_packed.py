"""Packed counters: exact totals, and a wider layout when a group outgrows the narrow one."""

from __future__ import annotations

import pytest
from flask import Flask

from analysis import packed
from analysis.survey import PRIORITY_OPTIONS, Filters, response, survey_indicators
from survey.extensions import db
from tests.common.survey_data import add_responses, columns, place_id

EVENING = ["1", "2", "3", "4", "avoid", "na", "dk", None, "3", "4", "4", "1"]


def many_counters(count: int) -> list[packed.Counts]:
    """`count` counters of every row, each in its own field."""
    return [packed.when({f"c{i}": response.c.id > 0}) for i in range(count)]


@pytest.fixture
def twelve(app: Flask) -> Flask:
    with app.app_context():
        add_responses("brommaplan", columns(safety_evening=EVENING))
    return app


def test_packed_totals_are_exact(twelve: Flask) -> None:
    counts = [packed.by_value(response.c.safety_evening, {"3": {"x": 1}, "4": {"x": 2, "y": 1}})]
    with twelve.app_context(), db.engine.connect() as conn:
        pid = place_id("brommaplan")
        (key, n, totals), *rest = packed.grouped(
            conn, [response.c.place_id], [response.c.place_id == pid], counts
        )
    assert rest == []
    assert (key, n) == ((pid,), 12)
    assert totals == {"x": 2 + 3 * 2, "y": 3}


@pytest.mark.parametrize("fields", [3, 40])
def test_a_group_too_large_for_the_narrow_fields_is_counted_again_wider(
    twelve: Flask, monkeypatch: pytest.MonkeyPatch, fields: int
) -> None:
    # Fields of 2 bits hold 3 rows; 12 rows carry into the next field (3 fields) or, with
    # 40 fields, past 2**63, which SQLite refuses: both must fall back to the wide layout.
    monkeypatch.setattr(packed, "NARROW", 2)
    with twelve.app_context(), db.engine.connect() as conn:
        pid = place_id("brommaplan")
        [(_, n, totals)] = packed.grouped(
            conn, [response.c.place_id], [response.c.place_id == pid], many_counters(fields)
        )
    assert n == 12
    assert totals == {f"c{i}": 12 for i in range(fields)}


def test_indicators_do_not_depend_on_the_layout(
    twelve: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with twelve.app_context():
        add_responses("alvik", [{"problem_alcohol": v} for v in "0123344"])
        with db.engine.connect() as conn:
            narrow = survey_indicators(conn, "bromma", Filters(), suppress_below=2)
            monkeypatch.setattr(packed, "NARROW", 2)
            fallback = survey_indicators(conn, "bromma", Filters(), suppress_below=2)
    assert fallback == narrow
    assert narrow["area_total"]["problems"]["alcohol"]["score"] == round(17 / 7, 4)


def test_no_priority_option_is_inside_another() -> None:
    # The indicators count an option with LIKE '%option%', exact only while this holds.
    for option in PRIORITY_OPTIONS:
        assert [o for o in PRIORITY_OPTIONS if option in o] == [option]

"""The answer counts (survey.models.aggregates): read whole, and rebuilt from the answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..models.aggregates import COUNT_COLUMNS, answer_count, rebuild_sql, response_count


def counts(session: Session) -> dict[tuple[Any, ...], int]:
    """Every stored count other than 0 by its key (place, round, day, gender, age band, code,
    value); code "*" for the answers of a cell."""
    found: dict[tuple[Any, ...], int] = {}
    for row in session.execute(select(response_count)).mappings():
        cell = tuple(row[name] for name in ("place_id", "round_key", "day", "gender", "age_band"))
        found[(*cell, "*", "")] = row["answers"]
        for name, code, value in COUNT_COLUMNS:
            if row[name]:
                found[(*cell, code, value)] = row[name]
    c = answer_count.c
    rows = session.execute(
        select(c.place_id, c.round_key, c.day, c.gender, c.age_band, c.code, c.value, c.count)
    )
    found.update({tuple(row[:-1]): row[-1] for row in rows})
    return found


def rebuild(session: Session) -> int:
    """Recompute every count from the answers in the session's transaction; the caller
    commits. Returns the number of count rows."""
    for statement in rebuild_sql():
        session.execute(text(statement))
    return len(counts(session))

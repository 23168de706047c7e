"""The answer counts (survey.models.aggregates): read whole, and rebuilt from the answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..models.aggregates import answer_count, rebuild_sql


def counts(session: Session) -> dict[tuple[Any, ...], int]:
    """Every stored count by its key (place, round, day, gender, age band, code, value)."""
    c = answer_count.c
    rows = session.execute(
        select(c.place_id, c.round_key, c.day, c.gender, c.age_band, c.code, c.value, c.count)
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def rebuild(session: Session) -> int:
    """Recompute every count from the answers in the session's transaction; the caller
    commits. Returns the number of count rows."""
    for statement in rebuild_sql():
        session.execute(text(statement))
    return len(counts(session))

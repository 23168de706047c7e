"""The answer counts (survey.models.aggregates): read whole, and rebuilt from the answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from ..models.aggregates import (
    COUNT_COLUMNS,
    DAY,
    GRAINS,
    MONTH,
    Grain,
    answer_count,
    answer_count_month,
    rebuild_sql,
    response_count,
    response_count_month,
)

_TABLES: dict[Grain, tuple[Table, Table]] = {
    DAY: (response_count, answer_count),
    MONTH: (response_count_month, answer_count_month),
}


def counts(session: Session, grain: Grain = DAY) -> dict[tuple[Any, ...], int]:
    """Every stored count other than 0 of a grain by its key (place, round, day or month,
    gender, age band, code, value); code "*" for the answers of a cell."""
    wide, items = _TABLES[grain]
    cell_columns = grain.cell()
    found: dict[tuple[Any, ...], int] = {}
    for row in session.execute(select(wide)).mappings():
        cell = tuple(row[name] for name in cell_columns)
        found[(*cell, "*", "")] = row["answers"]
        for name, code, value in COUNT_COLUMNS:
            if row[name]:
                found[(*cell, code, value)] = row[name]
    keyed = [items.c[name] for name in (*cell_columns, "code", "value")]
    rows = session.execute(select(*keyed, items.c["count"]))
    found.update({tuple(row[:-1]): row[-1] for row in rows})
    return found


def rebuild(session: Session) -> int:
    """Recompute every count from the answers in the session's transaction; the caller
    commits. Returns the number of count rows (of every grain)."""
    for statement in rebuild_sql(session.get_bind().dialect.name):
        session.execute(text(statement))
    return sum(len(counts(session, grain)) for grain in GRAINS)


def all_counts(session: Session) -> dict[tuple[Any, ...], int]:
    """The counts of every grain, each key led by its grain's period column (day, month)."""
    return {
        (grain.period, *key): n for grain in GRAINS for key, n in counts(session, grain).items()
    }

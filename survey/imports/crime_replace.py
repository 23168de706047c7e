"""Monthly counts from a file (a CSV, a Brå monthly table) stored in place of the earlier ones.

A file replaces only what it covers: for each area it names, the categories it carries in
the months it gives. So the one-category tables Brå's statistics database gives, imported one
after the other for the same months, add up instead of each deleting the one before. Within
that block a month with no row for one of the file's categories is a 0, as a CSV means it
(each such month and category is recorded as covered; Brå's tables with months in columns
give an empty cell as a row of its own, missing); the area's other categories, and
other areas, are left as they were. Categories are one where only their case differs, as
the file's own check of repeated rows has them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ..models.crime import CrimeCount, CrimeCoverage
from .crime_journal import Journal, in_block, table_of


def spellings(
    session: Session, table: Table, source: str | None, written: Mapping[int, Iterable[str]]
) -> dict[int, list[str]]:
    """Per area the categories written, with every stored spelling that differs only in case
    (of ``source``; None for a table of one source, Brå's yearly counts)."""
    folded = {area_id: {c.casefold() for c in found} for area_id, found in written.items()}
    found = {area_id: set(categories) for area_id, categories in written.items()}
    query = select(table.c.area_id, table.c.category).distinct()
    query = query.where(table.c.area_id.in_(sorted(written)))
    if source is not None:
        query = query.where(table.c.source == source)
    for area_id, category in session.execute(query):
        if category is not None and category.casefold() in folded[area_id]:
            found[area_id].add(category)
    return {area_id: sorted(categories) for area_id, categories in found.items()}


def replace_counts(
    session: Session,
    source: str,
    records: Iterable[dict[str, Any]],
    zone: ZoneInfo,
    origin: str,
    journal: Journal,
) -> None:
    """Delete the source's counts in each area's block of the file, then insert the file's."""
    rows = list(records)
    months: dict[int, set[dt.date]] = {}
    written: dict[int, dict[str, str]] = {}
    for row in rows:
        months.setdefault(row["area_id"], set()).add(row["month"])
        # One spelling per category (the first): "Rån" and "rån" are one category.
        written.setdefault(row["area_id"], {}).setdefault(
            row["category"].casefold(), row["category"]
        )
    table = table_of(CrimeCount)
    categories = spellings(session, table, source, {a: c.values() for a, c in written.items()})
    blocks = [(area_id, sorted(months[area_id]), categories[area_id]) for area_id in sorted(months)]
    journal.counts_before(session, source, blocks, rows)
    for block in blocks:
        session.execute(
            table.delete().where(table.c.source == source, in_block(table, table.c.month, block))
        )
    if rows:
        session.execute(insert(table), rows)
    _cover(
        session, months, {a: sorted(c.values()) for a, c in written.items()}, zone, origin, journal
    )


def _starts(month: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """A month from local midnight to midnight, in UTC."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    starts = dt.datetime.combine(month, dt.time(), zone).astimezone(dt.UTC)
    return starts, dt.datetime.combine(following, dt.time(), zone).astimezone(dt.UTC)


def _cover(
    session: Session,
    months: Mapping[int, set[dt.date]],
    written: Mapping[int, list[str]],
    zone: ZoneInfo,
    origin: str,
    journal: Journal,
) -> None:
    """Record each (area, month, category) of the file as covered, replacing the same cells."""
    table = table_of(CrimeCoverage)
    categories = spellings(session, table, "csv", written)
    spans = {a: [_starts(month, zone) for month in sorted(found)] for a, found in months.items()}
    blocks = [(a, [starts for starts, _ends in spans[a]], categories[a]) for a in sorted(spans)]
    journal.coverage_before(session, blocks)
    for block in blocks:
        session.execute(
            table.delete().where(table.c.source == "csv", in_block(table, table.c.starts, block))
        )
    rows = [
        {
            "source": "csv",
            "area_id": area_id,
            "starts": starts,
            "ends": ends,
            "category": category,
            "origin": origin,
        }
        for area_id, area_spans in spans.items()
        for starts, ends in area_spans
        for category in written[area_id]
    ]
    if rows:
        session.execute(insert(table), rows)

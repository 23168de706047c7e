"""Monthly crime counts per area and category as series, from what each source covered.

A month's count is the sum over an area's places unless the area's own total is stored. Each
source (a Brå or other CSV, the police event lists) keeps a series of its own: the two count
different things (Brå every reported offence, the feed a selection of events), so a count of
one is never judged against the other's history. Where both gave the same category and
month, the CSV's is the count shown (``read_series``).

Missing is not zero: a month a source covered fully (a CSV's month for that area and
category; for police event lists, every day of it inside the union of the downloads, each
covering the whole country from its oldest to its newest event) and in which a category the
source counts for the area had no row is a 0; a month no source covered stays missing; a month
a source covered only partly (a few days of a download) is missing for that source, its count
too, so that it is neither evaluated nor part of a baseline (analysis.coverage).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    Select,
    String,
    column,
    func,
    or_,
    select,
    table,
)

from . import coverage
from .coverage import ZONE
from .tables import area as _area
from .tables import crime_count as _crime

#: Source preference where two sources counted the same cell.
SOURCE_ORDER = ("csv", "events")


#: What each source covered: an event list download (area_id NULL: every area), a CSV month.
crime_coverage = table(
    "crime_coverage",
    column("source", String),
    column("area_id", Integer),
    column("starts", DateTime),
    column("ends", DateTime),
    column("category", String),
)


Series = dict[dt.date, int | None]


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before, if negative) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def local_time(value: dt.datetime | str) -> dt.datetime:
    """A stored time (UTC; SQLite hands back text or naive values) in the app's time zone."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZONE)


def _coverage_query(
    columns: tuple[Any, ...], area_slug: str | None, start: dt.date, end: dt.date
) -> Select[Any]:
    """The covered stretches touching the months, of one area or all."""
    following = shift_month(end.replace(day=1), 1)
    query = (
        select(*columns)
        .join(
            _area,
            or_(crime_coverage.c.area_id == _area.c.id, crime_coverage.c.area_id.is_(None)),
        )
        .where(
            crime_coverage.c.ends >= dt.datetime.combine(start, dt.time()) - dt.timedelta(days=1),
            crime_coverage.c.starts
            < dt.datetime.combine(following, dt.time()) + dt.timedelta(days=1),
        )
    )
    return query if area_slug is None else query.where(_area.c.slug == area_slug)


_STRETCH = (_area.c.slug, crime_coverage.c.source, crime_coverage.c.starts, crime_coverage.c.ends)


def coverage_rows(
    conn: Connection, area_slug: str | None, start: dt.date, end: dt.date
) -> list[tuple[str, str, dt.datetime, dt.datetime]]:
    """(area slug, source, start, end) of every covered stretch touching the months, local;
    a CSV month covered for several categories once."""
    query = _coverage_query(_STRETCH, area_slug, start, end).distinct()
    return [
        (row.slug, row.source, local_time(row.starts), local_time(row.ends))
        for row in conn.execute(query)
    ]


def covered_months(
    conn: Connection, area_slug: str | None, start: dt.date, end: dt.date
) -> dict[tuple[str, str, str | None], dict[dt.date, str]]:
    """Month -> 'full' or 'partial' between start and end, per (area slug, source, category).

    The category (case folded) is that of a CSV month, which covers only the categories its
    file carried; None is every category of the source (an event list; a CSV month imported
    before files were replaced per category), and a category's months include those.
    The union of a source's stretches decides (analysis.coverage): overlapping downloads
    together may cover a month fully; a month no stretch touched is left out (missing).
    """
    stretches: dict[tuple[str, str, str | None], list[tuple[dt.datetime, dt.datetime]]] = {}
    query = _coverage_query((*_STRETCH, crime_coverage.c.category), area_slug, start, end)
    for row in conn.execute(query):
        category = None if row.category is None else row.category.casefold()
        span = (local_time(row.starts), local_time(row.ends))
        stretches.setdefault((row.slug, row.source, category), []).append(span)
    for (slug, source, category), spans in stretches.items():
        if category is not None:
            spans.extend(stretches.get((slug, source, None), []))
    first, last = start.replace(day=1), end.replace(day=1)
    # The categories of one file share its months: each set of stretches is judged once.
    judged: dict[tuple[tuple[dt.datetime, dt.datetime], ...], dict[dt.date, str]] = {}
    for spans in stretches.values():
        key = tuple(sorted(set(spans)))
        if key not in judged:
            found = coverage.statuses(key, ZONE).items()
            judged[key] = {m: status for m, status in found if first <= m <= last}
    return {key: judged[tuple(sorted(set(spans)))] for key, spans in stretches.items()}


def _by_source(parts: list[tuple[str, int | None, int | None, int]]) -> dict[str, int | None]:
    """One cell's count per source, from its rows: (source, place id, summed count, rows
    with NULL)."""
    counts: dict[str, int | None] = {}
    for source in {part[0] for part in parts}:
        rows = [(place, total, nulls) for src, place, total, nulls in parts if src == source]
        area_level = [(total, nulls) for place, total, nulls in rows if place is None]
        chosen = area_level or [(total, nulls) for _place, total, nulls in rows]
        # A suppressed part makes the whole unknown: a partial sum would look like a drop.
        unknown = any(nulls for _total, nulls in chosen)
        counts[source] = None if unknown else sum(total or 0 for total, _nulls in chosen)
    return counts


def shown_source(months: dict[str, Series], month: dt.date) -> str | None:
    """The source whose count of this month is shown: the first of SOURCE_ORDER with one."""
    return next((source for source in SOURCE_ORDER if month in months.get(source, {})), None)


def read_sources(
    conn: Connection, area_slug: str | None, start: dt.date, end: dt.date
) -> dict[tuple[str, str], dict[str, Series]]:
    """Monthly counts per (area slug, category) between two months, a series per source, in
    one query."""
    query = (
        select(
            _area.c.slug,
            _crime.c.category,
            _crime.c.month,
            _crime.c.source,
            _crime.c.place_id,
            func.sum(_crime.c.count).label("total"),
            (func.count() - func.count(_crime.c.count)).label("nulls"),
        )
        .join(_area, _area.c.id == _crime.c.area_id)
        .where(_crime.c.month >= start, _crime.c.month <= end)
        .group_by(
            _area.c.slug, _crime.c.category, _crime.c.month, _crime.c.source, _crime.c.place_id
        )
    )
    if area_slug is not None:
        query = query.where(_area.c.slug == area_slug)
    parts: dict[tuple[str, str, dt.date], list[tuple[str, int | None, int | None, int]]] = {}
    for row in conn.execute(query):
        month = row.month if isinstance(row.month, dt.date) else dt.date.fromisoformat(row.month)
        total = None if row.total is None else int(row.total)
        cell = parts.setdefault((row.slug, row.category, month), [])
        cell.append((row.source, row.place_id, total, int(row.nulls)))
    _fill_zeros(parts, covered_months(conn, area_slug, start, end))
    series: dict[tuple[str, str], dict[str, Series]] = {}
    for (slug, category, month), cell in parts.items():
        for source, count in _by_source(cell).items():
            series.setdefault((slug, category), {}).setdefault(source, {})[month] = count
    return series


def read_series(
    conn: Connection, area_slug: str | None, start: dt.date, end: dt.date
) -> dict[tuple[str, str], Series]:
    """Monthly counts per (area slug, category) between two months, each month's from the
    source that shows it (``shown_source``)."""
    series: dict[tuple[str, str], Series] = {}
    for key, by_source in read_sources(conn, area_slug, start, end).items():
        months = {month for counts in by_source.values() for month in counts}
        series[key] = {
            month: by_source[source][month]
            for month in months
            if (source := shown_source(by_source, month)) is not None
        }
    return series


def _fill_zeros(
    parts: dict[tuple[str, str, dt.date], list[tuple[str, int | None, int | None, int]]],
    covered: dict[tuple[str, str, str | None], dict[dt.date, str]],
) -> None:
    """A 0 for each full month of a source that counts the category in the area (of a CSV,
    a month covered for that category); a partial month's rows of that source are dropped
    (a few days' count is no month's count)."""
    sources: dict[tuple[str, str], set[str]] = {}
    for slug, category, _month in parts:
        cell_sources = {part[0] for part in parts[(slug, category, _month)]}
        sources.setdefault((slug, category), set()).update(cell_sources)
    for (slug, category), cell_sources in sources.items():
        for source in cell_sources:
            months = covered.get((slug, source, category.casefold()))
            if months is None:
                months = covered.get((slug, source, None), {})
            for month, status in months.items():
                cell = parts.setdefault((slug, category, month), [])
                if status != coverage.FULL:
                    cell[:] = [part for part in cell if part[0] != source]
                elif not any(part[0] == source for part in cell):
                    cell.append((source, None, 0, 0))

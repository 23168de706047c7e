"""Deviations in monthly crime counts: Farrington-style limits (analysis.farrington).

For a count x of one area, category and month, the reference is every month from 11 to 61
months back (NULL, suppressed, counts skipped): the same month and its neighbours (±1) in each
earlier year set the expected count, the other months of those years enter with a level of
their own per time of year, so that they sharpen the dispersion and the trend without shifting
it (when those levels are not significant, all months set it). At least three of the
same-time-of-year months, in three distinct years, are needed. With less history the
previous 12 months are the reference instead (a rolling baseline, at least 6
months with a count, no time of year, no trend). analysis.farrington fits the quasi-Poisson
log-linear model (a trend when significant at 30 %, three years are there and each half of
the reference period holds five events; past outbreaks down-weighted) and gives the upper
limit: the largest count whose mid-p value under a negative binomial with the model's mean
and the variance of a new month (dispersion plus the fitted mean's own uncertainty) is at
least 1 - level, the level being the one-sided level of z (0.99 for z = 2.326), widened by
a Student t when the dispersion was estimated. An alarm when
``x > upper`` and ``x >= 5`` (a few events are never a deviation); the score is
``(x - expected) / sqrt(variance)``.

A month's count is the sum over an area's places unless the area's own total is stored; where
both a Brå CSV and a police event list gave the same category and month, the CSV counts.

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
from zoneinfo import ZoneInfo

from scipy.special import ndtr
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
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
from .crime_categories import Mapping, is_context, problems_for, read
from .farrington import WINDOW, reference_months, upper_limit
from .tables import area as _area
from .tables import crime_count as _crime

#: One-sided 99 %: the normal quantile of the default upper limit.
Z99 = 2.326
#: Years of history the historical limits look back at most, and at least need.
MAX_YEARS, MIN_YEARS = 5, 3
#: Months of the rolling baseline, and how many of them need a count.
ROLLING_MONTHS, ROLLING_MIN = 12, 6
#: No alarm for fewer events than this, however far above the limit.
MIN_ALARM_COUNT = 5
#: Source preference where two sources counted the same cell.
SOURCE_ORDER = ("csv", "events")
#: Months are months where the events happened (DESIGN: the app's time zone).
ZONE = ZoneInfo("Europe/Stockholm")

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


#: Event counts placed in a district by the text of their events (crime_count.by_text).
crime_by_text = table(
    "crime_count",
    column("area_id", Integer),
    column("month", Date),
    column("category", String),
    column("by_text", Boolean),
)


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


def _month_range(
    months: tuple[dt.date, dt.date] | None, today: dt.date | None
) -> tuple[dt.date, dt.date]:
    if months is None:
        last = (today or dt.date.today()).replace(day=1)
        return shift_month(last, -11), last
    first, last = months[0].replace(day=1), months[1].replace(day=1)
    if first > last:
        raise ValueError("the month range ends before it starts")
    return first, last


def _combine(parts: list[tuple[str, int | None, int | None, int]]) -> int | None:
    """One cell's count from its rows: (source, place id, summed count, rows with NULL)."""
    for source in SOURCE_ORDER:
        rows = [(place, total, nulls) for src, place, total, nulls in parts if src == source]
        if not rows:
            continue
        area_level = [(total, nulls) for place, total, nulls in rows if place is None]
        chosen = area_level or [(total, nulls) for _place, total, nulls in rows]
        # A suppressed part makes the whole unknown: a partial sum would look like a drop.
        if any(nulls for _total, nulls in chosen):
            return None
        return sum(total or 0 for total, _nulls in chosen)
    return None


def read_series(
    conn: Connection, area_slug: str | None, start: dt.date, end: dt.date
) -> dict[tuple[str, str], Series]:
    """Monthly counts per (area slug, category) between two months, in one query."""
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
    parts = {key: cell for key, cell in parts.items() if cell}
    series: dict[tuple[str, str], Series] = {}
    for (slug, category, month), cell in parts.items():
        series.setdefault((slug, category), {})[month] = _combine(cell)
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


def baseline(values: Series, month: dt.date) -> tuple[list[tuple[int, int]], str] | None:
    """The reference of a month as (months back, count) pairs, 'historical' or 'rolling'."""
    pairs = [
        (back, value)
        for back in reference_months(MAX_YEARS)
        if (value := values.get(shift_month(month, -back))) is not None
    ]
    same_time = {round(back / 12) for back, _ in pairs if abs((back + 6) % 12 - 6) <= WINDOW}
    if len(same_time) >= MIN_YEARS:
        return pairs, "historical"
    rolling = [
        (back, value)
        for back in range(1, ROLLING_MONTHS + 1)
        if (value := values.get(shift_month(month, -back))) is not None
    ]
    if len(rolling) >= ROLLING_MIN:
        return rolling, "rolling"
    return None


def limit(x: int, reference: list[tuple[int, int]], kind: str, z: float = Z99) -> dict[str, Any]:
    """Expected value, upper limit, score and alarm of a count x against its reference."""
    level = float(ndtr(z))  # the normal distribution function
    # A rolling baseline has no time of year: every month is the same level.
    found = upper_limit(reference, level, window=WINDOW if kind == "historical" else 6)
    if found is None:
        return {}
    return {
        "expected": round(found.expected, 4),
        "upper_limit": round(found.upper, 4),
        "score": round(found.score(x), 4),
        "alarm": x > found.upper and x >= MIN_ALARM_COUNT,
        "dispersion": round(found.dispersion, 4),
        "trend": None if found.trend is None else round(found.trend, 4),
        "k": found.k,
    }


def evaluate(
    conn: Connection,
    area_slug: str | None,
    months: tuple[dt.date, dt.date] | None = None,
    z: float = Z99,
    today: dt.date | None = None,
    known: Mapping | None = None,
) -> list[dict[str, Any]]:
    """Evaluate every (area, category, month) with a count in the range (default: last 12 months).

    ``known`` is the category mapping with the admins' edits, read here unless given.

    Cells without enough history for either baseline are left out, and so are categories the
    mapping keeps out of crime figures.
    """
    first, last = _month_range(months, today)
    start = shift_month(first, -(12 * MAX_YEARS + 1))
    cells: list[dict[str, Any]] = []
    known = known if known is not None else read(conn)
    for (slug, category), values in sorted(read_series(conn, area_slug, start, last).items()):
        if is_context(category, known):
            continue  # not a crime (a fire, a police check): no deviations of its own
        for month in sorted(values):
            x = values[month]
            if x is None or not first <= month <= last:
                continue
            found = baseline(values, month)
            if found is None:
                continue
            reference, kind = found
            result = limit(x, reference, kind, z)
            if not result:
                continue  # the model could not be fitted: no limit, no judgement
            cells.append(
                {
                    "area": slug,
                    "category": category,
                    "month": month.strftime("%Y-%m"),
                    "count": x,
                    "expected": result["expected"],
                    "upper_limit": result["upper_limit"],
                    "score": result["score"],
                    "alarm": result["alarm"],
                    "method": kind,
                    "k": result["k"],
                    "dispersion": result["dispersion"],
                    "trend": result["trend"],
                }
            )
    return cells


def _matched_by_text(conn: Connection, months: set[dt.date]) -> set[tuple[str, str, str]]:
    """(area slug, category, YYYY-MM) of event counts placed in a district by their text."""
    if not months:
        return set()
    query = (
        select(_area.c.slug, crime_by_text.c.category, crime_by_text.c.month)
        .join(_area, _area.c.id == crime_by_text.c.area_id)
        .where(crime_by_text.c.by_text.is_(True), crime_by_text.c.month.in_(sorted(months)))
    )
    return {(row.slug, row.category, str(row.month)[:7]) for row in conn.execute(query)}


def deviations(
    conn: Connection,
    area_slug: str | None,
    months: tuple[dt.date, dt.date] | None = None,
    z: float = Z99,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The alarms only, highest score first, with the problem keys each category speaks to.

    ``matched_by_text`` marks a count of police events placed in a district by the place names
    in their text (a lower bound; see analysis.picture.crime_coverage).
    """
    known = read(conn)
    alarms = [
        {
            "area": cell["area"],
            "category": cell["category"],
            "month": cell["month"],
            "count": cell["count"],
            "expected": cell["expected"],
            "upper_limit": cell["upper_limit"],
            "score": cell["score"],
            "method": cell["method"],
            "k": cell["k"],
            "problems": problems_for(cell["category"], known),
        }
        for cell in evaluate(conn, area_slug, months, z, today, known)
        if cell["alarm"]
    ]
    by_text = _matched_by_text(conn, {dt.date.fromisoformat(f"{a['month']}-01") for a in alarms})
    for alarm in alarms:
        alarm["matched_by_text"] = (alarm["area"], alarm["category"], alarm["month"]) in by_text
    alarms.sort(key=lambda d: (-d["score"], d["month"], d["area"], d["category"]))
    return alarms

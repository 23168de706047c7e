"""Deviations in monthly crime counts: the historical-limits method of DESIGN §4.

For a count x of one area, category and month, the reference values are the counts of the
same month and its two neighbours (±1) in each of the previous 3–5 years; NULL (suppressed)
counts are skipped, and at least three values from three distinct years are needed. With less
history, the previous 12 months are the reference instead (a rolling baseline, at least 6
months with a count). With k reference values of mean m and sample variance v:

- dispersion ``phi = max(1, v / m)``;
- upper limit ``m + z * sqrt(phi * m * (1 + 1/k))``, z = 2.326 (one-sided 99 %);
- when m < 5 the normal approximation is poor: the upper limit is then the exact Poisson
  quantile at the same level, the smallest u with ``P(X <= u) >= 0.99`` for X ~ Poisson(m);
- an alarm when ``x > upper`` and ``x >= 5`` (a few events are never a deviation);
- score ``(x - m) / sqrt(phi * m * (1 + 1/k))``; 0 when m = 0 and x = 0, and computed with
  m = 0.5 in the denominator when m = 0 and x > 0 (so that it stays finite).

A month's count is the sum over an area's places unless the area's own total is stored; where
both a Brå CSV and a police event list gave the same category and month, the CSV counts.
"""

from __future__ import annotations

import datetime as dt
import math
from statistics import fmean, variance
from typing import Any

from scipy import stats
from sqlalchemy import Connection, func, select

from .crime_categories import problems_for
from .stats import poisson_upper
from .tables import area as _area
from .tables import crime_count as _crime

#: One-sided 99 %: the normal quantile of the default upper limit.
Z99 = 2.326
#: Years of history the historical limits look back at most, and at least need.
MAX_YEARS, MIN_YEARS = 5, 3
#: Months of the rolling baseline, and how many of them need a count.
ROLLING_MONTHS, ROLLING_MIN = 12, 6
#: Below this mean the exact Poisson quantile replaces the normal limit.
POISSON_BELOW = 5
#: No alarm for fewer events than this, however far above the limit.
MIN_ALARM_COUNT = 5
#: Source preference where two sources counted the same cell.
SOURCE_ORDER = ("csv", "events")


Series = dict[dt.date, int | None]


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before, if negative) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


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
    series: dict[tuple[str, str], Series] = {}
    for (slug, category, month), cell in parts.items():
        series.setdefault((slug, category), {})[month] = _combine(cell)
    return series


def baseline(values: Series, month: dt.date) -> tuple[list[int], str] | None:
    """The reference counts for a month and whether they are 'historical' or 'rolling'."""
    reference: list[int] = []
    years: set[int] = set()
    for back in range(1, MAX_YEARS + 1):
        for offset in (-1, 0, 1):
            value = values.get(shift_month(month, -12 * back + offset))
            if value is not None:
                reference.append(value)
                years.add(back)
    if len(years) >= MIN_YEARS and len(reference) >= MIN_YEARS:
        return reference, "historical"
    rolling = [
        value
        for back in range(1, ROLLING_MONTHS + 1)
        if (value := values.get(shift_month(month, -back))) is not None
    ]
    if len(rolling) >= ROLLING_MIN:
        return rolling, "rolling"
    return None


def limit(x: int, reference: list[int], z: float = Z99) -> dict[str, Any]:
    """Expected value, upper limit, score and alarm of a count x against its reference."""
    k = len(reference)
    m = fmean(reference)
    phi = max(1.0, variance(reference) / m) if m > 0 else 1.0
    spread = math.sqrt(phi * m * (1 + 1 / k))
    if m < POISSON_BELOW:
        # The same one-sided level as z (0.99 for the default), to 4 decimals.
        level = round(float(stats.norm.cdf(z)), 4)
        upper = float(poisson_upper(m, level))
        poisson = True
    else:
        upper = m + z * spread
        poisson = False
    if m > 0:
        score = (x - m) / spread
    else:
        score = 0.0 if x == 0 else x / math.sqrt(0.5 * (1 + 1 / k))
    return {
        "expected": round(m, 4),
        "upper_limit": round(upper, 4),
        "score": round(score, 4),
        "alarm": x > upper and x >= MIN_ALARM_COUNT,
        "poisson": poisson,
        "k": k,
    }


def evaluate(
    conn: Connection,
    area_slug: str | None,
    months: tuple[dt.date, dt.date] | None = None,
    z: float = Z99,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Evaluate every (area, category, month) with a count in the range (default: last 12 months).

    Cells without enough history for either baseline are left out.
    """
    first, last = _month_range(months, today)
    start = shift_month(first, -(12 * MAX_YEARS + 1))
    cells: list[dict[str, Any]] = []
    for (slug, category), values in sorted(read_series(conn, area_slug, start, last).items()):
        for month in sorted(values):
            x = values[month]
            if x is None or not first <= month <= last:
                continue
            found = baseline(values, month)
            if found is None:
                continue
            reference, kind = found
            result = limit(x, reference, z)
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
                    "method": "poisson" if result["poisson"] else kind,
                    "k": result["k"],
                }
            )
    return cells


def deviations(
    conn: Connection,
    area_slug: str | None,
    months: tuple[dt.date, dt.date] | None = None,
    z: float = Z99,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The alarms only, highest score first, with the problem keys each category speaks to."""
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
            "problems": problems_for(cell["category"]),
        }
        for cell in evaluate(conn, area_slug, months, z, today)
        if cell["alarm"]
    ]
    alarms.sort(key=lambda d: (-d["score"], d["month"], d["area"], d["category"]))
    return alarms

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

Each source's counts form their own series (analysis.crime_series): a month is judged from
the source whose count of it is shown (a Brå or other CSV before the police event lists), and
only against that source's own earlier months, since the two count different things (Brå every
reported offence, the feed a selection of events). Months a source did not cover fully are
missing, never 0, and are neither judged nor part of a baseline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scipy.special import ndtr
from sqlalchemy import Boolean, Connection, Date, Integer, String, column, select, table

from .crime_categories import Mapping, is_context, problems_for, read
from .crime_series import Series, read_sources, shift_month, shown_source
from .farrington import WINDOW, reference_months, upper_limit
from .tables import area as _area

#: One-sided 99 %: the normal quantile of the default upper limit.
Z99 = 2.326
#: Years of history the historical limits look back at most, and at least need.
MAX_YEARS, MIN_YEARS = 5, 3
#: Months of the rolling baseline, and how many of them need a count.
ROLLING_MONTHS, ROLLING_MIN = 12, 6
#: No alarm for fewer events than this, however far above the limit.
MIN_ALARM_COUNT = 5
#: Event counts placed in a district by the text of their events (crime_count.by_text).
crime_by_text = table(
    "crime_count",
    column("area_id", Integer),
    column("month", Date),
    column("category", String),
    column("by_text", Boolean),
)


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
    for (slug, category), by_source in sorted(read_sources(conn, area_slug, start, last).items()):
        if is_context(category, known):
            continue  # not a crime (a fire, a police check): no deviations of its own
        for month in sorted({month for counts in by_source.values() for month in counts}):
            source = shown_source(by_source, month)
            if source is None or not first <= month <= last:
                continue
            # Against the same source's earlier months only.
            values = by_source[source]
            x = values[month]
            if x is None:
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
                    "source": source,
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
    return judged_deviations(conn, area_slug, months, z, today)[0]


def judged_deviations(
    conn: Connection,
    area_slug: str | None,
    months: tuple[dt.date, dt.date] | None = None,
    z: float = Z99,
    today: dt.date | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The alarms, as ``deviations``, and the months (YYYY-MM) in which any count was judged:
    "no deviation" speaks of those only (a month without enough history was never judged)."""
    known = read(conn)
    judged = evaluate(conn, area_slug, months, z, today, known)
    cells = [cell for cell in judged if cell["alarm"]]
    sources = [cell["source"] for cell in cells]
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
        for cell in cells
    ]
    by_text = _matched_by_text(conn, {dt.date.fromisoformat(f"{a['month']}-01") for a in alarms})
    for alarm, source in zip(alarms, sources, strict=True):
        # Only a count of the police events can rest on events placed by their text.
        key = (alarm["area"], alarm["category"], alarm["month"])
        alarm["matched_by_text"] = source == "events" and key in by_text
    alarms.sort(key=lambda d: (-d["score"], d["month"], d["area"], d["category"]))
    return alarms, sorted({cell["month"] for cell in judged})

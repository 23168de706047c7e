"""Year-on-year change in Brå's yearly crime counts, with a 95 % interval.

Yearly counts (table crime_year_count) never feed the monthly deviation rule; they give, per
area and category, the change from one year to the next as a Poisson rate ratio. With the
same population both years, the ratio of the rates is the ratio of the counts x1 / x0.

The interval is the exact conditional one: given the total n = x0 + x1, x1 is binomial with
p = RR / (1 + RR), so the Clopper–Pearson interval of p, mapped by p / (1 - p), is an exact
interval for RR. The p-value is the exact conditional (binomial, two-sided) test of RR = 1,
as statsmodels' ``test_poisson_2indep(method="exact-cond")`` computes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy.special import betainc, betaincinv
from sqlalchemy import Connection, Integer, String, column, select, table

from .crime_categories import is_context, problems_for, read
from .tables import area as _area

crime_year_count = table(
    "crime_year_count",
    column("area_id", Integer),
    column("year", Integer),
    column("category", String),
    column("count", Integer),
)

#: The level of the interval.
LEVEL = 0.95
METHOD = "exact conditional (Clopper–Pearson on x1 given x0 + x1)"


@dataclass(frozen=True)
class RateRatio:
    """x1 / x0 (None when x0 = 0) with its interval (high None: unbounded, when x0 = 0), p."""

    ratio: float | None
    low: float
    high: float | None
    p_value: float


def rate_ratio(current: int, previous: int, level: float = LEVEL) -> RateRatio:
    """The rate ratio current / previous with an exact conditional interval.

    With none in either year there is no ratio and the data rule out nothing: the interval is
    [0, unbounded) and p = 1 (no change is as likely as any), as for a binomial of n = 0.
    """
    n = current + previous
    if n == 0:
        return RateRatio(ratio=None, low=0.0, high=None, p_value=1.0)
    alpha = 1 - level
    p_low = betaincinv(current, previous + 1, alpha / 2) if current > 0 else 0.0
    p_high = betaincinv(current + 1, previous, 1 - alpha / 2) if previous > 0 else 1.0
    return RateRatio(
        ratio=current / previous if previous else None,
        low=float(p_low / (1 - p_low)),
        high=float(p_high / (1 - p_high)) if p_high < 1 else None,
        p_value=_binomial_p(current, n),
    )


def _binomial_p(k: int, n: int) -> float:
    """Two-sided exact binomial test of p = 1/2 (scipy's binomtest): twice the smaller tail.

    The distribution is symmetric, so the tail beyond the other side's mirror of ``k`` is as
    large as ``k``'s own: 2 P(X >= n - lo) with lo = min(k, n - k), as a regularized incomplete
    beta function, I_1/2(n - lo, lo + 1). It agrees with binomtest to a few units in the last
    place (binomtest adds the two tails, each computed on its own).
    """
    if 2 * k == n:
        return 1.0
    lo = min(k, n - k)
    return min(1.0, 2 * float(betainc(n - lo, lo + 1, 0.5)))


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or math.isinf(value) else round(value, digits)


def _change(years: dict[int, int | None]) -> dict[str, Any] | None:
    """The change into the newest year with a count, from the year before it."""
    counted = sorted(year for year, count in years.items() if count is not None)
    if not counted or counted[-1] - 1 not in counted:
        return None
    year = counted[-1]
    current, previous = years[year], years[year - 1]
    if current is None or previous is None:
        return None
    # 0 and 0 is a change too (Brå's '-' both years): no ratio, nothing changed.
    result = rate_ratio(current, previous)
    return {
        "year": year,
        "previous_year": year - 1,
        "count": current,
        "previous_count": previous,
        "rate_ratio": _round(result.ratio),
        "low": _round(result.low),
        "high": _round(result.high),
        "change_percent": _round(100 * (result.ratio - 1), 1) if result.ratio is not None else None,
        "p_value": _round(result.p_value),
        # The interval leaves out 1: the change is larger than chance would explain.
        "changed": result.low > 1 or (result.high is not None and result.high < 1),
    }


def crime_yearly(conn: Connection, area_slug: str) -> list[dict[str, Any]]:
    """Per category of an area's yearly counts: every year's count and the latest change.

    '..' (suppressed) years stay missing (None), never zero, and give no change. Categories
    the mapping keeps out of crime figures (an admin's "not a crime") are left out, as they
    are of the monthly deviations.
    """
    rows = conn.execute(
        select(crime_year_count.c.category, crime_year_count.c.year, crime_year_count.c.count)
        .join(_area, _area.c.id == crime_year_count.c.area_id)
        .where(_area.c.slug == area_slug)
        .order_by(crime_year_count.c.category, crime_year_count.c.year)
    )
    known = read(conn)  # the shipped mapping with the admins' edits
    by_category: dict[str, dict[int, int | None]] = {}
    for category, year, count in rows:
        by_category.setdefault(category, {})[year] = count
    return [
        {
            "category": category,
            "problems": problems_for(category, known),
            "years": [{"year": year, "count": count} for year, count in sorted(years.items())],
            "change": _change(years),
            "level": LEVEL,
            "method": METHOD,
        }
        for category, years in by_category.items()
        if not is_context(category, known)
    ]

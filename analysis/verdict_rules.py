"""The rules of a promise's verdict (issue 15): tests per indicator, the season, Holm.

Pure functions over counts, so bench/verdicts.py simulates exactly what analysis.followup
publishes. Formulas and simulated error rates: README, *Recomputing every figure*.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from scipy.special import stdtr, stdtrit

from .stats import holm, newcombe, newcombe_p, published, rate_ratio, rate_ratio_p
from .verdicts import ALPHA, IMPROVED, NO_DATA, UNCHANGED, WORSE, overall_status

#: Earlier years whose same calendar months a crime indicator is compared with (season).
SEASON_YEARS = 3
#: How a promise's verdict was reached (stored in its follow-up as ``verdict_rule``).
PRIMARY, HOLM = "primary", "holm"


def share_test(k1: float, n1: float, k2: float, n2: float) -> dict[str, Any]:
    """Change of a share k1/n1 -> k2/n2: Newcombe interval, matching p-value and status.

    Weighted, k = share x n_eff and n = n_eff (Kish), as the shares' own Wilson intervals.
    """
    lo, hi = newcombe(k1, n1, k2, n2)
    return {
        "diff": round(k2 / n2 - k1 / n1, 4) + 0.0,
        # Stored on the side of 0 the exact bound is on: the status and the p-value (both
        # from the exact bounds) and the published interval always agree.
        "ci": published(lo, hi),
        "p_value": round(newcombe_p(k1, n1, k2, n2), 6),
        "status": IMPROVED if hi < 0 else WORSE if lo > 0 else UNCHANGED,
    }


def season_comparison(
    months: dict[dt.date, int], start: dt.date, end: dt.date, years: int = SEASON_YEARS
) -> dict[str, Any] | None:
    """The promise's months against the same calendar months of up to ``years`` earlier years.

    Only months of the promise with at least one reference month count, so both sides cover
    the same season. Returns the counts, the month lists and the dispersion phi: the Pearson
    chi-square of each calendar month's reference counts around their mean, over its degrees
    of freedom, at least 1 (1 when fewer than two degrees of freedom). None without a pair.
    """
    after: list[tuple[dt.date, int]] = []
    reference: list[tuple[dt.date, int]] = []
    chi2, df = 0.0, 0
    for month in sorted(m for m in months if start <= m <= end):
        earlier = [
            (m, months[m])
            for back in range(1, years + 1)
            if (m := month.replace(year=month.year - back)) in months
        ]
        if not earlier:
            continue
        after.append((month, months[month]))
        reference += earlier
        mean = sum(c for _, c in earlier) / len(earlier)
        if len(earlier) > 1 and mean > 0:
            chi2 += sum((c - mean) ** 2 for _, c in earlier) / mean
            df += len(earlier) - 1
    if not after:
        return None
    phi = max(1.0, chi2 / df) if df >= 2 else 1.0
    return {"after": after, "reference": sorted(reference), "phi": phi, "df": df}


def crime_test(comparison: dict[str, Any]) -> dict[str, Any] | None:
    """Rate ratio (promise months / reference months), its interval, p-value and status.

    With phi = 1 (Poisson) the interval is exact, conditional on the total (Clopper-Pearson
    on the share of crimes in the promise's months). With phi > 1 the months vary more than
    Poisson: a quasi-Poisson interval on the log ratio, widened by sqrt(phi), with a t
    quantile on phi's degrees of freedom. Its variance takes the counts expected when the
    rates are equal (the total split by months), not the observed ones: with the observed
    counts a high promise-period count shrinks its own variance, so "worse" came out too
    often (3.0-3.6 % against 2.5 %) and "improved" too seldom (bench/verdicts.py).
    """
    x_after = sum(c for _, c in comparison["after"])
    x_before = sum(c for _, c in comparison["reference"])
    t_after, t_before = len(comparison["after"]), len(comparison["reference"])
    phi, df = comparison["phi"], comparison["df"]
    if x_before == 0:
        return None
    ratio = (x_after / t_after) / (x_before / t_before)
    if phi > 1 and x_after > 0:
        # Quasi-Poisson: log ratio with variance phi (1/e_after + 1/e_before), e the counts
        # expected under equal rates, and a t quantile on the dispersion's degrees of
        # freedom, as phi is itself estimated.
        total = x_after + x_before
        e_after = total * t_after / (t_after + t_before)
        e_before = total - e_after
        se = math.sqrt(phi * (1 / e_after + 1 / e_before))
        q = float(stdtrit(df, 1 - ALPHA / 2))  # Student t quantile
        lo, hi = ratio * math.exp(-q * se), ratio * math.exp(q * se)
        p = float(2 * stdtr(df, -abs(math.log(ratio)) / se))  # both tails of a Student t
    else:
        found = rate_ratio(x_after, t_after, x_before, t_before)
        if found is None:
            return None
        _ratio, (lo, hi) = found
        p = rate_ratio_p(x_after, t_after, x_before, t_before)
    return {
        "rate_ratio": ratio,
        "ci": (lo, hi),
        "p_value": p,
        "status": IMPROVED if hi < 1 else WORSE if lo > 1 else UNCHANGED,
    }


def _direction(indicator: dict[str, Any]) -> str:
    """Which way an indicator moved: a lower share or crime rate is an improvement."""
    if "rate_ratio" in indicator:
        return IMPROVED if indicator["rate_ratio"] < 1 else WORSE
    return IMPROVED if indicator.get("diff", 0) < 0 else WORSE


def decide(indicators: list[dict[str, Any]]) -> tuple[str, str]:
    """Set each indicator's verdict and return the promise's (status, rule), in place.

    With a pre-declared primary indicator (``"primary": True``), the promise's verdict is
    that indicator's at the 5 % level; the other indicators are corrected by Holm among
    themselves. Without one, Holm's correction runs across all indicators with a result and
    the promise is improved (worse) when a corrected indicator is and none moved the other
    way. Either way the chance of calling a promise without effect "improved" stays at or
    below 2.5 % (one side of 5 %). Each indicator keeps its unadjusted ``p_value`` and gets
    ``p_adjusted`` (equal to it for the primary one).
    """
    primary = next((i for i, ind in enumerate(indicators) if ind.get("primary")), None)
    family = [
        i for i, ind in enumerate(indicators) if "p_value" in ind and ind["status"] != NO_DATA
    ]
    if primary is not None:
        family = [i for i in family if i != primary]
        if "p_value" in indicators[primary]:
            indicators[primary]["p_adjusted"] = indicators[primary]["p_value"]
    _rejected, adjusted = holm([indicators[i]["p_value"] for i in family], ALPHA)
    for i, p in zip(family, adjusted, strict=True):
        indicator = indicators[i]
        indicator["p_adjusted"] = round(p, 6)
        indicator["status"] = _direction(indicator) if p <= ALPHA else UNCHANGED
    if primary is not None:
        return indicators[primary]["status"], PRIMARY
    return overall_status([ind["status"] for ind in indicators]), HOLM

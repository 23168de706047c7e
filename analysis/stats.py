"""Interval estimates used by the situation picture (formulas in the README)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import stats

Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (n may be a Kish effective n)."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(k1: float, n1: float, k2: float, n2: float, z: float = Z95) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) for p2 - p1, from two Wilson intervals."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    diff = p2 - p1
    lower = diff - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    upper = diff + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return lower, upper


def t_interval(mean: float, sd: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Student t interval for a mean from its sample standard deviation (n may be a Kish n)."""
    if n < 2:
        raise ValueError("a t interval needs at least two values")
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def mean_sd(count: float, total: float, total_squares: float) -> tuple[float, float]:
    """Mean and sample standard deviation from n, sum and sum of squares (SQL aggregates)."""
    mean = total / count
    variance = max(0.0, (total_squares - count * mean * mean) / (count - 1)) if count > 1 else 0.0
    return mean, math.sqrt(variance)


def rate_ratio(
    x_after: int, t_after: float, x_before: int, t_before: float, level: float = 0.95
) -> tuple[float, tuple[float, float]] | None:
    """Ratio of two Poisson rates with an exact interval (conditional on the total)."""
    if x_before == 0 or t_after <= 0 or t_before <= 0:
        return None
    total = x_after + x_before
    alpha = 1 - level
    # Clopper-Pearson for the share of events that fall in the 'after' period.
    lo = float(stats.beta.ppf(alpha / 2, x_after, total - x_after + 1)) if x_after > 0 else 0.0
    hi = (
        float(stats.beta.ppf(1 - alpha / 2, x_after + 1, total - x_after))
        if x_after < total
        else 1.0
    )
    scale = t_before / t_after
    ratio = (x_after / t_after) / (x_before / t_before)
    lower = scale * lo / (1 - lo)
    upper = scale * hi / (1 - hi) if hi < 1 else math.inf
    return ratio, (lower, upper)


def kish_effective_n(weights: Sequence[float]) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    total = sum(weights)
    squares = sum(w * w for w in weights)
    return total * total / squares if squares else 0.0

"""Interval estimates used by the situation picture (formulas in the README)."""

from __future__ import annotations

import math
from collections.abc import Sequence

# scipy.special's distribution functions, not scipy.stats: importing scipy.stats costs more
# than the whole situation picture (its distributions call these same functions).
from scipy.special import betainc, betaincc, betaincinv, ndtr, stdtrit

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


def published(lo: float, hi: float, null: float = 0.0, decimals: int = 4) -> list[float]:
    """An interval's bounds rounded to ``decimals`` as they are published, kept on their side
    of ``null``: a bound that leaves it out is never written onto it (an upper bound of
    -0.00003 is stored as -0.0001, not 0), so the stored interval says what the verdict and
    its p-value, both from the exact bounds, say. No negative zero."""
    step = 10.0**-decimals
    low, high = round(lo, decimals) + 0.0, round(hi, decimals) + 0.0
    if lo > null >= low:
        low = round(null + step, decimals)
    if hi < null <= high:
        high = round(null - step, decimals)
    return [low, high]


def published_share(share: float, decimals: int = 4) -> float:
    """A share rounded as pictures carry it, but 0 or 1 only when it is: 0 % and 100 % say it
    of every answer (the disclosure audit reads them so), so a weighted 0.00003, one hit of a
    tiny weight, is 0.0001, and 0.99997 is 0.9999."""
    step = 10.0**-decimals
    rounded = round(share, decimals) + 0.0
    if rounded <= 0 < share:
        return step
    if rounded >= 1 > share:
        return round(1 - step, decimals)
    return rounded


def published_p(p: float, alpha: float, decimals: int = 2) -> float:
    """A p-value rounded to ``decimals`` as it is published, kept on its side of the level
    ``alpha`` it is judged at: one that would round onto the level is written one step away
    from it on its own side (0.0499 beside a confirmed change is 0.04, not 0.05; 0.0503
    beside none is 0.06), as ``published`` keeps an interval's bounds: that tells only
    which side of the level it is on. More decimals would keep the side too, but near 5 %
    they fit the exact counts behind the figure, which the public side rounds."""
    shown = round(p, decimals) + 0.0
    if p != alpha and shown == round(alpha, decimals):
        step = 10.0**-decimals
        shown = round(alpha - step if p < alpha else alpha + step, decimals)
    return shown


def t_interval(mean: float, sd: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Student t interval for a mean from its sample standard deviation (n may be a Kish n)."""
    if n < 2:
        raise ValueError("a t interval needs at least two values")
    half = float(stdtrit(n - 1, 0.5 + level / 2)) * sd / math.sqrt(n)
    return mean - half, mean + half


def mean_sd(count: float, total: float, total_squares: float) -> tuple[float, float]:
    """Mean and sample standard deviation from n, sum and sum of squares (SQL aggregates)."""
    mean = total / count
    variance = max(0.0, (total_squares - count * mean * mean) / (count - 1)) if count > 1 else 0.0
    return mean, math.sqrt(variance)


def rate_ratio(
    x_after: float, t_after: float, x_before: float, t_before: float, level: float = 0.95
) -> tuple[float, tuple[float, float]] | None:
    """Ratio of two Poisson rates with an exact interval (conditional on the total).

    Counts divided by a dispersion factor (quasi-Poisson) may be fractional: the beta
    quantiles take any positive parameters.
    """
    if x_before == 0 or t_after <= 0 or t_before <= 0:
        return None
    total = x_after + x_before
    alpha = 1 - level
    # Clopper-Pearson for the share of events that fall in the 'after' period.
    lo = float(betaincinv(x_after, total - x_after + 1, alpha / 2)) if x_after > 0 else 0.0
    hi = float(betaincinv(x_after + 1, total - x_after, 1 - alpha / 2)) if x_after < total else 1.0
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


#: Pseudo-answers added at each end of a score's scale for its interval (see score_interval).
SCORE_PSEUDO = 0.5


def score_interval(
    count: float, total: float, total_squares: float, maximum: float, level: float = 0.95
) -> tuple[float, float]:
    """Interval for the mean of answers on 0..maximum that never collapses to a point.

    Half an answer is added at 0 and half at ``maximum`` (SCORE_PSEUDO); the mean and sample
    variance of the augmented answers give a t interval with count - 1 degrees of freedom,
    cut to the scale. Ten answers all 0 give [0, 0.78] on 0..4 instead of [0, 0]; the pseudo
    answers weigh ever less as answers grow. By simulation (tests/analysis/test_stats.py,
    fixed seed) it covers the true mean at least 93 % of the time on skewed items from 10
    answers up, where the plain t interval covered 53-92 %. ``count`` may be a Kish n.
    """
    if count < 2:
        raise ValueError("a score interval needs at least two answers")
    a = SCORE_PSEUDO
    n = count + 2 * a
    mean = (total + a * maximum) / n
    variance = max(0.0, (total_squares + a * maximum * maximum - n * mean * mean) / (n - 1))
    half = float(stdtrit(count - 1, 0.5 + level / 2)) * math.sqrt(variance / n)
    return max(0.0, mean - half), min(float(maximum), mean + half)


def newcombe_p(k1: float, n1: float, k2: float, n2: float) -> float:
    """Two-sided p-value for p2 = p1 that agrees with Newcombe's interval (method 10).

    The interval at level 1 - p just touches 0: p < 0.05 exactly when the 95 % interval
    leaves 0 out, so a verdict from the p-value never contradicts the interval shown.
    """
    diff = k2 / n2 - k1 / n1
    if diff == 0:
        return 1.0

    def bound(z: float) -> float:
        lo, hi = newcombe(k1, n1, k2, n2, z)
        return lo if diff > 0 else -hi

    if bound(40.0) > 0:  # still leaves 0 out at z = 40: p is below any level of interest
        return 0.0
    # Only a promise's follow-up needs it: a report without one does not load scipy.optimize.
    from scipy.optimize import brentq

    z = float(brentq(bound, 1e-9, 40.0, xtol=1e-10))
    return float(2 * ndtr(-z))


def rate_ratio_p(x_after: float, t_after: float, x_before: float, t_before: float) -> float:
    """Two-sided p-value for equal Poisson rates that agrees with rate_ratio's interval.

    Conditional on the total, the 'after' count is binomial with share t_after / (t_after +
    t_before) when the rates are equal; the central (Clopper-Pearson) test doubles the
    smaller tail. Written with beta functions, so counts divided by a dispersion may be
    fractional.
    """
    total = x_after + x_before
    if total <= 0:
        return 1.0
    share = t_after / (t_after + t_before)
    # P(X >= x) and P(X <= x) for X ~ Bin(total, share), continuous in x and total.
    upper = float(betainc(x_after, total - x_after + 1, share)) if x_after > 0 else 1.0
    lower = float(betaincc(x_after + 1, total - x_after, share)) if x_after < total else 1.0
    return min(1.0, 2 * min(upper, lower))


def holm(p_values: Sequence[float], alpha: float = 0.05) -> tuple[list[bool], list[float]]:
    """Holm's step-down correction: which hypotheses are rejected, and the adjusted p-values.

    The smallest p is compared with alpha / m, the next with alpha / (m - 1), ... until one
    is not rejected; the adjusted p-value is max over j <= i of min(1, (m - j + 1) p_(j)),
    as statsmodels' multipletests(method="holm") computes it.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return [p <= alpha for p in adjusted], adjusted

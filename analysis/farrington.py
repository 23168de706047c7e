"""Upper limits for a month's crime count, Farrington style (Farrington et al. 1996; Noufaily
et al. 2013), in numpy and scipy.special (not scipy.stats, whose import takes most of a
second). The model and the reweighting are those of R's ``surveillance::farringtonFlexible``;
where this differs from it (the time of year pooled in step 2, the dispersion kept in step 4,
the trend at 30 % and its cap in step 5, the predictive variance, the widened level and the
mid-p limit in steps 6-8), bench/deviations.py shows why on simulated series.

The reference values are earlier counts of the same series, each with its distance in months
before the month evaluated. The expected count comes from a quasi-Poisson log-linear model:

1. fit ``log mu = a + b * t + season`` (t in years; a level for each month outside the same
   time of year, Noufaily et al.'s seasonal factor) by iteratively reweighted least squares;
   the trend term is tried only when the reference spans at least three years and each half
   of its period holds at least five events (TREND_MIN_EVENTS); a time of year
   without any event has no level of its own (it would be log 0) and its months are left out
   of this model only, never of the model without levels (step 2), where they count as zeros;
   dispersion
   ``phi = max(1, sum(w * (y - mu)^2 / mu) / (k - p))`` (k values, p parameters);
2. the levels per time of year are kept only when they are significant at 5 % (SEASON_P): the
   deviance difference of the unweighted fits without and with them (q more parameters)
   against a chi-square with q degrees of freedom when phi = 1, and ``(D0 - D1) / (q * phi)``
   against an F(q, k - p) otherwise. If not, the model without them is used, and every
   reference month (51 instead of 15) estimates the expected count;
3. past outbreaks are down-weighted: a value whose Anscombe residual exceeds 2.58 gets the weight
   ``r^-2`` (the weights scaled to add up to k), and the model is fitted again;
4. the dispersion kept is the larger of the two fits' (high values belong to the spread of
   over-dispersed counts even when they are taken out of the expected count);
5. the trend is kept only when it is significant at 30 % (|b / se(b)| > 1.04 with the
   dispersion-scaled covariance), else the model without it is used (again with step 2's
   choice of the time of year); a kept trend predicts at most the largest reference value
   (Farrington's guard against extrapolating too far, as a cap, where R drops the trend);
6. the count is compared with its predictive distribution: a negative binomial with the model's
   mean ``mu0`` and variance ``V = phi * mu0 + Var(mu0_hat)`` (the month's own dispersion plus
   the uncertainty of the fitted mean, by the delta method). Without a trend and without
   over-dispersion this is the Poisson-gamma predictive distribution of a count given k earlier
   ones; unlike a plain Poisson quantile it keeps the dispersion at small means, and unlike a
   normal limit it stays a count distribution at small means;
7. because the dispersion is itself estimated from a few values, a limit built on an estimated
   dispersion (phi > 1) is taken at the level that a Student t gives instead of the normal
   quantile. Its degrees of freedom are the effective ones of the dispersion estimate: k - p
   for Poisson-like counts, fewer for skewed over-dispersed counts, whose squared residuals
   vary more (the negative binomial's fourth cumulant, see ``dispersion_dof``);
8. the upper limit is the largest count whose mid-p value, ``P(X > x) + P(X = x) / 2``, is at
   least ``1 - level`` (Lancaster's mid-p): an alarm when x is above it. A count distribution
   takes only whole values, so the plain quantile's false alarms lie below the level asked for
   (0.7 % instead of 1 % at a mean of 10); the mid-p limit comes close to the level on average.

The alarm rule (the count above the limit and at least a minimum count) stays with the caller.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
from scipy import special

#: Anscombe residuals above this are down-weighted as past outbreaks (Noufaily et al. 2013).
REWEIGHT_ABOVE = 2.58
#: The trend is kept when significant at 30 % (two-sided): a real trend left out biases every
#: limit (a +10 % a year trend gave 2-3 % false alarms at the 5 % level, 1.47-1.53 % at 20 %
#: with 5,000-20,000 simulated series), while a spurious one only widens the limit through its
#: own uncertainty; series too sparse for the test are kept out by TREND_MIN_EVENTS. At 30 %
#: the rising trend gave 1.25-1.26 % (5,000 series, two seeds).
TREND_Z = 1.04
#: The levels per time of year are kept only when significant at this level; otherwise every
#: reference month estimates the expected count. On simulated series of a mean of 10 the levels
#: were kept in 3 % of flat Poisson series, 86 % with a season of +-30 %, 99.7 % with +-50 %.
SEASON_P = 0.05
#: Years the reference must span before a trend is tried.
TREND_MIN_YEARS = 3
#: Events each half of the reference period must hold before a trend is tried: the trend
#: compares the later months with the earlier ones, and its Wald test, a normal
#: approximation, fails with fewer (in the spirit of Cochran's rule of five per cell, the
#: observed counts standing in for the expected ones). Two robberies in 28 months, both in
#: the later half, would otherwise give a trend that raised the next expected count more
#: than tenfold.
TREND_MIN_EVENTS = 5
#: A reference of only zeros: the mean taken as half an event over the reference values.
ZERO_PRIOR = 0.5


@dataclasses.dataclass(frozen=True)
class Limit:
    """The expected count, its predictive spread and the upper limit of one month."""

    expected: float
    variance: float
    upper: float
    dispersion: float
    trend: float | None  # the fitted relative change per year, when the trend term is kept
    k: int

    def score(self, x: int) -> float:
        """How far x lies above the expected count, in predictive standard deviations."""
        return (x - self.expected) / math.sqrt(self.variance)


@dataclasses.dataclass
class _Fit:
    beta: np.ndarray
    cov: np.ndarray  # unscaled: (X' W X)^-1
    mu: np.ndarray
    phi: float
    dof: int  # residual degrees of freedom, k - p
    deviance: float  # of the unweighted fit


def _irls(x: np.ndarray, y: np.ndarray, w: np.ndarray, iterations: int = 50) -> _Fit | None:
    """Poisson log-linear regression with prior weights; None when it does not converge."""
    beta = np.zeros(x.shape[1])
    beta[0] = math.log(max(float(np.average(y, weights=w)), 1e-8))
    for _ in range(iterations):
        eta = x @ beta
        mu = np.exp(eta)
        z = eta + (y - mu) / mu
        weights = w * mu
        xtw = x.T * weights
        try:
            new = np.linalg.solve(xtw @ x, xtw @ z)
        except np.linalg.LinAlgError:
            return None
        if np.max(np.abs(new - beta)) < 1e-10:
            beta = new
            break
        beta = new
    else:
        return None
    mu = np.exp(x @ beta)
    xtw = x.T * (w * mu)
    cov = np.linalg.inv(xtw @ x)
    dof = len(y) - x.shape[1]
    pearson = float(np.sum(w * (y - mu) ** 2 / mu))
    deviance = 2 * float(np.sum(w * (special.xlogy(y, y / mu) - (y - mu))))
    phi = max(1.0, pearson / dof) if dof > 0 else 1.0
    return _Fit(beta, cov, mu, phi, dof, deviance)


def _anscombe(y: np.ndarray, mu: np.ndarray, phi: float) -> np.ndarray:
    return 1.5 * (y ** (2 / 3) - mu ** (2 / 3)) / (math.sqrt(phi) * mu ** (1 / 6))


def _fit(x: np.ndarray, y: np.ndarray) -> _Fit | None:
    """Fit, down-weight values far above the fit, fit again."""
    first = _irls(x, y, np.ones_like(y))
    if first is None:
        return None
    residuals = _anscombe(y, first.mu, first.phi)
    high = residuals > REWEIGHT_ABOVE
    raw = np.ones_like(y)
    raw[high] = residuals[high] ** -2.0
    if np.all(raw == 1.0):
        return first
    weights = raw * len(y) / raw.sum()
    second = _irls(x, y, weights)
    if second is not None:
        # The weights take the past outbreaks out of the expected count, not out of the
        # spread: in over-dispersed counts high values are part of it, and a dispersion
        # re-estimated without them would be too small.
        second.phi = max(second.phi, first.phi)
        second.deviance = first.deviance
    return second


def _seasonal(full: _Fit, pooled: _Fit, extra: int) -> bool:
    """Whether the ``extra`` levels per time of year are significant at SEASON_P: a
    likelihood-ratio (deviance) test, chi-square when phi = 1, F with the full model's
    dispersion otherwise. A level of a time of year without events fits its zeros exactly
    (deviance 0), so the full model's deviance over the other months is its whole deviance."""
    change = max(0.0, pooled.deviance - full.deviance)
    if full.phi <= 1.0:
        return bool(special.chdtrc(extra, change) < SEASON_P)
    return bool(special.fdtrc(extra, full.dof, change / extra / full.phi) < SEASON_P)


def dispersion_dof(dof: int, phi: float, mean: float) -> float:
    """Effective degrees of freedom of the dispersion estimate from ``dof`` residual degrees of
    freedom, for negative binomial counts of this mean and dispersion (Satterthwaite).

    A squared Pearson residual (y - mu)^2 / mu has the variance (k4 + 2 sigma^4) / mu^2, with
    sigma^2 = phi * mu and the negative binomial's fourth cumulant
    k4 = mu * (6 phi^3 - 6 phi^2 + phi); a chi-square's would be 2 phi^2. Hence
    ``dof * 2 phi mu / (6 phi^2 - 6 phi + 1 + 2 phi mu)``: about dof for Poisson counts of a mean
    of 10 or more, a quarter of it at phi = 4 and a mean of 3.
    """
    return dof * 2 * phi * mean / (6 * phi * phi - 6 * phi + 1 + 2 * phi * mean)


#: The widest level a limit is taken at: a count this unlikely alarms whatever the history.
MAX_LEVEL = 1 - 1e-9


def _level(level: float, phi: float, dof: float) -> float:
    """The level to take the limit at: widened by a Student t where phi was estimated."""
    if phi <= 1.0 or dof < 1:
        return level
    # Few degrees of freedom widen it to 1 in floating point, where every quantile is infinite.
    return min(float(special.ndtr(special.stdtrit(dof, level))), MAX_LEVEL)


def _sf(x: int | np.ndarray, mean: float, variance: float) -> np.ndarray:
    """P(X > x) for the negative binomial of this mean and variance (a Poisson when the
    variance does not exceed the mean): scipy.special's regularised incomplete beta and gamma
    functions, which scipy.stats' nbinom and poisson evaluate too."""
    x = np.asarray(x, dtype=float)
    if variance <= mean * (1 + 1e-12):
        tail = special.pdtrc(np.maximum(x, 0), mean)
    else:
        size = mean * mean / (variance - mean)
        tail = special.betainc(np.maximum(x, 0) + 1, size, mean / (size + mean))
    return np.where(x < 0, 1.0, tail)


def mid_p(x: int, mean: float, variance: float) -> float:
    """P(X > x) + P(X = x) / 2 for the negative binomial of this mean and variance."""
    return float(0.5 * (_sf(x, mean, variance) + _sf(x - 1, mean, variance)))


def _upper(mean: float, variance: float, level: float) -> float:
    """The largest count whose mid-p value is at least 1 - level: a count above it alarms.

    The mid-p value falls as the count rises, so the limit is one below the smallest count
    whose mid-p value is under 1 - level, found by bisection."""
    alpha = 1 - level
    low, high = -1, max(1, int(mean + 10 * math.sqrt(variance)))  # mid_p(low) >= alpha
    while mid_p(high, mean, variance) >= alpha:
        low, high = high, 2 * high
    while high - low > 1:  # mid_p(low) >= alpha > mid_p(high)
        middle = (low + high) // 2
        if mid_p(middle, mean, variance) >= alpha:
            low = middle
        else:
            high = middle
    return float(high - 1)


#: Months on each side of the month evaluated that count as "the same time of year".
WINDOW = 1
#: Years of history used at most.
MAX_YEARS = 5


def reference_months(years: int = MAX_YEARS, window: int = WINDOW) -> range:
    """How many months back the reference reaches: from a year back (less the window) to
    ``years`` years back (plus the window). The last months are left out, so that an outbreak
    going on now does not raise its own baseline."""
    return range(12 - window, 12 * years + window + 1)


def _season(back: np.ndarray, window: int) -> np.ndarray:
    """Indicator columns of the time of year: the months within the window of the month
    evaluated are the base level, each other month of the year a level of its own."""
    offset = (back + 6) % 12 - 6  # -6..5: months away from the same time of year
    inside = np.abs(offset) <= window
    levels = sorted({int(o) for o in offset[~inside]})
    return (
        np.column_stack([offset == level for level in levels]).astype(float)
        if levels
        else (np.zeros((len(back), 0)))
    )


def _trend_estimable(back: np.ndarray, y: np.ndarray) -> bool:
    """Whether the reference spans TREND_MIN_YEARS and each half of its period holds
    TREND_MIN_EVENTS events."""
    if len({int(round(m / 12)) for m in back}) < TREND_MIN_YEARS:
        return False
    later = back <= (back.min() + back.max()) / 2
    return min(float(y[later].sum()), float(y[~later].sum())) >= TREND_MIN_EVENTS


def upper_limit(
    reference: Sequence[tuple[int, int]], level: float = 0.99, window: int = WINDOW
) -> Limit | None:
    """The limit of the month evaluated, from (months before it, count) reference pairs.

    Months outside the same time of year enter with a level of their own (Noufaily et al.'s
    seasonal factor), so that they sharpen the dispersion and the trend without shifting the
    expected count; when those levels are not significant, every month estimates it. None
    when fewer than three reference values lie within the window.
    """
    back = np.array([float(m) for m, _ in reference])
    y = np.array([float(c) for _, c in reference])
    offset = (back + 6) % 12 - 6
    inside = np.abs(offset) <= window
    if int(inside.sum()) < 3:
        return None
    if y[inside].sum() == 0:
        # Nothing at this time of year in any reference year: the expected count is taken as
        # half an event over those months, its predictive spread as a Poisson-gamma's.
        n = int(inside.sum())
        mean = ZERO_PRIOR / n
        variance = mean * (1 + 1 / n)
        return Limit(mean, variance, _upper(mean, variance, level), 1.0, None, n)
    # A time of year without a single event has no finite level of its own (log 0), so the
    # model with a level per time of year leaves those months out; the model without levels
    # keeps them, as the zeros they are (missing is not zero: a sparse category's expected
    # count is its mean over every reference month, not over its busy ones).
    empty = {float(o) for o in set(offset[~inside]) if y[offset == o].sum() == 0}
    busy = ~np.isin(offset, list(empty))
    k = len(y)
    t = -back / 12.0  # years relative to the month evaluated (0)
    season = _season(back[busy], window)
    levels = season.shape[1] + len(empty)
    for trended in [True, False] if _trend_estimable(back, y) else [False]:
        base = np.column_stack([np.ones(k), t] if trended else [np.ones(k)])
        fit = _fit(np.column_stack([base[busy], season]), y[busy])
        if fit is None:
            continue
        if levels:
            pooled = _fit(base, y)
            if pooled is not None and not _seasonal(fit, pooled, levels):
                fit = pooled
        mean = float(math.exp(fit.beta[0]))  # t = 0, the base time of year
        trend = None
        if trended:
            se = math.sqrt(fit.phi * fit.cov[1, 1])
            if abs(fit.beta[1]) <= TREND_Z * se:
                continue
            # Farrington's guard against extrapolating too far, as a cap: R drops the trend
            # instead, which takes a category rising tenfold in five years back to its
            # five-year mean (2.9 % false alarms in bench/deviations.py; 1.2 % capped).
            mean = min(mean, float(y.max()))
            trend = math.expm1(float(fit.beta[1]))
        eta_variance = fit.phi * float(fit.cov[0, 0])
        variance = fit.phi * mean + mean * mean * eta_variance
        dof = dispersion_dof(fit.dof, fit.phi, float(np.average(fit.mu)))
        upper = _upper(mean, variance, _level(level, fit.phi, dof))
        return Limit(mean, variance, upper, fit.phi, trend, len(fit.mu))
    return None

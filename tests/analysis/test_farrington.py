"""The Farrington-style limit against statsmodels' GLM, and its edge cases."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis import farrington
from analysis.farrington import (
    SEASON_P,
    TREND_Z,
    dispersion_dof,
    mid_p,
    reference_months,
    upper_limit,
)

ROOT = Path(__file__).resolve().parents[2]


def _series(mean_of, rng: np.random.Generator | None = None) -> list[tuple[int, int]]:
    """(months back, count) for every reference month, the count from mean_of(back)."""
    return [
        (back, int(rng.poisson(mean_of(back)) if rng else round(mean_of(back))))
        for back in reference_months()
    ]


def _design(back: np.ndarray, trend: bool) -> np.ndarray:
    """The same model built independently: intercept, trend in years, a level per month
    outside the same time of year (±1 month)."""
    offset = (back + 6) % 12 - 6
    columns = [np.ones(len(back))]
    if trend:
        columns.append(-back / 12.0)
    columns += [(offset == level).astype(float) for level in sorted(set(offset)) if abs(level) > 1]
    return np.column_stack(columns)


def _glm(y: np.ndarray, design: np.ndarray) -> sm.GLM:
    return sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")


def _season_p(y: np.ndarray, back: np.ndarray) -> float:
    """The p-value of the levels per time of year: deviance difference against a chi-square
    when phi = 1, an F with the seasonal model's dispersion otherwise."""
    full, pooled = _glm(y, _design(back, trend=False)), _glm(y, np.ones((len(y), 1)))
    extra, change = pooled.df_resid - full.df_resid, pooled.deviance - full.deviance
    if full.pearson_chi2 <= full.df_resid:
        return float(stats.chi2.sf(change, extra))
    phi = full.pearson_chi2 / full.df_resid
    return float(stats.f.sf(change / extra / phi, extra, full.df_resid))


def test_the_fit_is_statsmodels_quasi_poisson_glm():
    # Seasonal counts without outbreaks, 5 years: no trend, nothing down-weighted, the
    # season clearly significant, so each time of year keeps its level.
    rng = np.random.default_rng(7)
    pairs = _series(lambda back: 12 + 6 * math.cos(2 * math.pi * back / 12), rng)
    found = upper_limit(pairs)
    assert found is not None
    assert found.trend is None
    back = np.array([b for b, _ in pairs], dtype=float)
    y = np.array([c for _, c in pairs], dtype=float)
    assert _season_p(y, back) < 1e-6
    glm = _glm(y, _design(back, trend=False))
    mean = math.exp(glm.params[0])
    phi = max(1.0, glm.pearson_chi2 / glm.df_resid)
    assert found.expected == pytest.approx(mean, rel=1e-8)
    assert found.dispersion == pytest.approx(phi, rel=1e-8)
    # Var(log mean) from the dispersion-scaled covariance (statsmodels scales by X2 itself).
    eta_variance = glm.cov_params()[0, 0] * phi / (glm.pearson_chi2 / glm.df_resid)
    assert found.variance == pytest.approx(phi * mean + mean**2 * eta_variance, rel=1e-6)
    assert found.k == len(pairs)


def test_a_clear_trend_is_fitted_and_kept():
    # 15 % more each year, means around 40: the trend is significant and kept.
    pairs = _series(lambda back: 40 * 1.15 ** (-back / 12), np.random.default_rng(3))
    found = upper_limit(pairs)
    assert found is not None
    assert found.trend == pytest.approx(0.15, abs=0.05)
    # Without the trend term the expected count would be the average of the years before.
    assert found.expected == pytest.approx(40, rel=0.15)


def test_a_trend_never_predicts_above_every_reference_value():
    # Farrington's guard: a prediction above the largest reference count is an extrapolation
    # too far. It is capped there, not dropped: without the trend the expected count of a
    # series rising 15 % a year would fall back to its five-year mean (about 29 here).
    pairs = _series(lambda back: 40 * 1.15 ** (-back / 12))  # exact, so the newest is largest
    found = upper_limit(pairs)
    assert found is not None
    assert found.trend == pytest.approx(0.15, abs=0.01)
    assert found.expected == max(c for _, c in pairs)


def test_a_sparse_series_gets_no_trend(monkeypatch):
    # Four events in five years, three of them in the later half of the reference period:
    # too few for the trend's test, so every month sets the expected count (4 / 51).
    events = {13, 20, 27, 50}
    pairs = [(back, int(back in events)) for back in reference_months()]
    found = upper_limit(pairs)
    assert found is not None
    assert found.trend is None
    assert found.expected == pytest.approx(4 / 51)
    # Without the rule the test keeps a trend of +66 % a year and quadruples the baseline.
    monkeypatch.setattr(farrington, "TREND_MIN_EVENTS", 0)
    spurious = upper_limit(pairs)
    assert spurious is not None
    assert spurious.trend is not None
    assert spurious.expected > 3 * found.expected


@pytest.mark.parametrize(
    ("later", "earlier", "estimable"),
    [
        ({11: 5}, {61: 5}, True),
        ({11: 5}, {61: 4}, False),
        ({11: 4}, {61: 5}, False),
        ({36: 5}, {37: 5}, True),  # 36, midway from 11 to 61, counts with the later half
        ({37: 5}, {61: 5}, False),
    ],
)
def test_a_trend_needs_five_events_in_each_half(later, earlier, estimable):
    events = later | earlier
    back = np.array([float(b) for b in reference_months()])
    y = np.array([float(events.get(int(b), 0)) for b in back])
    assert farrington._trend_estimable(back, y) is estimable


def test_a_past_outbreak_is_down_weighted():
    flat = _series(lambda back: 10)
    # The same month two years back held an outbreak of 60.
    bursty = [(back, 60 if back == 24 else count) for back, count in flat]
    clean, found = upper_limit(flat), upper_limit(bursty)
    assert clean is not None
    assert found is not None
    naive = np.mean([c for b, c in bursty if abs((b + 6) % 12 - 6) <= 1])
    assert naive > 13  # an unweighted mean of the same time of year would be pulled up
    assert found.expected < 11
    assert found.upper >= clean.upper  # the spread it showed stays in the limit


def test_no_event_at_this_time_of_year_gives_a_small_positive_mean():
    pairs = [(back, 0 if abs((back + 6) % 12 - 6) <= 1 else 3) for back in reference_months()]
    found = upper_limit(pairs)
    assert found is not None
    assert found.expected == pytest.approx(0.5 / 15)
    assert found.upper == stats.poisson.ppf(0.99, found.expected) or found.upper <= 1


def test_too_little_history_gives_no_limit():
    assert upper_limit([(12, 3), (24, 4)]) is None
    assert upper_limit([(5, 3), (6, 4), (7, 5)]) is None  # not the same time of year


@pytest.mark.parametrize(
    ("phi", "mean"), [(1.0, 2.0), (1.0, 10.0), (2.0, 3.0), (4.0, 3.0), (4.0, 10.0)]
)
def test_the_dispersion_dof_follow_the_negative_binomial_kurtosis(phi, mean):
    # A variance estimate of counts with excess kurtosis g2 has the precision of a chi-square
    # with dof * 2 / (g2 + 2) degrees of freedom; scipy's moments give g2 independently.
    if phi == 1.0:
        kurtosis = float(stats.poisson.stats(mean, moments="k"))
    else:
        size = mean / (phi - 1)
        kurtosis = float(stats.nbinom.stats(size, size / (size + mean), moments="k"))
    assert dispersion_dof(40, phi, mean) == pytest.approx(40 * 2 / (kurtosis + 2), rel=1e-9)


def test_the_dispersion_dof_by_hand():
    # phi = 4, mean 3 (a geometric count): 40 * 24 / (96 - 24 + 1 + 24) = 960 / 97.
    assert dispersion_dof(40, 4.0, 3.0) == pytest.approx(960 / 97)
    # Poisson, mean 10: 40 * 20 / 21.
    assert dispersion_dof(40, 1.0, 10.0) == pytest.approx(800 / 21)


def test_the_limit_is_the_largest_count_with_a_mid_p_value_of_one_percent():
    # Mean 10, variance 11: a negative binomial of size 100 and p = 100 / 110. Its 99 %
    # quantile is 19, but P(X > 19) + P(X = 19) / 2 = 0.0078 < 0.01: 19 already alarms, and
    # 18 does not (0.0146). The limit is 18.
    size, p = 100, 100 / 110
    assert stats.nbinom.ppf(0.99, size, p) == 19
    tail = {x: stats.nbinom.sf(x, size, p) + stats.nbinom.pmf(x, size, p) / 2 for x in (18, 19)}
    assert tail[18] == pytest.approx(0.014552, abs=1e-6)
    assert tail[19] == pytest.approx(0.007768, abs=1e-6)
    assert mid_p(19, 10.0, 11.0) == pytest.approx(tail[19], rel=1e-9)
    pairs = [(back, 10) for back in reference_months()]
    found = upper_limit(pairs)
    assert found is not None
    # Flat tens: phi = 1, no trend, no season (all 51 months pooled), so Var(log mu) = 1/510.
    assert (found.expected, found.dispersion, found.trend) == (pytest.approx(10), 1.0, None)
    assert found.variance == pytest.approx(10 + 100 / 510)
    size = 100 / (100 / 510)
    p = size / (size + 10)
    mid = [stats.nbinom.sf(x, size, p) + stats.nbinom.pmf(x, size, p) / 2 for x in range(30)]
    assert found.upper == min(x for x in range(30) if mid[x] < 0.01) - 1 == 18


def test_a_poisson_limit_when_the_variance_is_the_mean():
    # P(X > 18) + P(X = 18) / 2 for a Poisson of mean 10 is 0.0107, just above 1 %: 18 is the
    # limit, the same as the plain 99 % quantile here.
    assert mid_p(18, 10.0, 10.0) == pytest.approx(
        stats.poisson.sf(18, 10) + stats.poisson.pmf(18, 10) / 2, rel=1e-12
    )
    assert mid_p(18, 10.0, 10.0) > 0.01 > mid_p(19, 10.0, 10.0)


def _flat(seed: int, mean: float, dispersion: float) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Counts without season or trend: Poisson, or negative binomial of that dispersion."""
    rng = np.random.default_rng(seed)
    back = np.array(list(reference_months()), dtype=float)
    if dispersion > 1:
        size = mean / (dispersion - 1)
        y = rng.negative_binomial(size, size / (size + mean), len(back))
    else:
        y = rng.poisson(mean, len(back))
    return [(int(b), int(c)) for b, c in zip(back, y, strict=True)], back


def test_without_a_season_every_reference_month_sets_the_expected_count():
    # Flat Poisson counts, mean 10: the levels per time of year are far from significant, so
    # the expected count is the mean of all 51 reference months (the Poisson MLE of an
    # intercept-only model) instead of the 15 at the same time of year, and
    # Var(log mu) = phi / (k * mu): V = phi * mu * (1 + 1 / k).
    pairs, back = _flat(0, 10, 1)
    y = np.array([c for _, c in pairs], dtype=float)
    assert _season_p(y, back) > SEASON_P
    assert abs(_glm(y, _design(back, trend=True)[:, :2]).tvalues[1]) < TREND_Z
    pooled = _glm(y, np.ones((len(y), 1)))
    phi = max(1.0, pooled.pearson_chi2 / pooled.df_resid)
    found = upper_limit(pairs)
    assert found is not None
    assert (found.trend, found.k) == (None, 51)
    assert found.expected == pytest.approx(y.mean(), rel=1e-9)
    assert y.mean() != pytest.approx(np.mean([c for b, c in pairs if abs((b + 6) % 12 - 6) <= 1]))
    assert found.dispersion == pytest.approx(phi, rel=1e-9)
    assert found.variance == pytest.approx(phi * y.mean() * (1 + 1 / 51), rel=1e-9)


def test_over_dispersed_counts_estimate_the_dispersion():
    # Flat negative binomial counts (mean 8, dispersion 3): the season is not significant by
    # the F test with the estimated phi (a chi-square would take the over-dispersion for a
    # season), so the expected count is again the mean of all months, nothing down-weighted.
    pairs, back = _flat(4, 8, 3)
    y = np.array([c for _, c in pairs], dtype=float)
    pooled = _glm(y, np.ones((len(y), 1)))
    phi = pooled.pearson_chi2 / pooled.df_resid
    assert _season_p(y, back) > SEASON_P
    full = _glm(y, _design(back, trend=False))
    chi2_p = stats.chi2.sf(pooled.deviance - full.deviance, pooled.df_resid - full.df_resid)
    assert chi2_p < SEASON_P
    anscombe = 1.5 * (y ** (2 / 3) - y.mean() ** (2 / 3)) / (math.sqrt(phi) * y.mean() ** (1 / 6))
    assert anscombe.max() < 2.58
    found = upper_limit(pairs)
    assert found is not None
    assert found.trend is None
    assert found.expected == pytest.approx(y.mean(), rel=1e-9)
    assert found.dispersion == pytest.approx(phi, rel=1e-9)
    assert found.variance == pytest.approx(phi * y.mean() * (1 + 1 / 51), rel=1e-9)


def test_a_time_of_year_without_events_counts_its_zeros_when_the_season_is_pooled():
    # A sparse category (Poisson, mean 0.5) that by chance had no event in any reference year
    # at three times of year. Those months have no level of their own (log 0), but their zeros
    # are counts: with the season not significant, the expected count is the mean of all 51
    # months, zeros included, not of the busy months only.
    rng = np.random.default_rng(17)
    back = np.array(list(reference_months()), dtype=float)
    y = rng.poisson(0.5, len(back)).astype(float)
    offset = (back + 6) % 12 - 6
    empty = [o for o in sorted(set(offset)) if abs(o) > 1 and y[offset == o].sum() == 0]
    assert empty == [-5, -4, 2]
    busy = ~np.isin(offset, empty)
    # The season is not significant on every month: the empty levels would fit their zeros
    # exactly, so the seasonal model's deviance is that of the busy months, with 9 levels.
    full, pooled = _glm(y[busy], _design(back[busy], trend=False)), _glm(y, np.ones((len(y), 1)))
    assert full.pearson_chi2 <= full.df_resid  # phi = 1: a chi-square test
    assert stats.chi2.sf(pooled.deviance - full.deviance, 9) > SEASON_P
    assert abs(_glm(y, _design(back, trend=True)[:, :2]).tvalues[1]) < TREND_Z
    found = upper_limit([(int(b), int(c)) for b, c in zip(back, y, strict=True)])
    assert found is not None
    assert (found.trend, found.k, found.dispersion) == (None, 51, 1.0)
    assert found.expected == pytest.approx(y.mean(), rel=1e-9)
    assert found.expected < y[busy].mean() - 0.1  # leaving the zeros out pushes it up
    assert found.variance == pytest.approx(y.mean() * (1 + 1 / 51), rel=1e-9)


def test_importing_the_limits_does_not_load_scipy_stats():
    # scipy.stats takes most of a second to import; the limits need only scipy.special.
    code = "import sys, analysis.farrington; print('scipy.stats' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"

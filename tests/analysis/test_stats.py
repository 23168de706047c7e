"""Known answers for the interval formulas, against statsmodels and scipy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from analysis.stats import (
    mean_sd,
    newcombe,
    newcombe_p,
    rate_ratio,
    rate_ratio_p,
    score_interval,
    t_interval,
    wilson,
)

PROPORTIONS = [(0, 10), (1, 10), (5, 8), (10, 10), (37, 120), (999, 1000)]


@pytest.mark.parametrize(("k", "n"), PROPORTIONS)
def test_wilson_matches_statsmodels(k: int, n: int) -> None:
    expected = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert wilson(k, n) == pytest.approx(expected, abs=1e-12)


def test_wilson_accepts_an_effective_n() -> None:
    # A Kish n is not a whole number: the interval is still the Wilson formula at that n.
    lo, hi = wilson(0.3 * 41.7, 41.7)
    narrower = wilson(0.3 * 60, 60)
    assert lo < narrower[0] < narrower[1] < hi


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"),
    [(15, 20, 2, 20), (5, 10, 5, 10), (0, 12, 3, 15), (30, 30, 29, 31), (120, 400, 90, 410)],
)
def test_newcombe_matches_statsmodels(k1: int, n1: int, k2: int, n2: int) -> None:
    # Our interval is for p2 - p1 (after minus before); statsmodels gives p1 - p2.
    expected = confint_proportions_2indep(k2, n2, k1, n1, compare="diff", method="newcomb")
    assert newcombe(k1, n1, k2, n2) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    "values", [[0, 1, 2, 3, 4, 4, 0, 2], [2, 2, 3], [1, 4], [0, 0, 0, 0, 1] * 7]
)
def test_t_interval_and_mean_sd_match_scipy(values: list[int]) -> None:
    data = np.array(values, dtype=float)
    mean, sd = mean_sd(len(data), data.sum(), (data**2).sum())
    assert mean == pytest.approx(data.mean())
    assert sd == pytest.approx(data.std(ddof=1))
    expected = scipy_stats.t.interval(
        0.95, len(data) - 1, loc=data.mean(), scale=scipy_stats.sem(data)
    )
    assert t_interval(mean, sd, len(data)) == pytest.approx(expected, abs=1e-12)


def test_t_interval_needs_two_values() -> None:
    with pytest.raises(ValueError, match="two values"):
        t_interval(1.0, 0.0, 1)


#: Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10: p1 - p2.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_the_published_table(counts, published) -> None:
    k1, n1, k2, n2 = counts
    # The table gives p1 - p2; ours is "after minus before", so the second sample is "before".
    lo, hi = newcombe(k2, n2, k1, n1)
    assert (round(lo, 4), round(hi, 4)) == published


@pytest.mark.parametrize("value", [0, 4])
def test_a_score_interval_never_collapses(value: int) -> None:
    lo, hi = score_interval(10, 10 * value, 10 * value * value, 4)
    assert hi - lo > 0.5  # the plain t interval gives [value, value]
    assert lo <= value <= hi
    assert 0 <= lo
    assert hi <= 4


def test_a_score_interval_weighs_the_pseudo_answers_ever_less() -> None:
    data = np.array([0, 1, 2, 3, 4, 1, 2, 2, 1, 0] * 100, dtype=float)
    lo, hi = score_interval(len(data), data.sum(), (data**2).sum(), 4)
    plain = t_interval(data.mean(), data.std(ddof=1), len(data))
    assert (lo, hi) == pytest.approx(plain, abs=0.005)


#: Skewed answers on 0..4 (share answering 0, 1, 2, 3, 4), as problem items often are.
SKEWED = {
    "nearly all none": [0.93, 0.05, 0.01, 0.005, 0.005],
    "mostly none": [0.85, 0.1, 0.03, 0.01, 0.01],
    "leaning low": [0.6, 0.25, 0.1, 0.04, 0.01],
    "mostly very big": [0.01, 0.02, 0.07, 0.2, 0.7],
    "split": [0.45, 0.05, 0.0, 0.05, 0.45],
}


@pytest.mark.parametrize("n", [10, 20, 50])
@pytest.mark.parametrize("shares", list(SKEWED.values()), ids=list(SKEWED))
def test_the_score_interval_covers_skewed_items(n: int, shares: list[float]) -> None:
    """Coverage by simulation, fixed seed: at least 93 % (the plain t interval: 53-92 %)."""
    rng = np.random.default_rng(15)
    values = np.arange(5)
    true_mean = float(values @ np.array(shares))
    samples = rng.choice(values, size=(2000, n), p=shares).astype(float)
    covered = 0
    for sample in samples:
        lo, hi = score_interval(n, sample.sum(), (sample**2).sum(), 4)
        covered += lo <= true_mean <= hi
    assert covered / len(samples) >= 0.93


# scipy.special instead of scipy.stats (whose import costs ~0.5 s of every report): the
# distributions of scipy.stats call these same functions, so the figures are bit for bit
# those scipy.stats gives.
COUNTS = [(0, 4), (1, 1), (3, 11), (7, 0), (12.5, 3.25), (98, 120), (2590, 2483)]


@pytest.mark.parametrize(("x_after", "x_before"), COUNTS)
def test_the_rate_ratio_is_the_one_scipy_stats_gives(x_after: float, x_before: float) -> None:
    total = x_after + x_before
    found = rate_ratio(x_after, 3, x_before, 5)
    p = rate_ratio_p(x_after, 3, x_before, 5)
    share = 3 / 8
    upper = scipy_stats.beta.cdf(share, x_after, total - x_after + 1) if x_after > 0 else 1.0
    lower = scipy_stats.beta.sf(share, x_after + 1, total - x_after) if x_after < total else 1.0
    assert p == min(1.0, 2 * min(float(upper), float(lower)))
    if x_before == 0:
        assert found is None
        return
    assert found is not None
    alpha = 1 - 0.95  # as rate_ratio computes it (not exactly 0.05)
    lo = scipy_stats.beta.ppf(alpha / 2, x_after, total - x_after + 1) if x_after > 0 else 0.0
    hi = scipy_stats.beta.ppf(1 - alpha / 2, x_after + 1, total - x_after)
    assert found[1] == (5 / 3 * float(lo) / (1 - lo), 5 / 3 * float(hi) / (1 - hi))


@pytest.mark.parametrize("n", [2, 3, 7.4, 30, 1000.5])
def test_t_quantiles_are_the_ones_scipy_stats_gives(n: float) -> None:
    q = float(scipy_stats.t.ppf(0.975, n - 1))
    assert t_interval(10.0, 2.0, n) == (10.0 - q * 2.0 / np.sqrt(n), 10.0 + q * 2.0 / np.sqrt(n))
    lo, hi = score_interval(n, 1.5 * n, 3.0 * n, 4)
    m = n + 1
    mean = (1.5 * n + 2) / m
    variance = (3.0 * n + 8 - m * mean * mean) / (m - 1)
    half = q * float(np.sqrt(variance / m))
    assert (lo, hi) == (max(0.0, mean - half), min(4.0, mean + half))


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), [(10, 100, 30, 100), (5, 40, 6, 41)])
def test_the_newcombe_p_value_is_the_two_normal_tails(k1, n1, k2, n2) -> None:
    p = newcombe_p(k1, n1, k2, n2)
    z = float(scipy_stats.norm.isf(p / 2))
    # The p-value's z is where the interval touches 0.
    lo, hi = newcombe(k1, n1, k2, n2, z)
    assert min(abs(lo), abs(hi)) < 1e-8


SCIPY_STATS_PROBE = """
import sys
import analysis.stats, analysis.verdict_rules, analysis.yearly
print(sorted({"scipy.stats", "scipy.optimize"} & set(sys.modules)))
"""


def test_the_statistics_do_not_import_scipy_stats_or_optimize() -> None:
    # Each costs more CPU than the picture of an area; newcombe_p loads optimize when called.
    done = subprocess.run(
        [sys.executable, "-c", SCIPY_STATS_PROBE],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

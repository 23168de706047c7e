"""Known answers for the interval formulas, against statsmodels and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from analysis.stats import mean_sd, newcombe, t_interval, wilson

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

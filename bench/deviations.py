"""False alarms and detection of the crime-deviation rule, on simulated monthly series.

    python bench/deviations.py [--series 1000] [--months 6] [--seed 1] [--only TEXT]

For each scenario, SERIES simulated monthly series of 5 years of history plus the months
evaluated (SIMULATED: Poisson or negative binomial counts, no real data): flat (sparse ones of
a mean of 0.5 and 1 too), over-dispersed (dispersion 1.5-4), with a yearly trend, with past
outbreaks, with a yearly sinusoid of +-30 % or +-50 % around the mean at a random phase (one
of 24) per series, or emerging (+60 % a year: tenfold in five years, to a mean of 1 or 3).
Each evaluated month is judged against its reference (the same month and its neighbours in
the previous years) by:

- "before": the historical-limits rule the app used until issue 13 (kept here, as
  ``limit_before``, only to compare: mean and dispersion of the same month ±1 in earlier years,
  a normal limit, or the exact Poisson quantile below a mean of 5);
- "now": the Farrington-style rule the app uses (analysis.farrington: trend term, levels per
  time of year only when significant, quasi-Poisson dispersion at every mean, down-weighted
  past outbreaks, negative binomial predictive distribution, mid-p limit).

Both at the one-sided level 0.99 (nominal false alarms 1 %), both with the app's rule that
fewer than 5 events are never a deviation. Printed per scenario: the false-alarm rate over
SERIES x MONTHS evaluations without an outbreak, and the share of series whose last month,
doubled, raises an alarm, for both rules; then "before*", the old rule's detection with its
level moved until its false alarms in that scenario equal the new rule's (a rule can buy
detection with false alarms, so this is the comparison at equal cost), and "best", the
detection of the most powerful rule at exactly 1 % false alarms that knows the true mean and
dispersion (a bound no estimating rule reaches at that rate). Target (issue 13): false alarms
at most 1.5 % everywhere, detection of a doubling no worse than before. With a season, the
doubling is of the true mean of the month judged, and "best" is averaged over the 24 phases.
All scenarios draw from one generator in turn, so adding a scenario changes the draws of those
after it.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scipy import stats  # noqa: E402

from analysis.deviations import MIN_ALARM_COUNT  # noqa: E402
from analysis.farrington import reference_months, upper_limit  # noqa: E402

HISTORY_YEARS = 5
LEVEL = 0.99
Z = 2.326
#: The false-alarm rate issue 13 allows: nominal + 0.5 points.
TARGET = 0.015


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    mean: float  # the expected count of the last month
    dispersion: float = 1.0  # variance / mean
    trend: float = 0.0  # relative change per year
    outbreaks: float = 0.0  # chance that a past month is doubled
    season: float = 0.0  # amplitude of a yearly sinusoid, relative to the mean

    def means(self) -> np.ndarray:
        """The true means of the month judged over the phases of the season (one without)."""
        phases = np.arange(24) / 24 * 2 * math.pi if self.season else np.zeros(1)
        return self.mean * (1 + self.season * np.sin(phases))


SCENARIOS = [
    *(Scenario(f"Poisson, mean {m}", m) for m in (2, 5, 10, 20)),
    *(Scenario(f"dispersion {d}, mean {m}", m, d) for m in (3, 10) for d in (1.5, 2, 4)),
    *(Scenario(f"season ±{a:.0%}, mean 10", 10, season=a) for a in (0.3, 0.5)),
    Scenario("trend +10 %/year, mean 10", 10, trend=0.10),
    Scenario("trend -10 %/year, mean 10", 10, trend=-0.10),
    Scenario("past outbreaks (5 %), mean 10", 10, outbreaks=0.05),
    # Sparse categories, whose times of year often have no event at all (last, so that the
    # scenarios above draw the same series as before they were added).
    *(Scenario(f"Poisson, mean {m}", m) for m in (0.5, 1)),
    # Emerging categories: tenfold in five years, so that the early reference holds only a
    # few events and the trend is often not tried (TREND_MIN_EVENTS).
    *(Scenario(f"emerging +60 %/year, to mean {m}", m, trend=0.6) for m in (1, 3)),
]


def simulate(rng: np.random.Generator, scenario: Scenario, months: int) -> tuple[np.ndarray, float]:
    """One series of 12 * HISTORY_YEARS + months counts, its last month at scenario.mean (at
    a random phase of the season, if any), and the true mean of that last month."""
    length = 12 * HISTORY_YEARS + months
    t = (np.arange(length) - (length - 1)) / 12.0
    mean = scenario.mean * (1 + scenario.trend) ** t
    if scenario.season:
        phase = 2 * math.pi * rng.integers(len(scenario.means())) / len(scenario.means())
        mean = mean * (1 + scenario.season * np.sin(2 * math.pi * t + phase))
    if scenario.outbreaks:  # in the history only: the months evaluated have none
        past = np.arange(length) < length - months
        mean = mean * np.where(past & (rng.random(length) < scenario.outbreaks), 2.0, 1.0)
    if scenario.dispersion > 1:
        size = mean / (scenario.dispersion - 1)
        return rng.negative_binomial(size, size / (size + mean)).astype(int), float(mean[-1])
    return rng.poisson(mean).astype(int), float(mean[-1])


def reference(series: np.ndarray, index: int) -> list[tuple[int, int]]:
    """(months back, count) of every month the Farrington-style rule reads."""
    return [(b, int(series[index - b])) for b in reference_months() if index - b >= 0]


def window(pairs: list[tuple[int, int]]) -> list[int]:
    """The counts of the same month and its neighbours in each earlier year (the old rule)."""
    return [c for b, c in pairs if abs((b + 6) % 12 - 6) <= 1]


def limit_before(x: int, reference: list[int], z: float = Z) -> bool:
    """The rule as it was: whether x raises an alarm against its reference counts."""
    k, m = len(reference), float(np.mean(reference))
    phi = max(1.0, float(np.var(reference, ddof=1)) / m) if m > 0 else 1.0
    if m < 5:
        upper = float(stats.poisson.ppf(round(float(stats.norm.cdf(z)), 4), m))
    else:
        upper = m + z * (phi * m * (1 + 1 / k)) ** 0.5
    return x > upper and x >= MIN_ALARM_COUNT


def critical_before(x: int, reference: list[int]) -> float:
    """The largest z at which the old rule still raises an alarm for x (-inf: never): the
    rule alarms at level z exactly when z is below this. Lets the old rule be compared at
    another level without judging every month again."""
    if len(reference) < 3 or x < MIN_ALARM_COUNT:
        return -math.inf
    k, m = len(reference), float(np.mean(reference))
    if m < 5:  # x > Poisson quantile at Phi(z)  <=>  Phi(z) <= P(X <= x - 1)
        return float(stats.norm.ppf(stats.poisson.cdf(x - 1, m)))
    phi = max(1.0, float(np.var(reference, ddof=1)) / m)
    return (x - m) / (phi * m * (1 + 1 / k)) ** 0.5


def alarm_before(x: int, pairs: list[tuple[int, int]]) -> bool:
    reference = window(pairs)
    return len(reference) >= 3 and limit_before(x, reference)


def alarm_now(x: int, pairs: list[tuple[int, int]]) -> bool:
    found = upper_limit(pairs, LEVEL)
    return found is not None and x > found.upper and x >= MIN_ALARM_COUNT


def _distribution(mean: float, dispersion: float) -> tuple[Any, tuple[float, ...]]:
    if dispersion <= 1:
        return stats.poisson, (mean,)
    size = mean / (dispersion - 1)
    return stats.nbinom, (size, size / (size + mean))


def best_detection(scenario: Scenario, alpha: float = 1 - LEVEL) -> float:
    """The detection of a doubling by the most powerful one-month rule with false alarms of
    exactly alpha: the true mean and dispersion known (the Neyman-Pearson test, randomised at
    the limit count), averaged over the phases of the season. No rule that has to estimate
    them can do better at that rate."""
    found = []
    for mean in scenario.means():
        family, null = _distribution(mean, scenario.dispersion)
        _family, doubled = _distribution(mean * 2, scenario.dispersion)
        u = max(int(family.ppf(1 - alpha, *null)), MIN_ALARM_COUNT - 1)
        share = (alpha - family.sf(u, *null)) / family.pmf(u, *null) if u >= MIN_ALARM_COUNT else 0
        found.append(family.sf(u, *doubled) + max(0.0, share) * family.pmf(u, *doubled))
    return float(np.mean(found))


def one_level(results: list[dict], rate: float) -> float:
    """The lowest z at which the old rule's false alarms stay within ``rate`` in every
    scenario: one level for all, as a rule in use has (never below its own 2.326)."""
    z = Z
    for result in results:
        ordered = sorted(result["critical"]["null"], reverse=True)
        allowed = int(math.floor(rate * len(ordered) + 1e-9))
        if allowed < len(ordered):
            z = max(z, ordered[allowed])
    return z


def at_same_rate(null: list[float], doubled: list[float], rate: float) -> float:
    """The old rule's detection with its level moved so that its false alarms (over the
    critical values ``null``) do not exceed ``rate``."""
    ordered = sorted(null, reverse=True)
    allowed = int(math.floor(rate * len(ordered) + 1e-9))
    z = ordered[allowed] if allowed < len(ordered) else -math.inf
    return sum(c > z for c in doubled) / len(doubled)


def run(scenario: Scenario, series: int, months: int, rng: np.random.Generator) -> dict:
    false = {"before": 0, "now": 0}
    caught = {"before": 0, "now": 0}
    critical: dict[str, list[float]] = {"null": [], "doubled": []}
    evaluated = 0
    per_series = []  # the rule's false alarms in each series, for the Monte Carlo error
    for _ in range(series):
        data, mean = simulate(rng, scenario, months)
        last = len(data) - 1
        alarms = 0
        for index in range(last - months + 1, last + 1):
            pairs = reference(data, index)
            x = int(data[index])
            false["before"] += alarm_before(x, pairs)
            alarms += alarm_now(x, pairs)
            critical["null"].append(critical_before(x, window(pairs)))
            evaluated += 1
        false["now"] += alarms
        per_series.append(alarms)
        # The last month again, with its expected count doubled (an outbreak to find).
        doubled = mean * 2
        if scenario.dispersion > 1:
            size = doubled / (scenario.dispersion - 1)
            x = int(rng.negative_binomial(size, size / (size + doubled)))
        else:
            x = int(rng.poisson(doubled))
        pairs = reference(data, last)
        caught["before"] += alarm_before(x, pairs)
        caught["now"] += alarm_now(x, pairs)
        critical["doubled"].append(critical_before(x, window(pairs)))
    false_now = false["now"] / evaluated
    return {
        "false_before": false["before"] / evaluated,
        "false_now": false_now,
        # The months of one series share their reference, so their alarms are not
        # independent: the standard error of the rate is that of the series' own rates.
        "false_now_se": float(np.std(per_series, ddof=1)) / months / math.sqrt(series),
        "found_before": caught["before"] / series,
        "found_now": caught["now"] / series,
        "found_before_same": at_same_rate(critical["null"], critical["doubled"], false_now),
        "found_best": best_detection(scenario),
        "critical": critical,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--months", type=int, default=6, help="months evaluated per series")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only", help="only the scenarios whose name has this text (they draw other series)"
    )
    args = parser.parse_args()
    scenarios = [s for s in SCENARIOS if not args.only or args.only in s.name]
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    print(
        f"{args.series} simulated series per scenario, {args.months} months evaluated each;"
        f" nominal false alarms {1 - LEVEL:.1%}, target <= {TARGET:.1%}"
    )
    results = [run(scenario, args.series, args.months, rng) for scenario in scenarios]
    held = one_level(results, TARGET)
    print(
        f"{'':34} {'false alarms':>30}   {'doubling found':>40}\n"
        f"{'scenario':34} {'before':>9} {'now':>9} {'before**':>9}"
        f"   {'before':>8} {'now':>8} {'before*':>8} {'before**':>8} {'best':>8}"
    )
    worst = (0.0, 0.0, "")
    for scenario, found in zip(scenarios, results, strict=True):
        worst = max(worst, (found["false_now"], found["false_now_se"], scenario.name))
        null, doubled = found["critical"]["null"], found["critical"]["doubled"]
        held_false = sum(c > held for c in null) / len(null)
        held_found = sum(c > held for c in doubled) / len(doubled)
        print(
            f"{scenario.name:34} {found['false_before']:9.2%} {found['false_now']:9.2%}"
            f" {held_false:9.2%}   {found['found_before']:8.1%} {found['found_now']:8.1%}"
            f" {found['found_before_same']:8.1%} {held_found:8.1%} {found['found_best']:8.1%}"
        )
    print(
        "before* = the old rule with its level moved to give the same false alarms as now in"
        " that scenario;\nbefore** = the old rule at one level for all scenarios,"
        f" z = {held:.3f}, the lowest that keeps its false alarms <= {TARGET:.1%} in each;\n"
        "best = the most powerful rule at exactly 1 % false alarms, knowing the true mean and"
        " dispersion."
    )
    rate, error, name = worst
    print(
        f"worst false-alarm rate now: {rate:.2%} ({name}), Monte Carlo 95 % interval"
        f" {rate - 1.96 * error:.2%} to {rate + 1.96 * error:.2%}; seed {args.seed};"
        f" {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()

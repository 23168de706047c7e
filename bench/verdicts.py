"""How often a follow-up calls a promise without any effect "improved" (issue 15).

Simulates promises whose indicators do not change at all and prints the share called
"improved" (and "worse") by the verdict rules, beside the nominal 2.5 % (one side of a
two-sided 5 % test):

- surveys: five share indicators (unsafe shares, problem shares) measured before and after
  on the same respondents' rounds, judged one by one as before issue 15 (improved when any
  interval leaves 0 out and none says worse), with Holm's correction, and by a primary one;
- crime: monthly counts with a season, a promise period compared with the months just
  before it (the old rule) and with the same months of earlier years (the new one), for
  Poisson and overdispersed (negative binomial) counts.

    python bench/verdicts.py [--promises 20000] [--seed 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from typing import Any

import numpy as np

from analysis.followup import crime_test, decide, overall_status, season_comparison, share_test
from analysis.stats import rate_ratio
from analysis.verdicts import IMPROVED, WORSE

#: Five survey indicators of one promise: their true share (unchanged), 100 answers a round.
SHARES = (0.45, 0.3, 0.25, 0.2, 0.35)
ANSWERS = 100
#: A crime category with a season: mean per month, peak in summer.
BASE, SEASON = 30.0, 0.35


def survey_promise(rng: np.random.Generator, primary: bool = False) -> dict[str, str]:
    """One promise without effect: each rule's verdict ("old", "holm" or "primary")."""
    indicators: list[dict[str, Any]] = []
    # The same respondents answer every item: a shared worry level correlates them.
    for side in (0, 1):
        shift = rng.normal(0, 0.04, size=ANSWERS)
        for i, share in enumerate(SHARES):
            p = np.clip(share + shift, 0.01, 0.99)
            k = int((rng.random(ANSWERS) < p).sum())
            if side == 0:
                indicators.append({"kind": "unsafe_share", "k1": k})
            else:
                indicators[i].update(share_test(indicators[i]["k1"], ANSWERS, k, ANSWERS))
    old = overall_status([ind["status"] for ind in indicators])
    holm_status, _ = decide([dict(ind) for ind in indicators])
    declared = [dict(ind) for ind in indicators]
    declared[0]["primary"] = True
    primary_status, _ = decide(declared)
    return {"old": old, "holm": holm_status, "primary": primary_status}


def _mean(month: int) -> float:
    return BASE * (1 + SEASON * math.cos(2 * math.pi * (month - 7) / 12))


def crime_promise(rng: np.random.Generator, size: float | None) -> dict[str, str]:
    """A six-month promise from April, no effect: old rule vs same months of earlier years.

    ``size`` is the negative binomial size (None: Poisson); variance = mean + mean^2 / size.
    """
    months: dict[dt.date, int] = {}
    for year in (2022, 2023, 2024, 2025, 2026):
        for month in range(1, 13):
            mean = _mean(month)
            if size is None:
                count = int(rng.poisson(mean))
            else:
                count = int(rng.negative_binomial(size, size / (size + mean)))
            months[dt.date(year, month, 1)] = count
    start, end = dt.date(2026, 4, 1), dt.date(2026, 9, 30)
    after = [c for m, c in months.items() if start <= m <= end]
    before = [c for m, c in months.items() if dt.date(2025, 10, 1) <= m < start]
    found = rate_ratio(sum(after), len(after), sum(before), len(before))
    old = "unchanged"
    if found is not None:
        _ratio, (lo, hi) = found
        old = IMPROVED if hi < 1 else WORSE if lo > 1 else "unchanged"
    comparison = season_comparison(months, start, end)
    tested = crime_test(comparison) if comparison else None
    return {"old": old, "season": tested["status"] if tested else "not enough data"}


def rates(verdicts: list[dict[str, str]], rule: str) -> tuple[float, float]:
    """Shares called improved and worse by one rule."""
    improved = sum(v[rule] == IMPROVED for v in verdicts) / len(verdicts)
    worse = sum(v[rule] == WORSE for v in verdicts) / len(verdicts)
    return improved, worse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--promises", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{args.promises} simulated promises without effect; nominal 'improved': 2.5 %")
    surveys = [survey_promise(rng) for _ in range(args.promises)]
    for rule, said in (
        ("old", "each of 5 indicators at 5 %, no correction (before issue 15)"),
        ("holm", "Holm's correction across the 5 indicators"),
        ("primary", "a pre-declared primary indicator"),
    ):
        improved, worse = rates(surveys, rule)
        print(f"survey  {said:62} improved {improved:6.2%}  worse {worse:6.2%}")
    for size, name in ((None, "Poisson"), (20.0, "negative binomial, size 20")):
        crimes = [crime_promise(rng, size) for _ in range(args.promises // 4)]
        for rule, said in (("old", "vs the 6 months just before"), ("season", "vs same months")):
            improved, worse = rates(crimes, rule)
            print(f"crime   {name:27} {said:34} improved {improved:6.2%}  worse {worse:6.2%}")


if __name__ == "__main__":
    main()

"""Where the deviation rule loses detection, and what buying it back costs: the rule of
analysis.farrington beside variants of it, on bench/deviations.py's simulated series.

    python bench/deviation_variants.py [--series 2000] [--seed 7] [--only TEXT]

Each variant changes one step of the rule for this run only (the functions of
analysis.farrington are replaced in this process, never in the app):

- "now": the rule as the app uses it;
- "no trend": the trend term never tried;
- "phi = 1": the dispersion taken as 1 (Poisson), the trend as now;
- "phi = 1, no trend": both; what the old rule did below a mean of 5;
- "pretest 5 %" / "pretest 20 %": the dispersion estimated only when Pearson's X^2 says the
  counts vary more than Poisson at that level, else 1;
- "reweighted phi": the dispersion of the down-weighted fit alone (as R's farringtonFlexible),
  not the larger of the two fits';
- "phi unfloored": the dispersion as estimated, below 1 too (Farrington's rule and the app's
  take at least 1); a limit on a dispersion below 1 is a Poisson one, not widened.

Every variant sees the same simulated series (SIMULATED counts, no real data): per scenario,
SERIES series, 6 months evaluated each for false alarms, the last month doubled for detection.
Printed per scenario and variant: the false-alarm rate and the share of doublings found, with
the old rule's ("before") beside them. The issue-13 targets: false alarms <= 1.5 % in every
scenario, detection no worse than before.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from scipy import special

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import deviations as bench  # noqa: E402

import analysis.farrington as rule  # noqa: E402

#: The scenarios where the variants differ most (bench/deviations.py's names).
DEFAULT_SCENARIOS = (
    "Poisson, mean 5",
    "Poisson, mean 10",
    "dispersion 1.5, mean 3",
    "dispersion 2, mean 3",
    "dispersion 4, mean 3",
    "dispersion 1.5, mean 10",
    "dispersion 2, mean 10",
    "past outbreaks (5 %), mean 10",
    "trend +10 %/year, mean 10",
)


def _with_phi(change: Callable[[Any], None]) -> Callable[[], Iterator[None]]:
    """A variant that changes each fit's dispersion after it is estimated."""

    @contextlib.contextmanager
    def variant() -> Iterator[None]:
        original = rule._irls

        def irls(*args: Any, **kwargs: Any) -> Any:
            fit = original(*args, **kwargs)
            if fit is not None:
                change(fit)
            return fit

        rule._irls = irls
        try:
            yield
        finally:
            rule._irls = original

    return variant


def _phi_one(fit: Any) -> None:
    fit.phi = 1.0


def _pretest(level: float) -> Callable[[Any], None]:
    def change(fit: Any) -> None:
        if fit.dof > 0 and fit.phi > 1 and special.chdtrc(fit.dof, fit.phi * fit.dof) > level:
            fit.phi = 1.0

    return change


@contextlib.contextmanager
def _no_trend() -> Iterator[None]:
    original = rule.TREND_MIN_YEARS
    rule.TREND_MIN_YEARS = 10**6
    try:
        yield
    finally:
        rule.TREND_MIN_YEARS = original


@contextlib.contextmanager
def _both() -> Iterator[None]:
    with _no_trend(), _with_phi(_phi_one)():
        yield


def _rewritten(
    name: str, kept: str, instead: str
) -> Callable[[], contextlib.AbstractContextManager[None]]:
    """A variant that replaces one line of the function ``name`` of analysis.farrington."""

    @contextlib.contextmanager
    def variant() -> Iterator[None]:
        original = getattr(rule, name)
        source = inspect.getsource(original)
        if kept not in source:
            raise SystemExit(f"analysis.farrington.{name} no longer has {kept!r}: update this")
        namespace = dict(vars(rule))
        exec(source.replace(kept, instead), namespace)  # noqa: S102  # nosec B102
        setattr(rule, name, namespace[name])
        try:
            yield
        finally:
            setattr(rule, name, original)

    return variant


#: ``_fit`` without its last guard: the down-weighted fit's own dispersion.
_reweighted_phi = _rewritten("_fit", "second.phi = max(second.phi, first.phi)", "pass")
_unfloored_phi = _rewritten(
    "_irls", "phi = max(1.0, pearson / dof) if dof > 0", "phi = pearson / dof if dof > 0"
)


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "now": contextlib.nullcontext,
    "no trend": _no_trend,
    "phi = 1": _with_phi(_phi_one),
    "phi = 1, no trend": _both,
    "pretest 5 %": _with_phi(_pretest(0.05)),
    "pretest 20 %": _with_phi(_pretest(0.20)),
    "reweighted phi": _reweighted_phi,
    "phi unfloored": _unfloored_phi,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="only the scenarios whose name has this text")
    parser.add_argument(
        "--variants", nargs="+", choices=list(VARIANTS), help="these variants only (default: all)"
    )
    args = parser.parse_args()
    scenarios = [s for s in bench.SCENARIOS if s.name in DEFAULT_SCENARIOS]
    if args.only:
        scenarios = [s for s in bench.SCENARIOS if args.only in s.name]
    started = time.perf_counter()
    print(
        f"{args.series} simulated series per scenario and variant, seed {args.seed};"
        f" targets: false alarms <= {bench.TARGET:.1%}, detection no worse than before"
    )
    print(f"{'scenario':32} {'variant':20} {'false alarms':>12} {'found':>7}   before")
    for scenario in scenarios:
        for name, variant in VARIANTS.items():
            if args.variants and name not in args.variants:
                continue
            # The same series for every variant: each starts from the same seed.
            rng = np.random.default_rng([args.seed, bench.SCENARIOS.index(scenario)])
            with variant():
                found = bench.run(scenario, args.series, 6, rng)
            before = f"{found['false_before']:.2%} / {found['found_before']:.1%}"
            print(
                f"{scenario.name:32} {name:20} {found['false_now']:12.2%}"
                f" {found['found_now']:7.1%}   {before}",
                flush=True,
            )
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

"""Possible truths found on the way, to decide most of the audit's checks without a program.

Every linear program the audit solves returns a point: counts that fit every relation the
public can read, so a possible truth. The values a hidden cell takes at such points lie
within its exact bounds. Two points where its count differs by a whole answer and its share
by at least ``min_width`` (and its n reaches the threshold, or differs too) prove the cell
safe without a program of its own; only what the points cannot decide is solved, as before,
and that solution becomes a point too. The verdicts are the same as with every program
solved: a point never narrows a bound, it only shows that a bound is wide enough.

A point stays a possible truth in the audit's later passes: hiding a cell only takes
knowledge away, so the relations are the same with fewer values fixed. It holds the values
of one connected part of the relations (those of its program) and, for the rest, the values
known when it was found; it says nothing of a cell outside both. The points of the releases
linked by growth and of the releases bounded one by one are kept apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from .disclosure_bounds import EPS, Bounds, Expr, Key


def whole(interval: tuple[float, float]) -> tuple[float, float]:
    """An interval of counts rounded inwards to whole answers."""
    lo, hi = interval
    return (math.ceil(lo - EPS) if math.isfinite(lo) else lo), (
        math.floor(hi + EPS) if math.isfinite(hi) else hi
    )


class Points:
    """Solutions of the audit's programs, as (keys of the program, its values, the known)."""

    def __init__(self, enabled: bool = True) -> None:
        #: Off, no point is kept: every check solves its programs (the reference audit).
        self.enabled = enabled
        self.found: list[tuple[frozenset[Key], dict[Key, float], dict[Key, float]]] = []

    def add(self, keys: frozenset[Key], values: dict[Key, float], known: dict[Key, float]) -> None:
        if self.enabled:
            self.found.append((keys, values, known))

    def rows(self, exprs: Sequence[Expr]) -> Iterator[list[float]]:
        """The expressions' values at each point that holds all of them."""
        for keys, values, known in self.found:
            row = []
            for expr in exprs:
                total = 0.0
                for k, c in expr.items():
                    if k in keys:
                        total += c * values.get(k, 0.0)
                    elif k in known:
                        total += c * known[k]
                    else:
                        break
                else:
                    row.append(total)
                    continue
                break
            else:
                yield row


def seed(bounds: Bounds, points: Points, r: int) -> None:
    """Find a few points far apart before the checks: release ``r``'s hidden counts as high as
    they go, then as low (with its n as high), then what it gained since release r - 1."""
    if not points.enabled:
        return
    unknown = {key for key in bounds.keys if key not in bounds.known}
    counts = {key: 1.0 for key in unknown if key[0] == r and key[3] != "n"}
    sizes = {key: 1.0 for key in unknown if key[0] == r and key[3] == "n"}
    before = {key: -1.0 for key in unknown if key[0] == r - 1 and key[3] == "n"}
    for objective in (counts, sizes | dict.fromkeys(counts, -1.0), sizes | before):
        if objective:
            bounds.extreme(objective, greatest=True)


def check(
    bounds: Bounds,
    points: Points,
    n: Expr,
    counts: list[Expr],
    threshold: int,
    width: float,
    whole_shares: Sequence[float | None] = (),
    everyone: float | None = None,
    gain: bool = False,
) -> Any:
    """Bounds of one hidden cell (or of what it gained); None when it holds no answer.

    Programs are solved only as far as the decision needs: none where the points already
    decide, n's least value only when its greatest is under the threshold, and a share's
    exact bounds only when the points do not show shares ``width`` apart. ``whole_shares``
    holds, per count, a share of 0 or 1 the public reads of every answer the cell can hold
    (the area's shown figure, or its gain: ``disclosure_said``): a part pinned there says
    nothing that figure does not already say of every answer. A gain (``gain``) that
    cannot rest on fewer than ``threshold`` answers is as publishable as a cell of that many
    and is not checked. Where the points decide, ``n_max``, ``k`` and ``share`` are the values
    taken at them (inside the exact bounds) and ``exact`` is false.
    """
    if len(n) == 1 and bounds.upper.get(next(iter(n)), 1.0) < 1 - EPS:
        return None  # no answer can be in it: nothing to find out
    prune = points.enabled  # off: every program solved, as the reference audit does
    seen = list(points.rows([n, *counts]))  # [n, k...] at each point kept
    local: list[dict[Key, float]] = []  # the points of this cell's own programs

    def also(point: dict[Key, float] | None) -> None:
        if point is not None:
            local.append(point)
            seen.append([bounds.value(e, point) for e in (n, *counts)])

    found: dict[str, Any] = {"fails": False, "exact": True}
    n_lo = None
    if gain or everyone is not None:
        least = min((row[0] for row in seen), default=math.inf)
        if (
            not prune
            or (gain and whole((least, math.inf))[0] >= threshold)
            or (everyone is not None and least >= everyone - EPS)
        ):  # the points cannot tell: the least n decides
            n_lo, point = bounds.extreme(n, greatest=False)
            also(point)
            if gain and whole((n_lo, math.inf))[0] >= threshold:
                return None  # as publishable as a cell of that many answers
            if everyone is not None and n_lo >= everyone - EPS:
                return None
    n_seen = whole((0, max((row[0] for row in seen), default=0.0)))[1]
    if prune and n_seen >= max(threshold, 1):
        found |= {"n_max": n_seen, "exact": False}
    else:
        n_hi, point = bounds.extreme(n, greatest=True)
        n_hi = whole((0, n_hi))[1]
        if n_hi <= 0:
            return None
        also(point)
        found["n_max"] = n_hi
        least = min(row[0] for row in seen) if seen else math.inf
        if n_hi < threshold and (not prune or whole((least, math.inf))[0] >= n_hi):
            if n_lo is None:
                n_lo, point = bounds.extreme(n, greatest=False)
                also(point)
            found["fails"] = whole((n_lo, n_hi))[0] == n_hi
    narrowest = math.inf
    padded = [*whole_shares, *[None] * len(counts)]

    def spread(i: int) -> float:  # of count i's shares at the points; -1 with none
        shares = [row[i] / row[0] for row in seen if row[0] > EPS]
        return max(shares) - min(shares) if shares else -1.0

    # Pruning, the counts the points say least about first: a cell fails at its first pinned.
    order = sorted(range(1, len(counts) + 1), key=spread) if prune else range(1, len(counts) + 1)
    for i in order:
        k, area_share = counts[i - 1], padded[i - 1]
        taken = [row[i] for row in seen]
        shares = [row[i] / row[0] for row in seen if row[0] > EPS]
        k_lo, k_hi = whole((min(taken), max(taken))) if taken else (0, 0)
        exact = not (prune and k_lo < k_hi and shares and max(shares) - min(shares) >= width)
        if exact:  # the points cannot tell: the count's exact bounds decide
            (k_lo, low), (k_hi, high) = bounds.extreme(k, False), bounds.extreme(k, True)
            also(low)
            also(high)
            k_lo, k_hi = whole((k_lo, k_hi))
            shares = [row[i] / row[0] for row in seen if row[0] > EPS]
        if shares and max(shares) - min(shares) >= width:
            share, share_exact = (min(shares), max(shares)), False
        else:
            share, share_exact = bounds.ratio(k, n) or (0.0, 1.0), True
        # Within EPS: the programs' shares come out as 0.9999999999 as often as 1.0.
        said = area_share is not None and max(abs(s - area_share) for s in share) < EPS
        found["fails"] |= not said and (k_lo == k_hi or share[1] - share[0] < width - EPS)
        if not said and share[1] - share[0] < narrowest:
            narrowest = share[1] - share[0]
            found |= {"k": [k_lo, k_hi], "share": [round(share[0], 4), round(share[1], 4)]}
            found |= {"share_exact": share_exact, "exact": found["exact"] and exact}
        if prune and found["fails"]:
            break  # one count pinned is enough: the cell fails whatever the others show
    return found

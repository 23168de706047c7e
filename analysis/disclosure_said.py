"""What the public already reads of every answer, so a hidden cell pinned there says nothing.

Used by ``disclosure_audit``. A part pinned to the 0 % or 100 % of its area's shown figure says
only what that figure says of every answer. Likewise for what the area gained since the
previous release of its round: where the public can tell that gain rests on at least the
threshold of answers (as publishable as a cell of that many) and is all 0 or all 1, it says
that of every answer added. That covers what a part gained, and a part the public can tell
held no answer before (all its answers are added ones), but not a part with older answers:
what it held before is not in the gain.

An area figure of an earlier release of the round said its 0 % or 100 % of every answer it
had then, and that stays public. A part the public can tell has gained no answer since holds
only answers that figure covered: pinned there, it says only what that figure said. Only an
unchanged part: one that gained answers holds some the earlier figure says nothing of.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .disclosure_bounds import EPS, Bounds, Key
from .disclosure_points import whole

AREA: Key = ("area",)
Shares = list[float | None]


def shown_share(bounds: Bounds, count: Key) -> float | None:
    """The area's share of a count where it is shown as 0 or 1, else None."""
    n = bounds.known.get((*count[:3], "n"))
    k = bounds.known.get(count)
    return None if not n or k is None or 0 < k < n else k / n


class Said:
    """The shares of release ``r`` the public reads of every answer (of the area, of its gain)."""

    def __init__(self, bounds: Bounds, r: int, threshold: int) -> None:
        self.bounds, self.r, self.threshold = bounds, r, threshold
        self._gains: dict[tuple[tuple[str, ...], str], float | None] = {}

    def shown(self, figure: tuple[str, ...], names: Sequence[str]) -> Shares:
        """Per count, the area's share where its figure shows 0 or 1."""
        return [shown_share(self.bounds, (self.r, AREA, figure, q)) for q in names]

    def gained(self, figure: tuple[str, ...], names: Sequence[str]) -> Shares:
        """Per count, the share of the area's gain where it is 0 or 1 on enough answers."""
        for q in names:
            if (figure, q) not in self._gains:
                self._gains[(figure, q)] = self._gain(figure, q)
        return [self._gains[(figure, q)] for q in names]

    def _gain(self, figure: tuple[str, ...], q: str) -> float | None:
        # Read off the area's two figures, or off its groups where the area's own is hidden.
        r, bounds = self.r, self.bounds
        if not r or (r - 1, AREA, figure, q) not in bounds.keys:
            return None
        n = {(r, AREA, figure, "n"): 1.0, (r - 1, AREA, figure, "n"): -1.0}
        least, _ = bounds.extreme(n, greatest=False)
        if whole((least, math.inf))[0] < max(self.threshold, 1):
            return None
        share = bounds.ratio({(r, AREA, figure, q): 1.0, (r - 1, AREA, figure, q): -1.0}, n)
        for value in (0.0, 1.0):
            if share is not None and max(abs(s - value) for s in share) < EPS:
                return value
        return None

    def before(self, unit: Key, figure: tuple[str, ...], names: Sequence[str]) -> Shares:
        """Per count, the 0 or 1 an earlier release's area figure shows, where the public can
        tell the cell has gained no answer since that release."""
        bounds, r = self.bounds, self.r
        shares: Shares = [None] * len(names)
        for e in range(r - 1, -1, -1):
            key = (e, unit, figure, "n")
            if key not in bounds.keys:
                break
            # Answers are only added: the greatest gain under one answer means none came.
            gain = {(r, unit, figure, "n"): 1.0, key: -1.0}
            if bounds.extreme(gain, greatest=True)[0] >= 1 - EPS:
                break
            for i, q in enumerate(names):
                if shares[i] is None:
                    shares[i] = shown_share(bounds, (e, AREA, figure, q))
        return shares

    def empty_before(self, unit: Key, figure: tuple[str, ...]) -> bool:
        """Whether the public can tell a cell held no answer in the previous release."""
        key = (self.r - 1, unit, figure, "n")
        if key in self.bounds.known:
            return self.bounds.known[key] == 0
        if self.bounds.upper.get(key, 1.0) < 1 - EPS:
            return True
        return self.bounds.extreme({key: 1.0}, greatest=True)[0] < 1 - EPS


def fails(found: dict[str, Any] | None) -> bool:
    return found is not None and found["fails"]


def by_gain(found: dict[str, Any] | None) -> dict[str, Any] | None:
    """Mark a check that holds by the area's gain (or by a part's gaining nothing) alone: it
    is checked again after more is hidden, as hiding can take that away."""
    return found if found is None or found["fails"] else found | {"said_by_gain": True}

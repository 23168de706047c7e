"""What a weighted share says about the answers' own count, for the disclosure audit.

A weighted share p = sum(w hit) / sum(w) of n answers is no count over n, but it is not free
either. Its Kish n_eff = (sum w)^2 / sum(w^2) is shown beside it, and with k of the n answers
hits, sum(w^2) is least when the hits share their part p of the weight evenly and the others
theirs: (p n)^2 / k + ((1 - p) n)^2 / (n - k) <= n^2 / n_eff. So the count k is a whole
number with

    p^2 / k + (1 - p)^2 / (n - k) <= 1 / n_eff,

an interval around p n that is p n alone when every weight is the same (n_eff = n): the
area's 20 % of 50 and a place's 25 % of 40 at even weights say that the answers at the hidden
places were all safe, as unweighted shares would. The wider the weights spread, the wider
the interval. A weight is never 0, so 0 % and 100 % are the answers' own.

Shares and n_eff carry 4 decimals: the interval is taken over every share within half the
last decimal of the shown one and the least n_eff that rounds to the shown one, so it holds
every count the shown figures allow. It assumes nothing else about the weights; someone who
knows each answer's weight could narrow it further (see the README's limits).
"""

from __future__ import annotations

import math
from typing import Any

#: Half the last decimal of a share or an n_eff as pictures carry them (4 decimals).
HALF_DECIMAL = 0.00005
#: The root key of a stored release whose audit read its weighted shares as such intervals
#: (its value: ``N_EFF``; a text, so the no-differencing rule never takes it for a figure).
#: Releases stored before it gave the audit no count from a weighted share, and still do:
#: reading them now could find them to have said more than their audit let through, which no
#: later release can take back. The release being audited is always read so.
WEIGHTED_BOUNDS, N_EFF = "weighted_shares_audited", "n_eff"


def bounded(picture: dict[str, Any], audited: bool = False) -> bool:
    """Whether the audit reads a picture's weighted shares as intervals: the one ``audited``
    now, and those stored with the mark."""
    return audited or picture.get(WEIGHTED_BOUNDS) == N_EFF


def count_range(share: float, n: int, n_eff: float) -> tuple[float, float]:
    """The whole counts of ``n`` answers a weighted ``share`` with that ``n_eff`` can rest on.

    A share of 0 or 1 is exact: pictures carry one only when it is (``stats.published_share``).
    """
    if n <= 0 or share <= 0:
        return 0.0, 0.0
    if share >= 1:
        return float(n), float(n)
    least_n_eff = min(max(n_eff - HALF_DECIMAL, HALF_DECIMAL), float(n))
    lows, highs = [], []
    # Both roots grow with p, so the shares at the edges of the rounding bound them all.
    for p in (max(share - HALF_DECIMAL, 0.0), min(share + HALF_DECIMAL, 1.0)):
        # k^2 / N + k (1 - 2p - n / N) + p^2 n <= 0, with N = n_eff: between the two roots.
        a, b, c = 1 / least_n_eff, 1 - 2 * p - n / least_n_eff, p * p * n
        root = math.sqrt(max(b * b - 4 * a * c, 0.0))
        lows.append((-b - root) / (2 * a))
        highs.append((-b + root) / (2 * a))
    # A share over 0 has a hit and one under 1 a miss, whatever the weights.
    low = max(math.ceil(min(lows) - 1e-9), 1)
    high = min(math.floor(max(highs) + 1e-9), n - 1)
    if low > high:  # figures no weights can give (never seen): the two counts around p n
        low, high = high, low
    return float(low), float(high)

"""The situation picture as organizers get it: the dashboard, its charts and every download.

The analysis keeps exact counts for its own arithmetic (secondary suppression, the release
audit); what leaves it for organizers says no more than the figures shown:

- a hidden figure carries no count of its own (``n`` None, and ``protects``: whether it rests
  on the threshold or more, hidden only so that others cannot be worked out). At a small
  place its own n would say what the few answered: "did you report it" counts the victims
  (0: nobody there was one), a problem's n those who did not answer "don't know". A place and
  the area keep their own number of answers, which the dashboard lists;
- the weighting carries what the page says: the design effect to two decimals, n_eff as a
  whole number, the answers outside the margins only when neither they nor the others are a
  few (``null`` otherwise), no ``max_gap`` or ``iterations``. Exact, they are functions of the
  answers per age band and gender, from which a search found those counts (as on the public
  side, ``public_form``).
"""

from __future__ import annotations

import copy
from typing import Any

#: What the weighting loses on its way out: exact functions of the counts per age and gender.
DROPPED = ("max_gap", "iterations")


def organizer_form(picture: dict[str, Any]) -> dict[str, Any]:
    """A copy of the picture without hidden figures' counts or exact weighting figures."""
    shown = copy.deepcopy(picture)
    threshold = max(int(shown.get("suppress_below") or 1), 1)
    units = [*shown.get("places", []), shown.get("area_total")]
    hide_counts(shown, threshold, {id(unit) for unit in units if unit is not None})
    weighting = shown.get("weighting")
    if isinstance(weighting, dict):
        coarse_weighting(weighting, shown.get("n") or 0, threshold)
    return shown


def few(count: int, total: int, threshold: int) -> bool:
    """Whether a count, or the rest of the total beside it, is a few answers (1 to k - 1)."""
    return any(0 < part < threshold for part in (count, total - count))


def coarse_weighting(weighting: dict[str, Any], n: int, threshold: int) -> None:
    """The weighting's figures as the page shows them (in place)."""
    for key in DROPPED:
        weighting.pop(key, None)
    if isinstance(weighting.get("design_effect"), int | float):
        weighting["design_effect"] = round(weighting["design_effect"], 2)
    if isinstance(weighting.get("n_eff"), int | float):
        weighting["n_eff"] = round(weighting["n_eff"])
    by = weighting.get("outside_by")
    if isinstance(by, dict):
        weighting["outside_by"] = {
            why: None if isinstance(count, int) and few(count, n, threshold) else count
            for why, count in by.items()
        }
    outside = weighting.get("outside_margins")
    if isinstance(outside, int) and few(outside, n, threshold):
        weighting["outside_margins"] = None


def hide_counts(node: Any, threshold: int, units: set[int] | None = None) -> None:
    """Take the count off every hidden figure under ``node`` but the places' and the area's."""
    if isinstance(node, list):
        for value in node:
            hide_counts(value, threshold, units)
        return
    if not isinstance(node, dict):
        return
    units = units or set()
    if node.get("suppressed") is True and isinstance(node.get("n"), int) and id(node) not in units:
        node["protects"] = node["n"] >= threshold
        node["n"] = None
    for value in node.values():
        hide_counts(value, threshold, units)

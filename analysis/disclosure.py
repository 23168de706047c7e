"""Secondary suppression: a hidden cell must not be recoverable by subtraction.

A total that is shown next to its parts gives away the hidden parts together: the area's
evening figure minus the places shown is the places hidden. So for each figure, the parts
that are hidden (suppressed, or not in any part at all, like respondents who gave no gender)
must together rest on at least the threshold, or on none. Otherwise the smallest shown parts
are hidden too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Cell = dict[str, Any]

#: A follow-up item and the item it follows: "did you report it" is asked of victims only, so
#: its n counts the victims and must not be shown where the victim figure is hidden.
FOLLOWS = {"reported": "victim"}


def group_too_small(filtered: bool, n: int, threshold: int) -> bool:
    """Whether a filtered picture must hide every figure: its whole group is under the threshold.

    Unfiltered, the per-cell rule is enough; filtered (one month's answers by one gender and
    age band, say), a small group would otherwise show its count and whatever cells reach it.
    """
    return filtered and n < threshold


def hide(cell: Cell) -> None:
    """Turn a cell into a suppressed one, keeping only its n."""
    n = cell["n"]
    cell.clear()
    cell.update(n=n, suppressed=True)


def follow(figures: dict[str, Any]) -> None:
    """Hide a follow-up figure of a place (or the area) wherever the item it follows is hidden."""
    for follower, leader in FOLLOWS.items():
        if follower in figures and figures.get(leader, {}).get("suppressed"):
            if not figures[follower].get("suppressed"):
                hide(figures[follower])


def protect(total: Cell, parts: Sequence[Cell], threshold: int) -> None:
    """Hide further parts until what is hidden cannot be worked out from the total."""
    if total.get("suppressed"):
        return
    outside = max(0, total["n"] - sum(part["n"] for part in parts))
    hidden = outside + sum(part["n"] for part in parts if part.get("suppressed"))
    shown = sorted((part for part in parts if not part.get("suppressed")), key=lambda p: p["n"])
    # A shown total rests on enough answers, so hiding every part is always enough.
    while 0 < hidden < threshold and shown:
        part = shown.pop(0)
        hide(part)
        hidden += part["n"]


def protect_all(
    total: dict[str, Any],
    parts: Iterable[dict[str, Any]],
    paths: Iterable[tuple[str, ...]],
    threshold: int,
) -> None:
    """Apply protect() to every figure named by a path, e.g. ("times", "evening")."""
    parts = list(parts)
    for path in paths:
        protect(cell_at(total, path), [cell_at(part, path) for part in parts], threshold)


def cell_at(figures: dict[str, Any], path: tuple[str, ...]) -> Cell:
    cell = figures
    for key in path:
        cell = cell[key]
    return cell

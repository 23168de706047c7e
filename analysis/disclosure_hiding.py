"""Where the disclosure audit hides: the shown parts of a relation, a figure with its followers.

Used by ``disclosure_audit``; see there for the model and the rule.
"""

from __future__ import annotations

from typing import Any

from .disclosure import hide
from .disclosure_bounds import FOLLOWS, Key, figures, is_cell, units
from .disclosure_items import ITEMS, item_spec, quantities, shown_counts
from .verdict_rules import decide
from .verdicts import hide_side


def relations_of(picture: dict[str, Any], unit: Key, figure: tuple[str, ...]) -> list[Key]:
    if unit[0] == "place":
        return [("place", figure)]
    kinds = [(kind, figure) for kind in picture.get("by_group") or {}]
    if unit[0] == "area":
        return [("place", figure), *(kinds if not figure or figure[0] in ("times", ITEMS) else [])]
    return [(unit[0], figure)]


def candidates(picture: dict[str, Any], relation: Key) -> list[tuple[tuple[int, int], Key, Any]]:
    """The shown parts of a relation as ((order, n), unit, cell), the one to hide first first.

    First come the parts that can change what the hidden parts together show at 0 % or
    100 % (``pinning``), smallest first, then the rest, smallest first: hiding a part at
    0 % with hidden parts all at 0 % leaves them so, and would hide its figure for nothing.
    """
    kind, figure = relation
    pins = pinning(picture, relation)
    found = []
    for unit_key, unit in units(picture):
        if unit_key[0] == kind:
            cell = unit if not figure else cell_at(unit, figure)
            # An empty part (a place no one answered an added item at) hides nothing.
            if cell is not None and not cell.get("suppressed") and cell["n"] > 0:
                counts = _counts(picture, figure, cell)
                moves = any(q in counts and counts[q] != v * cell["n"] for q, v in pins.items())
                found.append(((0 if moves else 1, cell["n"]), unit_key, unit))
    return sorted(found, key=lambda c: (c[0], c[1]))


def _counts(picture: dict[str, Any], figure: tuple[str, ...], cell: dict[str, Any]) -> Any:
    if not figure:  # a whole place or group: its answers, no counts
        return {}
    spec = item_spec(picture, figure) if figure[0] == ITEMS else None
    # The picture being audited; read as the public reads a relation's parts: the counts it
    # can tell exactly.
    ranges = shown_counts(cell, bool(picture.get("weighted")), spec, bounded=True)
    return {q: lo for q, (lo, hi) in ranges.items() if lo == hi}


def pinning(picture: dict[str, Any], relation: Key) -> dict[str, float]:
    """The counts at which a relation's hidden parts together are all 0 % or all 100 %.

    Read as the public reads it: the area's figure minus the shown parts. Where the area's
    own figure is 0 % or 100 % that says it of every part already, and is left out.
    """
    kind, figure = relation
    total = cell_at(picture["area_total"], figure) if figure else None
    if total is None or total.get("suppressed"):
        return {}
    shown = _counts(picture, figure, total)
    left = {"n": float(total["n"]), **shown}
    for unit_key, unit in units(picture):
        cell = cell_at(unit, figure) if unit_key[0] == kind else None
        if cell is not None and not cell.get("suppressed"):
            counts = {"n": float(cell["n"]), **_counts(picture, figure, cell)}
            left = {q: value - counts[q] for q, value in left.items() if q in counts}
    pins: dict[str, float] = {}
    for q in quantities(figure, picture):
        if q in left and left["n"] > 0 and 0 < shown[q] < total["n"]:
            if left[q] in (0, left["n"]):
                pins[q] = left[q] / left["n"]
    return pins


def cell_at(unit: dict[str, Any], figure: tuple[str, ...]) -> dict[str, Any] | None:
    cell: Any = unit
    for key in figure:
        cell = cell.get(key) if isinstance(cell, dict) else None
    return cell if is_cell(cell) else None


def hide_at(unit: dict[str, Any], figure: tuple[str, ...]) -> None:
    """Hide a figure (or a whole place or group), with what follows it."""
    if not figure:
        unit["suppressed"] = True
        for _, cell in figures(unit):
            if not cell.get("suppressed"):
                hide(cell)
    else:
        hide(cell_at(unit, figure))  # type: ignore[arg-type]
        for follower, leader in FOLLOWS.items():
            if figure == leader and cell_at(unit, follower) is not None:
                hide(cell_at(unit, follower))  # type: ignore[arg-type]
    if "safety_index" in unit and any(c.get("suppressed") for c in unit["times"].values()):
        unit["safety_index"] = None


def hide_everywhere(picture: dict[str, Any], figure: tuple[str, ...]) -> list[Key]:
    """Hide a figure in the area total and every place and group; where it was shown."""
    hidden = []
    for unit_key, unit in units(picture):
        cell = cell_at(unit, figure)
        if cell is not None and not cell.get("suppressed"):
            hide_at(unit, figure)
            hidden.append(unit_key)
    return hidden


def hide_followups(picture: dict[str, Any]) -> int:
    """Hide a promise's figure for this round where it would show a cell the audit hid.

    A follow-up share sums the promise's places (all of them: the area total) in one round;
    it is shown only where those figures are, so a figure hidden here hides it too.
    """
    round_id = (picture.get("filters") or {}).get("round_id")
    places = {p["place"]: p for p in picture.get("places", [])}
    hidden = 0
    for result in picture.get("followup") or []:
        covered = [places[s] for s in result["promise"].get("places") or places if s in places]
        if len(covered) == len(places):
            covered = [picture["area_total"]]
        for indicator in result.get("indicators", []):
            kind = indicator.get("kind")
            path = ("times", indicator.get("time")) if kind == "unsafe_share" else None
            path = ("problems", indicator.get("problem")) if kind == "problem_share" else path
            cells = [cell_at(unit, path) for unit in covered] if path else []
            if not any(cell is not None and cell.get("suppressed") for cell in cells):
                continue
            for side, key in (("before", "baseline_round"), ("after", "followup_round")):
                cell, ref = indicator.get(side), result["promise"].get(key) or {}
                if cell and not cell.get("suppressed") and round_id in (None, ref.get("id")):
                    hide_side(indicator, side)
                    hidden += 1
        # The other indicators' corrected p-values and verdicts without the hidden ones.
        result["status"], result["verdict_rule"] = decide(result.get("indicators") or [])
    return hidden

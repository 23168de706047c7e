"""Added questionnaire items in the disclosure audit: their cells as figures of their units.

An added item's cell of a place rests on answers of that place, so while the audit runs it is
a figure of the place's unit like the evening share, at ("items", code): its n is at most the
place's, the places add up to the area and the groups (with the answers outside them) too. Its
counts: one per option (share x n; 4 decimals make it exact; a single choice's substantive
options add up to n), and k of a top box (the sum of its options); weighted, each an interval
from the cell's n_eff (``disclosure_weighted``). A place or group the item
lists no cell for holds none of its answers (n = 0). A number's mean and a free text are
modelled by their n only. The cells are the item's own objects, so a cell the audit hides is
hidden in ``items``; ``disclosure_release.audit_with_items`` takes the rest back out after.
"""

from __future__ import annotations

from typing import Any

from .disclosure_weighted import count_range
from .survey import PRIORITY_OPTIONS

#: Where an added item's cells sit in a unit while the audit runs: figure ("items", code).
ITEMS = "items"
#: The picture's key for what each added item counts (set by ``embed_items``).
ITEM_COUNTS = "_item_counts"

Row = tuple[dict[tuple[Any, ...], float], float, float]
#: A count's least and greatest value the public can read of a shown cell.
Range = tuple[float, float]


def quantities(figure: tuple[str, ...], picture: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The counts a figure's cell holds: k, one per option, or an added item's."""
    if figure[0] == ITEMS:
        return item_quantities(picture, figure)
    return PRIORITY_OPTIONS if figure[0] == "police_priorities" else ("k",)


def item_spec(picture: dict[str, Any] | None, figure: tuple[str, ...]) -> dict[str, Any]:
    """What an item figure counts: its options, its top box, whether options add up to n."""
    return ((picture or {}).get(ITEM_COUNTS) or {}).get(figure[1]) or {}


def item_quantities(picture: dict[str, Any] | None, figure: tuple[str, ...]) -> tuple[str, ...]:
    spec = item_spec(picture, figure)
    return (*(("k",) if spec.get("top") else ()), *spec.get("options", ()))


def _empty() -> dict[str, Any]:
    return {"n": 0, "suppressed": False, "options": []}


def embed_items(picture: dict[str, Any]) -> None:
    """Put each added item's cells into the area, places and groups they describe."""
    counts: dict[str, Any] = {}
    places = {place["place"]: place for place in picture.get("places", [])}
    groups = picture.get("by_group") or {}
    for item in picture.get("items") or []:
        code, kind = item["code"], item["type"]
        options: list[str] = []
        if kind in ("single", "multi"):
            options = [o["value"] for o in item.get("options") or [] if o.get("substantive", 1)]
        elif kind == "area":  # the options are the areas answered somewhere
            cells = [item["area_total"], *item["places"].values()]
            cells += [c for g in item["by_group"].values() for c in g.values()]
            options = sorted({o["value"] for c in cells for o in c.get("options") or []})
        counts[code] = {
            "options": tuple(options),
            "top": tuple(item.get("top_box") or ()),
            "whole": kind in ("single", "area"),
        }
        picture["area_total"].setdefault(ITEMS, {})[code] = item["area_total"]
        for slug, place in places.items():
            place.setdefault(ITEMS, {})[code] = item["places"].get(slug) or _empty()
        for kind_name, values in groups.items():
            item_groups = (item.get("by_group") or {}).get(kind_name) or {}
            for value, group in values.items():
                group.setdefault(ITEMS, {})[code] = item_groups.get(value) or _empty()
    picture[ITEM_COUNTS] = counts


def strip_items(picture: dict[str, Any]) -> None:
    """Take back what ``embed_items`` put into the units (the item cells stay in ``items``)."""
    picture.pop(ITEM_COUNTS, None)
    units = [picture["area_total"], *picture.get("places", [])]
    units += [g for groups in (picture.get("by_group") or {}).values() for g in groups.values()]
    for unit in units:
        unit.pop(ITEMS, None)


def item_counts(cell: dict[str, Any], spec: dict[str, Any], bounded: bool) -> dict[str, Range]:
    """A shown item cell's counts: share x n per option, k of a top box.

    ``bounded``: a weighted cell's shares (it has an n_eff) give intervals (``count_range``).
    """
    n = cell["n"]
    shares = {o["value"]: o["share"] for o in cell.get("options") or []}
    if spec["top"]:
        shares["k"] = cell.get("share", 0.0) if n else 0.0
    wanted = [*spec["options"], *(["k"] if spec["top"] else [])]
    if bounded and "n_eff" in cell:
        return {v: count_range(shares.get(v, 0.0), n, cell["n_eff"]) for v in wanted}
    return {v: _exact(round(shares.get(v, 0.0) * n)) for v in wanted}


def shown_counts(
    cell: dict[str, Any], weighted: bool, item: Any = None, bounded: bool = False
) -> dict[str, Range]:
    """A shown cell's counts as (least, greatest): k, one per option, or an added item's
    (``item`` its spec). ``bounded``: the picture's weighted shares give intervals
    (``disclosure_weighted``); without it, a weighted share gives no count, as the audit read
    releases stored before that (an added item's shares were read as counts over n)."""
    if item is not None:
        return item_counts(cell, item, bounded)
    if "options" in cell:
        return {o["option"]: _exact(o["count"]) for o in cell["options"]}
    share = cell.get("share", cell.get("unsafe_share"))
    if share is None or (weighted and not bounded):
        return {}
    if weighted:  # without its n_eff (none is made so) a weighted share says nothing
        return {"k": count_range(share, cell["n"], cell["n_eff"])} if "n_eff" in cell else {}
    return {"k": _exact(round(share * cell["n"]))}


def _exact(count: float) -> Range:
    return float(count), float(count)


def item_rows(r: int, unit: Any, figure: tuple[str, ...], spec: dict[str, Any]) -> list[Row]:
    """A single choice's options add up to its n; a top box is the sum of its options."""
    rows: list[Row] = []
    n = (r, unit, figure, "n")
    options = {(r, unit, figure, v): 1.0 for v in spec.get("options", ())}
    if spec.get("whole") and options:
        rows.append((options | {n: -1.0}, 0, 0))
    if spec.get("top"):
        top = {(r, unit, figure, v): 1.0 for v in spec["top"] if v in spec["options"]}
        rows.append((top | {(r, unit, figure, "k"): -1.0}, 0, 0))
    return rows

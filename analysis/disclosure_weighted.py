"""A weighted release in the disclosure audit: counted with its unweighted shares.

Kept apart from the audit itself, which loads scipy: the publish service attaches these
before it holds figures back, so that a held cell keeps its unweighted share with the rest.
"""

from __future__ import annotations

from typing import Any

#: A weighted cell's unweighted share, and an added item's unweighted option shares (in the
#: order of its options): what the audit counts with. Never public (``public_form`` drops them).
RAW_SHARE, RAW_OPTIONS = "raw_share", "raw_options"


def _share_key(cell: dict[str, Any]) -> str | None:
    return next((key for key in ("share", "unsafe_share") if key in cell), None)


def _attach(cell: Any, raw: Any) -> None:
    if isinstance(cell, list) and isinstance(raw, list):
        by_key = {_list_key(i, item): item for i, item in enumerate(raw)}
        for i, item in enumerate(cell):
            if _list_key(i, item) in by_key:
                _attach(item, by_key[_list_key(i, item)])
        return
    if not isinstance(cell, dict) or not isinstance(raw, dict):
        return
    if isinstance(cell.get("n"), int) and not cell.get("suppressed"):
        key = _share_key(cell)
        if key is not None and raw.get(key) is not None:
            cell[RAW_SHARE] = raw[key]
        options = cell.get("options")
        if options and all("value" in o for o in options):  # an added item's options
            shares = {o["value"]: o.get("share") for o in raw.get("options") or []}
            cell[RAW_OPTIONS] = [shares.get(o["value"], 0.0) for o in options]
    for key, value in cell.items():
        if key != "options" and key in raw:
            _attach(value, raw[key])


def _list_key(index: int, item: Any) -> Any:
    if isinstance(item, dict):
        for key in ("place", "code"):
            if isinstance(item.get(key), str):
                return (key, item[key])
    return index


def attach_unweighted(picture: dict[str, Any], unweighted: dict[str, Any]) -> None:
    """Give a weighted picture's shown cells their unweighted shares, for the audit only.

    A weighted share gives no count over n, but a weight is never 0, so it is 0 % or 100 %
    exactly when the answers are, and where the weights hardly differ (the n_eff beside it says
    so) it is the unweighted share: the area's 20 % of 50 and a place's 25 % of 40 at even
    weights said that the 11 answers at the hidden places were all safe. So the audit counts a
    weighted release as the unweighted one, which the public may know at most.
    """
    for key in ("area_total", "places", "by_group", "items"):
        if key in picture and key in unweighted:
            _attach(picture[key], unweighted[key])

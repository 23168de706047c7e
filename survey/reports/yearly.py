"""Brå's yearly crime figures in plain words: the newest year against the year before.

The picture's ``crime_yearly`` (analysis/yearly.py) gives, per category, every year's count and
the change into the newest year as a rate ratio with a 95 % interval. The dashboard and the
PDF report show the same rows, made here: a change is "clear" only when its interval leaves
out no change; otherwise it is within the uncertainty.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .. import i18n, labels


def _signed(ratio: float) -> str:
    """A rate ratio as a signed change: 1.04 -> '+4 %', 0.9 -> '−10 %'."""
    text = i18n.percent(ratio - 1)
    return text if ratio < 1 or text.startswith(("0", "−", "-")) else f"+{text}"


def verdict(change: dict[str, Any] | None, newest_missing: bool = False) -> str:
    """The change into the newest year in plain words (``newest_missing``: Brå gave none)."""
    if change is None and newest_missing:
        return _("Brå gives no figure for this year: nothing to compare with.")
    if change is None:
        return _("No figure for the year before to compare with.")
    if not change["changed"]:
        return _("A change within the uncertainty.")
    if change["low"] > 1:
        return _("Clearly more than the year before.")
    return _("Clearly fewer than the year before.")


def interval(change: dict[str, Any] | None) -> str:
    """The 95 % interval of the change, e.g. '+1 % to +8 %' ('–' when there is none)."""
    if change is None:
        return "–"
    low = _signed(change["low"])
    if change["high"] is None:
        return _("%(low)s or more", low=low)
    return _("%(low)s to %(high)s", low=low, high=_signed(change["high"]))


def yearly_rows(picture: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per category of Brå's yearly counts: the newest year, its change, in words."""
    rows = []
    for item in picture.get("crime_yearly") or []:
        change = item["change"]
        newest = item["years"][-1] if item["years"] else {"year": None, "count": None}
        # Without a change the year before may still have a count (Brå suppressed the newest
        # year's): show it, and say which of the two years lacks a figure.
        previous_year = newest["year"] - 1 if newest["year"] else None
        before = next((y["count"] for y in item["years"] if y["year"] == previous_year), None)
        newest_missing = change is None and newest["count"] is None and before is not None
        rows.append(
            {
                "category": labels.crime_category(item["category"]),
                "year": change["year"] if change else newest["year"],
                "count": change["count"] if change else newest["count"],
                "previous_count": change["previous_count"] if change else before,
                "change": "–"
                if change is None or change["rate_ratio"] is None
                else _signed(change["rate_ratio"]),
                "interval": interval(change),
                "verdict": verdict(change, newest_missing),
                "changed": bool(change and change["changed"]),
            }
        )
    return rows

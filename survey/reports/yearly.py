"""Brå's yearly crime figures in plain words: the newest year against the year before.

The picture's ``crime_yearly`` (analysis/yearly.py) gives, per category, every year's count and
the change into the newest year as a rate ratio with a 95 % interval. The dashboard and the
PDF report show the same rows, made here: a change is "clear" only when its interval leaves
out no change; otherwise it is within the uncertainty.

Brå writes a figure it does not publish as ".." and 0 as "–", so a missing count is written
".." here too (with a note under the table), never "–", which an analyst reads as 0.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .. import i18n, labels
from .differences import decimals_apart, rounded

#: A count Brå does not publish, as Brå writes it ("–" is Brå's 0).
MISSING = ".."
#: The most decimals of a change in per cent: rate ratios are stored to 4 decimals.
PERCENT_DECIMALS = 2


def _places(change: dict[str, Any]) -> int:
    """The fewest decimals at which an interval that leaves out no change reads apart from 0
    ("+0,08 %", never "0 %" beside "Clearly more"), as the survey's changes are written."""
    high = change["high"]
    return decimals_apart(
        100 * (change["low"] - 1),
        None if high is None else 100 * (high - 1),
        0.0,
        0,
        PERCENT_DECIMALS,
    )


def _signed(ratio: float, places: int = 0) -> str:
    """A rate ratio as a signed change: 1.04 -> '+4 %', 0.9 -> '−10 %' (0 without a sign)."""
    text = i18n.percent(ratio - 1, places, fixed=True)
    return f"+{text}" if rounded(100 * (ratio - 1), places) > 0 else text


def _none_either_year(change: dict[str, Any] | None, count: Any, before: Any) -> bool:
    if change is not None:
        return change["count"] == 0 and change["previous_count"] == 0
    # A picture made before 0 and 0 got a change has none for it: the counts still say so.
    return count == 0 and before == 0


def verdict(
    change: dict[str, Any] | None, newest_missing: bool = False, none_either: bool = False
) -> str:
    """The change into the newest year in plain words (``newest_missing``: Brå gave none;
    ``none_either``: 0 reported crimes in both years)."""
    if none_either:
        return _("No reported crimes in either year.")
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
    """The 95 % interval of the change, e.g. '+1 % to +8 %' (empty when there is none)."""
    if change is None or (change["count"] == 0 and change["previous_count"] == 0):
        return ""
    places = _places(change)
    low = _signed(change["low"], places)
    if change["high"] is None:
        return _("%(low)s or more", low=low)
    return _("%(low)s to %(high)s", low=low, high=_signed(change["high"], places))


def _size(change: dict[str, Any] | None) -> str:
    """The change itself; from 0 the year before it has no size in per cent."""
    if change is None or change["count"] == change["previous_count"] == 0:
        return ""
    if change["rate_ratio"] is None:
        return _("up from 0")
    return _signed(change["rate_ratio"], _places(change))


def count_text(count: int | None) -> str:
    """A yearly count in the reader's language, '..' where Brå published none."""
    return MISSING if count is None else i18n.format_number(count)


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
        count = change["count"] if change else newest["count"]
        previous_count = change["previous_count"] if change else before
        rows.append(
            {
                "category": labels.crime_category(item["category"]),
                "year": change["year"] if change else newest["year"],
                "count": count,
                "previous_count": previous_count,
                "count_text": count_text(count),
                "previous_text": count_text(previous_count),
                "change": _size(change),
                "interval": interval(change),
                "verdict": verdict(
                    change, newest_missing, _none_either_year(change, count, previous_count)
                ),
                "changed": bool(change and change["changed"]),
            }
        )
    return rows


def has_missing(rows: list[dict[str, Any]]) -> bool:
    """Whether a count in the rows is missing: the table then explains Brå's '..'."""
    return any(row["count"] is None or row["previous_count"] is None for row in rows)

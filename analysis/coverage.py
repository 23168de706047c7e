"""Which days and months a crime source covered: full, partial or missing months.

A source covers stretches of time: each police event list download its oldest to its newest
event (the feed serves only the latest ~500 events of the country, a few days), each CSV or
Brå month the whole month for its areas. Several downloads overlap, so a source's coverage is
the union of its stretches. A day is covered when the union holds all of it (from local
midnight to midnight); a month is **full** when every one of its days is covered, **partial**
when some moment of it is covered but not all, and **missing** when none is.

Only full months are counted: a missing event in a full month is a 0, while a partial month's
count (a few days of events) is neither evaluated nor used in a baseline, since it would look
like a drop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

#: Months and days are those of the app's time zone (DESIGN §3).
ZONE = ZoneInfo("Europe/Stockholm")

FULL, PARTIAL = "full", "partial"

Span = tuple[dt.datetime, dt.datetime]


def merge(stretches: Iterable[Span]) -> list[Span]:
    """The union of stretches as sorted, non-overlapping spans (touching ones joined)."""
    spans: list[Span] = []
    for starts, ends in sorted(stretches):
        if spans and starts <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], ends))
        else:
            spans.append((starts, ends))
    return spans


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone)


@dataclass(frozen=True)
class MonthCoverage:
    """One month a source touched: the days wholly covered, of how many."""

    month: dt.date
    days_covered: int
    days: int

    @property
    def status(self) -> str:
        """'full' when every day is covered, else 'partial'."""
        return FULL if self.days_covered == self.days else PARTIAL


def months(stretches: Iterable[Span], zone: ZoneInfo = ZONE) -> dict[dt.date, MonthCoverage]:
    """Each month any stretch touches, with the days the union of the stretches wholly covers."""
    full: dict[dt.date, int] = {}
    for starts, ends in merge(stretches):
        first = starts.astimezone(zone).date()
        last = (
            (ends - dt.timedelta(microseconds=1)).astimezone(zone).date()
            if ends > starts
            else first
        )
        day = first
        while day <= last:
            month = day.replace(day=1)
            whole = (
                _midnight(day, zone) >= starts
                and _midnight(day + dt.timedelta(days=1), zone) <= ends
            )
            full[month] = full.get(month, 0) + int(whole)
            day += dt.timedelta(days=1)
    found = {}
    for month, covered in sorted(full.items()):
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        found[month] = MonthCoverage(month, covered, (following - month).days)
    return found


def statuses(stretches: Iterable[Span], zone: ZoneInfo = ZONE) -> dict[dt.date, str]:
    """Month -> 'full' or 'partial' for every month the stretches touch (others: missing)."""
    return {month: found.status for month, found in months(stretches, zone).items()}

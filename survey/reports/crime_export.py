"""Crime counts per area x month x category, as every figure reads them (issue 15).

One row per (area, month, category): the count analysis.crime_series.read_series gives the
deviations and the follow-up (an area total before its places, one source, a month a source
covered without the category as 0), so a published crime figure can be recomputed from this
file alone. A count of ".." was suppressed at the source (as Brå writes it): missing, not 0.
The columns are those of the simple long crime CSV (DESIGN §6), so the file imports back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.collation import swedish_key
from analysis.crime_series import read_series

from ..models import Area
from .raw_data import write_table

CRIME_COLUMNS = ["month", "area", "category", "count"]
#: A count the source suppressed, written as Brå writes it (and as the import reads it).
SUPPRESSED = ".."
#: Every month there can be: the export is not cut to a window.
FIRST, LAST = dt.date(1900, 1, 1), dt.date(2999, 12, 1)


def crime_rows(session: Session, area_slug: str | None = None) -> Iterator[list[Any]]:
    """The rows, by area, category (Swedish order) and month; LookupError for an unknown area."""
    if (
        area_slug is not None
        and session.scalar(select(Area.id).where(Area.slug == area_slug)) is None
    ):
        raise LookupError(f"unknown area {area_slug!r}")
    series = read_series(session.connection(), area_slug, FIRST, LAST)
    for slug, category in sorted(series, key=lambda key: (key[0], swedish_key(key[1]), key[1])):
        for month, count in sorted(series[(slug, category)].items()):
            yield [month.strftime("%Y-%m"), slug, category, SUPPRESSED if count is None else count]


def write_crime(session: Session, stream: IO[Any], fmt: str, area_slug: str | None = None) -> int:
    """Write the crime counts as CSV (text stream) or XLSX (binary stream); how many rows."""
    rows = list(crime_rows(session, area_slug))  # an unknown area fails before any output
    return write_table(CRIME_COLUMNS, rows, stream, fmt, "brott")

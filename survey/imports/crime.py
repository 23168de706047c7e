"""Crime counts from outside: a Brå-style monthly CSV or a police event list (DESIGN §6).

Plain Python and SQLAlchemy (no Flask request). A file is checked completely before anything
is stored, and a file with any error stores nothing. Re-importing replaces: for every (area,
month) in the file, the counts of the same source for that area and month are deleted first,
so the same months imported twice are never counted twice.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, insert, or_
from sqlalchemy.orm import Session

from ..models import CrimeCount
from ..services import audit
from . import decoded_lines
from .crime_csv import parse_csv
from .crime_rows import Names, month_text, plural
from .police_events import parse_events

DEFAULT_TIMEZONE = "Europe/Stockholm"


@dataclass
class CrimeImport:
    """What an import stored: the source, how many monthly counts, which months and areas."""

    source: str
    filename: str
    rows: int
    months: list[str]
    areas: list[str]
    events: int | None = None

    def summary(self) -> str:
        """One line for the person who imported, e.g. '240 monthly counts (12 months, 2 areas)'."""
        return (
            f"{self.rows} monthly {'count' if self.rows == 1 else 'counts'}"
            f" ({plural(len(self.months), 'month')}, {plural(len(self.areas), 'area')})"
        )


def _replace(session: Session, source: str, records: Iterable[dict[str, Any]]) -> None:
    """Delete the source's counts for every (area, month) the rows cover, then insert them."""
    rows = list(records)
    months: dict[int, set[dt.date]] = {}
    for row in rows:
        months.setdefault(row["area_id"], set()).add(row["month"])
    # Declarative types __table__ as any FromClause; a mapped class's own is a Table.
    table = cast(Table, CrimeCount.__table__)
    session.execute(
        table.delete().where(
            table.c.source == source,
            or_(
                *(
                    and_(table.c.area_id == area_id, table.c.month.in_(sorted(area_months)))
                    for area_id, area_months in months.items()
                )
            ),
        )
    )
    session.execute(insert(table), rows)


def import_crime(
    session: Session,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    today: dt.date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> CrimeImport:
    """Check a whole crime counts file, then replace the months it covers; the caller commits.

    fmt is 'csv' or 'events' (a police event list); by default a .json file is events.
    Raises ImportRefused, having changed nothing, for a file with any error.
    """
    source = fmt or ("events" if Path(path).suffix.casefold() == ".json" else "csv")
    if source not in ("csv", "events"):
        raise ValueError(f"unknown crime counts format {source!r}")
    today = today or dt.date.today()
    names = Names(session)
    lines = list(decoded_lines(Path(path).read_bytes().splitlines(keepends=True)))
    events = None
    if source == "csv":
        records = parse_csv(lines, names, today)
    else:
        records, events = parse_events(lines, names, today, ZoneInfo(timezone))
    _replace(session, source, records)
    filename = Path(path).name[:255]
    months = sorted({month_text(r["month"]) for r in records})
    slugs = {area_id: slug for area_id, slug, _name in names.areas.values()}
    areas = sorted({slugs[r["area_id"]] for r in records})
    details: dict[str, Any] = {
        "source": source,
        "filename": filename,
        "rows": len(records),
        "months": months,
        "areas": areas,
    }
    if events is not None:
        details["events"] = events
    audit.record(session, "crime.import", None, details)
    return CrimeImport(source, filename, len(records), months, areas, events)

"""Crime data from outside: monthly CSVs, Brå's files or a police event list (DESIGN §6).

Plain Python and SQLAlchemy (no Flask request). A file is checked completely before anything
is stored, and a file with any error stores nothing.

- A CSV replaces what it covers: for every area in the file, the CSV counts of the file's
  categories in the file's months are deleted first (survey/imports/crime_replace.py), so the
  same months imported twice are never counted twice, and a file of one category leaves the
  others as they were. Each (area, month, category) of the file is recorded as covered.
- An event list adds events: each police event is stored once by its id (a later download
  updates it), and the monthly counts of the months it touches are derived again from all
  stored events, never from one download's window. Events outside every area are stored too
  (an area or alias added later counts them) and summarised per municipality. The download
  covers from its oldest to its newest event.
- A Brå file (survey/imports/bra.py) replaces the same way: its monthly counts as a CSV's, its
  yearly counts per (area, category, year). Rows for places outside every area are skipped and
  summarised per region. Yearly counts are not covered months: they never make a month's 0.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ..models import Area
from ..models.crime import CrimeCoverage, CrimeYearCount
from ..services import audit
from . import ImportRefused, decoded_lines, utf8_bytes
from .bra import SHAPES, BraData, guess_shape, known_shapes, read_bra
from .crime_csv import REQUIRED, parse_csv
from .crime_events import rebuild_counts, store_events
from .crime_journal import Journal, lock_crime_data
from .crime_replace import replace_counts, spellings
from .crime_result import CrimeImport
from .crime_rows import Names, month_text
from .crime_years import on_page, option_name, shape_name
from .police_events import event_stretches, parse_events

DEFAULT_TIMEZONE = "Europe/Stockholm"
#: The largest crime file read (a police download is about 200 kB, Brå's largest exports a
#: few MB; 100,000 events, the most one file may hold, are about 40 MB).
MAX_FILE_BYTES = 50_000_000


def _table(model: Any) -> Table:
    # Declarative types __table__ as any FromClause; a mapped class's own is a Table.
    table: Table = model.__table__
    return table


def import_crime(
    session: Session,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    today: dt.date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    year: int | None = None,
) -> CrimeImport:
    """Check a whole crime data file, then store it; the caller commits.

    fmt is 'csv', 'events' (a police event list) or one of Brå's shapes (bra.SHAPES); by
    default a .json file is events and any other file's shape is found from its header.
    ``year`` is the year of a Brå file whose name does not say it.
    Raises ImportRefused, having changed nothing, for a file with any error.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)  # a device such as /dev/zero has no size
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            [_("the file is larger than %(size)d MB", size=MAX_FILE_BYTES // 1_000_000)]
        )
    return import_crime_data(session, data, Path(path).name, fmt, today, timezone, year)


def _is_json(first: str) -> bool:
    """Whether a file whose first non-blank line is this is JSON: never a table."""
    return first.lstrip().startswith(("[", "{"))


def _shape(lines: list[str]) -> str:
    """'csv', 'events' or a Brå shape, from the header; ImportRefused listing the shapes known."""
    first = next((line for line in lines if line.strip()), "")
    # A police event list saved without .json (curl -o handelser).
    if _is_json(first):
        return "events"
    if (shape := guess_shape(lines)) is not None:
        return shape
    cells = {cell.strip().strip('"').casefold() for cell in re.split("[,;\t]", first)}
    if not first or cells & set(REQUIRED):
        return "csv"  # the simple long CSV names the columns it misses
    raise ImportRefused(
        [
            _(
                "line 1: the shape of this file is not known; the shapes known are: %(shapes)s;"
                " the police's event list, JSON (%(events)s)",
                shapes=known_shapes(),
                events=shape_name("events"),
            )
        ]
    )


def _json_not_table(source: str) -> str:
    """The refusal of a JSON file given as a table: how to import a police event list with
    the command (--format) or on the upload page (its Format field)."""
    if on_page():
        return _(
            "line 1: this file is JSON, not of the shape %(format)s: a police event list is"
            " imported with %(option)s set to %(events)s or “%(found)s”",
            format=shape_name(source),
            option=option_name("format"),
            events=shape_name("events"),
            found=_("Found from the file"),
        )
    return _(
        "line 1: this file is JSON, not a %(format)s table: a police event list is imported"
        " with %(option)s events (or without %(option)s)",
        format=source,
        option=option_name("format"),
    )


def import_crime_data(
    session: Session,
    data: bytes,
    origin: str,
    source: str | None,
    today: dt.date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    year: int | None = None,
) -> CrimeImport:
    """Import crime data already read (a file's bytes, a download) named by ``origin``.

    ``source`` None: a file named .json is an event list, any other's shape is found from
    its header (a simple CSV or one of Brå's).
    """
    if source not in ("csv", "events", None, *SHAPES):
        raise ValueError(f"unknown crime counts format {source!r}")
    today = today or dt.date.today()
    if source is None and Path(origin).suffix.casefold() == ".json":
        source = "events"
    lines = list(decoded_lines(utf8_bytes(data).splitlines(keepends=True)))
    origin = origin[:255]
    if source not in (None, "events") and _is_json(next((x for x in lines if x.strip()), "")):
        # Not four "column missing" errors about a file that has no columns.
        raise ImportRefused([_json_not_table(source)])
    if source == "csv" and (found := guess_shape(lines)) is not None:
        # Not a "column missing" error for each of the four columns of the simple CSV.
        raise ImportRefused(
            [
                _(
                    "line 1: this is a file from Brå (%(found)s), not a CSV of monthly counts"
                    " (month;area;category;count): import it with %(option)s set to %(found)s",
                    found=shape_name(found),
                    option=option_name("format"),
                )
            ]
        )
    source = source or _shape(lines)
    lock_crime_data(session)  # what the journal keeps must be what the import replaces
    journal = Journal()
    if source in SHAPES:
        names = Names(session)
        bra = read_bra(lines, names, today, origin, source, year)
        result = _store_bra(session, bra, names, origin, ZoneInfo(timezone), journal)
    elif source == "csv":
        names = Names(session)
        records = parse_csv(lines, names, today, None if on_page() else year)
        replace_counts(session, source, records, ZoneInfo(timezone), origin, journal)
        months = sorted({month_text(r["month"]) for r in records})
        slugs = {area_id: slug for area_id, slug, _name in names.areas.values()}
        result = CrimeImport(
            source, origin, len(records), months, sorted({slugs[r["area_id"]] for r in records})
        )
    else:
        result = _import_events(session, lines, origin, today, ZoneInfo(timezone), journal)
    details: dict[str, Any] = {
        "source": source,
        "filename": origin,
        "rows": result.rows,
        "months": result.months,
        "areas": result.areas,
    }
    if source in SHAPES:
        details |= {"yearly": result.yearly, "years": result.years}
        details["skipped"] = sum(result.skipped.values())
    if result.events is not None:
        details |= {
            "events": result.events,
            "new": result.new,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "skipped": sum(result.skipped.values()),
        }
    run = journal.save(session, source, origin, sum(result.skipped.values()))
    audit.record(session, "crime.import", run, details)
    return result


def _import_events(
    session: Session,
    lines: list[str],
    origin: str,
    today: dt.date,
    zone: ZoneInfo,
    journal: Journal,
) -> CrimeImport:
    events = parse_events(lines, today, zone)
    stored = store_events(session, events, journal)
    rows = rebuild_counts(session, stored.months, stored.known)
    coverage = [
        CrimeCoverage(source="events", area_id=None, starts=starts, ends=ends, origin=origin)
        for starts, ends in event_stretches([e.occurred_at for e in events])
    ]
    session.add_all(coverage)
    session.flush()
    ids = [c.id for c in coverage]
    journal.events_stored(stored.new, stored.updated, stored.unchanged, stored.months, ids)
    slugs = sorted(session.scalars(select(Area.slug).where(Area.id.in_(stored.area_ids))))
    return CrimeImport(
        source="events",
        filename=origin,
        rows=rows,
        months=sorted(month_text(m) for m in stored.counted),
        areas=slugs,
        events=len(events),
        new=stored.new,
        updated=stored.updated,
        unchanged=stored.unchanged,
        skipped=stored.skipped,
        in_areas=stored.in_areas,
        context=stored.context,
    )


def _store_bra(
    session: Session, bra: BraData, names: Names, origin: str, zone: ZoneInfo, journal: Journal
) -> CrimeImport:
    """Store a Brå file's monthly counts as a CSV's and its yearly counts, replacing."""
    if bra.monthly:
        replace_counts(session, "csv", bra.monthly, zone, origin, journal)
    table = _table(CrimeYearCount)
    cells: dict[tuple[int, int], list[str]] = {}
    for row in bra.yearly:
        cells.setdefault((row["area_id"], row["year"]), []).append(row["category"])
    # A category stored in another case is the same one: the file's spelling replaces it.
    written: dict[int, set[str]] = {}
    for (area_id, _year), categories in cells.items():
        written.setdefault(area_id, set()).update(categories)
    known = spellings(session, table, None, written)
    for (area_id, _year), categories in cells.items():
        folded = {c.casefold() for c in categories}
        categories += [c for c in known[area_id] if c.casefold() in folded and c not in categories]
    journal.years_before(session, cells, bra.yearly)
    for (area_id, year), categories in cells.items():
        session.execute(
            table.delete().where(
                table.c.area_id == area_id,
                table.c.year == year,
                table.c.category.in_(categories),
            )
        )
    if bra.yearly:
        session.execute(insert(table), [{**row, "origin": origin} for row in bra.yearly])
    session.flush()
    slugs = {area_id: slug for area_id, slug, _name in names.areas.values()}
    rows = [*bra.monthly, *bra.yearly]
    return CrimeImport(
        source=bra.shape,
        filename=origin,
        rows=len(bra.monthly),
        months=sorted({month_text(r["month"]) for r in bra.monthly}),
        areas=sorted({slugs[r["area_id"]] for r in rows}),
        skipped=bra.skipped,
        yearly=len(bra.yearly),
        years=sorted({str(r["year"]) for r in bra.yearly}),
    )

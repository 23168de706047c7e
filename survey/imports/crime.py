"""Crime counts from outside: a Brå-style monthly CSV or a police event list (DESIGN §6).

Plain Python and SQLAlchemy (no Flask request). A file is checked completely before anything
is stored, and a file with any error stores nothing. Re-importing replaces: for every (area,
month) in the file, the counts of the same source for that area and month are deleted first,
so the same months imported twice are never counted twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from ..models import Area, CrimeCount, Place
from ..services import audit
from .responses import MAX_ERRORS, ImportRefused

REQUIRED = ("month", "area", "category", "count")
#: The category column's width in the database.
CATEGORY_MAX = 120
#: Unknown location names list at most this many event ids each.
MAX_IDS_PER_NAME = 20
DEFAULT_TIMEZONE = "Europe/Stockholm"

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
#: Digits, optionally grouped by thousands with a space (Brå writes "1 234").
_COUNT = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+")
_NEGATIVE = re.compile(r"-\s*[0-9][0-9 \u00a0\u202f]*(?:[.,][0-9]+)?")
_DECIMAL = re.compile(r"[0-9][0-9 \u00a0\u202f]*[.,][0-9]+")
_RATE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
_THOUSANDS = re.compile(r"[ \u00a0\u202f]")
#: Brå's marks: '..' is a suppressed figure (missing, not zero), '-' is nothing (zero).
SUPPRESSED, NOTHING = "..", ("-", "\u2013")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", " ": None, "-": None, "\u2013": None})


def normalise(name: str) -> str:
    """Fold a name for matching: case, å/ä/ö as a/a/o, no spaces or hyphens."""
    return re.sub(r"\s+", "", name.casefold().translate(_FOLD))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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
            f" ({_plural(len(self.months), 'month')}, {_plural(len(self.areas), 'area')})"
        )


@dataclass
class _Errors:
    found: list[tuple[int, str]] = field(default_factory=list)

    def add(self, position: int, message: str) -> None:
        self.found.append((position, message))

    def refuse(self) -> None:
        if self.found:
            messages = [message for _position, message in sorted(self.found, key=lambda f: f[0])]
            raise ImportRefused(messages[:MAX_ERRORS], len(messages))


class Names:
    """Areas and places by folded name and slug, read with one query each."""

    def __init__(self, session: Session) -> None:
        self.areas: dict[str, tuple[int, str, str]] = {}
        for area_id, slug, name in session.execute(
            select(Area.id, Area.slug, Area.name).order_by(Area.name)
        ):
            for key in (normalise(name), normalise(slug)):
                self.areas.setdefault(key, (area_id, slug, name))
        self.known = ", ".join(sorted({name for _id, _slug, name in self.areas.values()}))
        # Retired places too: a file may bring in their history.
        self.places: dict[tuple[int, str], tuple[int, str]] = {}
        for place_id, slug, name, area_id in session.execute(
            select(Place.id, Place.slug, Place.name, Place.area_id)
        ):
            for key in (normalise(name), normalise(slug)):
                self.places.setdefault((area_id, key), (place_id, name))

    def area(self, value: str) -> tuple[int, str, str] | None:
        """The (id, slug, name) of the area a name or slug means, or None."""
        return self.areas.get(normalise(value))

    def place(self, area_id: int, value: str) -> tuple[int, str] | None:
        """The (id, name) of the area's place a name or slug means, or None."""
        return self.places.get((area_id, normalise(value)))


def _decoded_lines(raw: bytes) -> list[str]:
    """Decode line by line, so that bytes that are not UTF-8 can be named by their line."""
    lines = []
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            lines.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                [
                    f"line {number}: the file is not UTF-8 text (byte {line[exc.start]:#04x}"
                    " cannot be read); save it as UTF-8 (in Excel: CSV UTF-8) and import it again"
                ]
            ) from exc
    return lines


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_text(month: dt.date) -> str:
    return month.strftime("%Y-%m")


def parse_count(value: str) -> tuple[int | None, str | None]:
    """Read a Brå count: '..' is None (suppressed), '-' is 0, '1 234' is 1234; or an error."""
    text = value.strip()
    if text == SUPPRESSED:
        return None, None
    if text in NOTHING:
        return 0, None
    if _COUNT.fullmatch(text):
        return int(_THOUSANDS.sub("", text)), None
    if not text:
        return None, "the count is empty (write '..' for a suppressed figure, '-' for none)"
    if _NEGATIVE.fullmatch(text):
        return None, f"count '{text}' is negative"
    if _DECIMAL.fullmatch(text):
        return None, f"count '{text}' is not a whole number"
    return None, f"count '{text}' is not a number"


def _rate_error(value: str) -> str | None:
    text = _THOUSANDS.sub("", value.strip())
    if text in ("", SUPPRESSED, *NOTHING) or _RATE.fullmatch(text):
        return None
    return f"rate '{value.strip()}' is not a number (a decimal comma or point is fine)"


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _parse_month(value: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    text = value.strip()
    if not text:
        return None, "the month is empty"
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None, f"month '{text}' is not a month written YYYY-MM"
    month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if month > _first_of_month(today):
        return None, f"month {text} is in the future"
    return month, None


def parse_csv(lines: list[str], names: Names, today: dt.date) -> list[dict[str, Any]]:
    """Check every row of a crime counts CSV; return the rows to store or raise ImportRefused."""
    if not any(line.strip() for line in lines):
        raise ImportRefused(["line 1: the file is empty; it needs a header row and counts"])
    errors = _Errors()
    reader = csv.reader(iter(lines), delimiter=_sniff_separator(lines[0]), strict=True)
    try:
        header = [cell.strip().casefold() for cell in next(reader)]
    except csv.Error as exc:
        raise ImportRefused([f"line 1: the CSV cannot be read: {exc}"]) from exc
    for column in REQUIRED:
        if column not in header:
            errors.add(
                1, f"line 1: the column '{column}' is missing (needed: {', '.join(REQUIRED)})"
            )
    for column in sorted({c for c in header if c and header.count(c) > 1}):
        errors.add(1, f"line 1: the column '{column}' appears more than once")
    errors.refuse()
    # Other columns (a rate per 100,000 inhabitants, a region code) are allowed and ignored.
    index = {c: header.index(c) for c in (*REQUIRED, "place", "rate") if c in header}
    records: list[dict[str, Any]] = []
    seen: dict[tuple[dt.date, int, str, int | None], int] = {}
    line = 2
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                _check_row(line, cells, len(header), index, names, today, errors, records, seen)
            line = reader.line_num + 1
    except csv.Error as exc:
        errors.add(line, f"line {line}: the CSV cannot be read: {exc}")
    if not records and not errors.found:
        errors.add(2, "line 2: there are no counts below the header row")
    errors.refuse()
    return records


def _check_row(
    line: int,
    cells: list[str],
    width: int,
    index: dict[str, int],
    names: Names,
    today: dt.date,
    errors: _Errors,
    records: list[dict[str, Any]],
    seen: dict[tuple[dt.date, int, str, int | None], int],
) -> None:
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        errors.add(line, f"line {line}: {len(cells)} cells, but the header has {width} columns")
        return
    cells = cells + [""] * (width - len(cells))
    value = {column: cells[i] for column, i in index.items()}
    problems: list[str] = []
    month, problem = _parse_month(value["month"], today)
    problems += [problem] if problem else []
    area_text = value["area"].strip()
    area = names.area(area_text) if area_text else None
    if not area_text:
        problems.append("the area is empty")
    elif area is None:
        problems.append(f"unknown area '{area_text}' (the areas are {names.known})")
    category = value["category"].strip()
    if not category:
        problems.append("the category is empty")
    elif len(category) > CATEGORY_MAX:
        problems.append(f"the category is longer than {CATEGORY_MAX} characters")
    count, problem = parse_count(value["count"])
    problems += [problem] if problem else []
    problem = _rate_error(value["rate"]) if "rate" in value else None
    problems += [problem] if problem else []
    place_text = value.get("place", "").strip()
    place = None
    if place_text and area is not None:
        place = names.place(area[0], place_text)
        if place is None:
            problems.append(f"unknown place '{place_text}' in {area[2]}")
    for problem in problems:
        errors.add(line, f"line {line}: {problem}")
    if problems or month is None or area is None:
        return
    place_id = place[0] if place else None
    key = (month, area[0], category.casefold(), place_id)
    if key in seen:
        where = f", place {place[1]}" if place else ""
        errors.add(
            line,
            f"line {line}: month {_month_text(month)}, area {area[2]}, category '{category}'"
            f"{where} is already on line {seen[key]}",
        )
        return
    seen[key] = line
    records.append(
        {
            "area_id": area[0],
            "place_id": place_id,
            "month": month,
            "category": category,
            "count": count,
            "source": "csv",
        }
    )


def _parse_datetime(value: Any, zone: ZoneInfo) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    moment = None
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S"):
        try:
            moment = dt.datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    if moment is None:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    # The month as it was where it happened: a time in UTC is moved to local time first.
    return moment.astimezone(zone) if moment.tzinfo else moment


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_events(
    lines: list[str], names: Names, today: dt.date, zone: ZoneInfo
) -> tuple[list[dict[str, Any]], int]:
    """Count a police event list per month, type and area; return (rows, events) or refuse."""
    try:
        events = json.loads("".join(lines))
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [f"line {exc.lineno}: the file is not valid JSON: {exc.msg} (column {exc.colno})"]
        ) from exc
    if not isinstance(events, list):
        raise ImportRefused(["line 1: the file must hold a JSON array of events"])
    if not events:
        raise ImportRefused(["line 1: the event list is empty"])
    errors = _Errors()
    counts: dict[tuple[dt.date, int, str], int] = {}
    ids: dict[str, int] = {}
    unknown: dict[str, list[tuple[int, str]]] = {}
    for position, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            errors.add(position, f"event {position}: not an object with id, datetime and type")
            continue
        event_id = event.get("id")
        has_id = event_id is not None and str(event_id).strip() != ""
        label = f"event {position} (id {event_id})" if has_id else f"event {position}"
        problems: list[str] = []
        if not has_id:
            problems.append("the id is missing")
        elif str(event_id) in ids:
            problems.append(f"the same id as event {ids[str(event_id)]}")
        else:
            ids[str(event_id)] = position
        moment = _parse_datetime(event.get("datetime"), zone)
        month = _first_of_month(moment.date()) if moment else None
        if event.get("datetime") in (None, ""):
            problems.append("the datetime is missing")
        elif month is None:
            problems.append(
                f"datetime {json.dumps(event.get('datetime'), ensure_ascii=False)} is not a date"
                " and time like 2026-05-04 21:35:00 +02:00"
            )
        elif month > _first_of_month(today):
            problems.append(f"month {_month_text(month)} is in the future")
        category = _text(event.get("type"))
        if not category:
            problems.append("the type is missing")
        elif len(category) > CATEGORY_MAX:
            problems.append(f"the type is longer than {CATEGORY_MAX} characters")
        location = event.get("location")
        place_name = _text(location.get("name")) if isinstance(location, dict) else ""
        area = names.area(place_name) if place_name else None
        if not place_name:
            problems.append("the location name is missing")
        elif area is None:
            unknown.setdefault(place_name, []).append((position, str(event_id)))
        for problem in problems:
            errors.add(position, f"{label}: {problem}")
        if problems or area is None or month is None:
            continue
        # The coordinates are a municipality's centre, never a place: they are not used.
        key = (month, area[0], category)
        counts[key] = counts.get(key, 0) + 1
    for name, named_by in unknown.items():
        errors.add(named_by[0][0], _unknown_location(name, named_by, names))
    errors.refuse()
    records = [
        {
            "area_id": area_id,
            "place_id": None,
            "month": month,
            "category": category,
            "count": count,
            "source": "events",
        }
        for (month, area_id, category), count in sorted(counts.items())
    ]
    return records, len(events)


def _unknown_location(name: str, named_by: list[tuple[int, str]], names: Names) -> str:
    first, first_id = named_by[0]
    shown = ", ".join(event_id for _position, event_id in named_by[:MAX_IDS_PER_NAME])
    more = len(named_by) - MAX_IDS_PER_NAME
    return (
        f"event {first} (id {first_id}): unknown location '{name}', not an area"
        f" (the areas are {names.known}); {_plural(len(named_by), 'event')} name it, ids {shown}"
        + (f" and {more} more" if more > 0 else "")
    )


def _replace(session: Session, source: str, records: Iterable[dict[str, Any]]) -> None:
    """Delete the source's counts for every (area, month) the rows cover, then insert them."""
    rows = list(records)
    months: dict[int, set[dt.date]] = {}
    for row in rows:
        months.setdefault(row["area_id"], set()).add(row["month"])
    table = CrimeCount.__table__
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
    lines = _decoded_lines(Path(path).read_bytes())
    events = None
    if source == "csv":
        records = parse_csv(lines, names, today)
    else:
        records, events = parse_events(lines, names, today, ZoneInfo(timezone))
    _replace(session, source, records)
    filename = Path(path).name[:255]
    months = sorted({_month_text(r["month"]) for r in records})
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

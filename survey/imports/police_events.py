"""Crime counts from a police event list (JSON): events counted per month, type and area."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from . import ImportErrors, ImportRefused
from .crime_rows import CATEGORY_MAX, Names, first_of_month, month_text, plural

#: Unknown location names list at most this many event ids each.
MAX_IDS_PER_NAME = 20


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
    errors = ImportErrors()
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
        month = first_of_month(moment.date()) if moment else None
        if event.get("datetime") in (None, ""):
            problems.append("the datetime is missing")
        elif month is None:
            problems.append(
                f"datetime {json.dumps(event.get('datetime'), ensure_ascii=False)} is not a date"
                " and time like 2026-05-04 21:35:00 +02:00"
            )
        elif month > first_of_month(today):
            problems.append(f"month {month_text(month)} is in the future")
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
        f" (the areas are {names.known}); {plural(len(named_by), 'event')} name it, ids {shown}"
        + (f" and {more} more" if more > 0 else "")
    )

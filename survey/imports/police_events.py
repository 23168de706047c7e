"""A police event list (JSON, /api/events) read and checked: each event, where it happened.

Since February 2026 every event's ``location.name`` is a county ("Stockholms län") and the
municipality is only the last part of ``name`` ("7 juli 17.52, Rattfylleri, Ekerö"): the
municipality is taken from there when the location is a county.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from . import ImportErrors, ImportRefused
from .crime_rows import (
    CATEGORY_MAX,
    UNSAVABLE,
    control_characters,
    first_of_month,
    is_county,
    month_text,
    quoted,
    unsavable_raw,
)

#: Column widths of the stored event (longer texts are cut, never refused).
NAME_MAX, LOCATION_MAX, URL_MAX, ID_MAX, SUMMARY_MAX = 300, 200, 300, 40, 2000
#: Events one file may hold: the police's list has about 500; a month of the whole country's
#: events is about 20,000.
EVENTS_MAX = 100_000
#: Whole numbers up to this are exact as floats (2^53): an id beyond it may have been changed.
WHOLE_FLOATS = 2**53
#: A gap between two events of a file longer than this is no part of one download: the police's
#: list of the whole country has events every few hours (at most 9.5 hours apart in the real
#: responses), while saved downloads put in one file leave the days between them unseen.
COVERAGE_GAP = dt.timedelta(days=2)
#: A negative whole number, also one given as a text ("-5"): no police id is one, so it is a
#: mistake (a minus typed or a tool's placeholder), refused as such. Other texts stay ids: an id
#: too large to be exact as a JSON number must be given as a text.
_NEGATIVE_ID = re.compile(r"-\s*[0-9]+")
#: Events before this year are typing mistakes: one would make every month since then look
#: covered, with zero events.
FIRST_EVENT_YEAR = 2000


@dataclass(frozen=True)
class PoliceEvent:
    """One checked event of a police event list."""

    event_id: str
    occurred_at: dt.datetime
    month: dt.date
    type: str
    name: str
    summary: str
    location: str
    municipality: str
    url: str


def parse_datetime(value: Any, zone: ZoneInfo) -> dt.datetime | None:
    """Read the feed's '2025-06-07 7:32:06 +02:00' (or ISO 8601) as a time in ``zone``."""
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
    if not FIRST_EVENT_YEAR <= moment.year < dt.MAXYEAR:
        return None  # also keeps a time zone from moving it out of the calendar
    # The month as it was where it happened: a time in UTC is moved to local time first.
    return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)


def _text(value: Any) -> str:
    """A text field on one line, without control or invisible characters (the feed's free
    text is kept, not refused, for its sake)."""
    if not isinstance(value, str):
        return ""
    return " ".join("".join(c for c in value if not _unsavable_char(c)).split())


def _given(value: Any) -> str:
    """A text field as given (anything else: empty, so that it is named as missing)."""
    return value if isinstance(value, str) else ""


def _unsavable_char(c: str) -> bool:
    return not c.isspace() and unicodedata.category(c) in UNSAVABLE


def municipality_of(location: str, name: str) -> str:
    """The municipality an event happened in: its location, or the end of its name."""
    if is_county(location):
        tail = name.rsplit(",", 1)[-1].strip() if "," in name else ""
        return tail or location
    return location


#: What the JSON reader's English messages mean, in the reader's language (by their start).
_JSON_PROBLEMS = (
    ("Expecting value", _l("a value is missing here, or is not JSON")),
    ("Expecting ',' delimiter", _l("a comma is missing between two values")),
    ("Expecting ':' delimiter", _l("a colon is missing after a name")),
    (
        "Expecting property name",
        _l("a name is not in double quotes, or a comma stands before a closing brace"),
    ),
    ("Extra data", _l("more follows after the list has ended (one event a line is no list)")),
    ("Invalid control character", _l("a text holds a control character (a NUL, a tab)")),
    ("Unterminated string", _l("a text is not closed with a double quote")),
    ("Invalid \\escape", _l("a backslash starts no escape JSON knows")),
)


def _json_problem(message: str) -> str:
    for start, problem in _JSON_PROBLEMS:
        if message.startswith(start):
            return str(problem)
    return _("the JSON breaks here")


def load_events(lines: list[str]) -> list[Any]:
    """The JSON array of events, or ImportRefused naming where the JSON breaks."""
    first = next(((n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()), None)
    if first is None:
        raise ImportRefused([_("line 1: the file is empty; an event list starts with [")])
    if not first[1].startswith(("[", "{")):
        # A table, or a web page saved as .json: not "Expecting value" at column 1.
        raise ImportRefused(
            [
                _(
                    "line %(n)d: this is not a police event list (JSON, which starts with"
                    " [): it starts with “%(start)s”",
                    n=first[0],
                    start=quoted(first[1][:40]),
                )
            ]
        )
    try:
        events = json.loads("".join(lines))
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [
                _(
                    "line %(n)d: the file is not valid JSON: %(problem)s (column %(column)d)",
                    n=exc.lineno,
                    problem=_json_problem(exc.msg),
                    column=exc.colno,
                )
            ]
        ) from exc
    except RecursionError as exc:
        raise ImportRefused([_("the file is not an event list: nested too deeply")]) from exc
    except ValueError as exc:  # a number of thousands of digits
        raise ImportRefused(
            [_("the file is not an event list: a number has thousands of digits")]
        ) from exc
    if not isinstance(events, list):
        raise ImportRefused([_("line 1: the file must hold a JSON array of events")])
    if not events:
        raise ImportRefused([_("line 1: the event list is empty")])
    if len(events) > EVENTS_MAX:
        raise ImportRefused(
            [
                ngettext(
                    "the file holds %(num)d event; one file may hold at most %(max)d",
                    "the file holds %(num)d events; one file may hold at most %(max)d",
                    len(events),
                    max=EVENTS_MAX,
                )
            ]
        )
    return events


def parse_events(lines: list[str], today: dt.date, zone: ZoneInfo) -> list[PoliceEvent]:
    """Check every event of a police event list; return them, or refuse naming each bad one."""
    events = load_events(lines)
    errors = ImportErrors()
    checked: list[PoliceEvent] = []
    ids: dict[str, int] = {}
    for position, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            errors.add(
                position,
                _("event %(n)d: not an object with id, datetime and type", n=position),
            )
            continue
        raw_id = event.get("id")
        if isinstance(raw_id, float) and raw_id.is_integer() and abs(raw_id) < WHOLE_FLOATS:
            raw_id = int(raw_id)  # 123456.0: a file saved again by a tool that reads numbers
        plain = isinstance(raw_id, int | str) and not isinstance(raw_id, bool)
        event_id = str(raw_id).strip() if plain else ""
        label = (
            _("event %(n)d (id %(id)s)", n=position, id=quoted(event_id))
            if event_id
            else _("event %(n)d", n=position)
        )
        problems: list[str] = []
        if isinstance(raw_id, float):
            given = quoted(json.dumps(raw_id))
            problems.append(
                _("the id %(id)s is negative: the police's ids are positive numbers", id=given)
                if raw_id < 0 and raw_id.is_integer()
                else _(
                    "the id %(id)s is too large to be exact as a number: give it as a text",
                    id=given,
                )
                if raw_id.is_integer()
                else _("the id %(id)s is not a whole number (the police's ids are)", id=given)
            )
        elif raw_id is not None and not plain:
            problems.append(_("the id is not a number or a text"))
        elif not event_id:
            problems.append(_("the id is missing"))
        elif len(event_id) > ID_MAX:
            problems.append(_("the id is longer than %(max)d characters", max=ID_MAX))
        elif unsavable_raw(event_id):  # NUL, which PostgreSQL refuses; a direction override
            problems.append(_("the id holds control or invisible characters"))
        elif _NEGATIVE_ID.fullmatch(event_id):  # a number, or a whole number saved as text
            problems.append(
                _(
                    "the id %(id)s is negative: the police's ids are positive numbers",
                    id=quoted(event_id),
                )
            )
        elif event_id in ids:
            problems.append(_("the same id as event %(first)d", first=ids[event_id]))
        else:
            ids[event_id] = position
        moment = parse_datetime(event.get("datetime"), zone)
        month = first_of_month(moment.date()) if moment else None
        if event.get("datetime") in (None, ""):
            problems.append(_("the datetime is missing"))
        elif month is None:
            given = quoted(json.dumps(event.get("datetime"), ensure_ascii=False))
            problems.append(
                _(
                    "datetime %(value)s is not a date and time like %(example)s (from %(first)d"
                    " on)",
                    value=given,
                    example="2026-05-04 21:35:00 +02:00",
                    first=FIRST_EVENT_YEAR,
                )
            )
        elif month > first_of_month(today):
            problems.append(_("month %(month)s is in the future", month=month_text(month)))
        raw_type = _given(event.get("type"))
        event_type = " ".join(raw_type.split())
        # Checked as given: split() would turn \x1c-\x1f or \x85 into spaces.
        if unsavable_raw(raw_type):
            problems.append(control_characters("type"))
        elif not event_type:
            problems.append(_("the type is missing"))
        elif len(event_type) > CATEGORY_MAX:
            problems.append(_("the type is longer than %(max)d characters", max=CATEGORY_MAX))
        location = event.get("location")
        raw_location = _given(location.get("name") if isinstance(location, dict) else None)
        location_name = " ".join(raw_location.split())
        if unsavable_raw(raw_location):
            problems.append(control_characters("location name"))
        elif not location_name:
            problems.append(_("the location name is missing"))
        for problem in problems:
            errors.add(position, _("%(where)s: %(message)s", where=label, message=problem))
        if problems or moment is None or month is None:
            continue
        name = _text(event.get("name"))
        # The coordinates are a municipality's centre, never a place: they are not used.
        checked.append(
            PoliceEvent(
                event_id=event_id,
                occurred_at=moment,
                month=month,
                type=event_type,
                name=name[:NAME_MAX],
                summary=_text(event.get("summary"))[:SUMMARY_MAX],
                location=location_name[:LOCATION_MAX],
                municipality=municipality_of(location_name, name)[:LOCATION_MAX],
                url=_text(event.get("url"))[:URL_MAX],
            )
        )
    errors.refuse()
    return checked


def event_stretches(moments: list[dt.datetime]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches (in UTC) an event list covers: from its oldest to its newest event, split
    where two events are more than COVERAGE_GAP apart, so that a file of several downloads
    does not make the time between them look covered, with no events."""
    times = sorted(moment.astimezone(dt.UTC) for moment in moments)
    stretches = [[times[0], times[0]]]
    for moment in times[1:]:
        if moment - stretches[-1][1] > COVERAGE_GAP:
            stretches.append([moment, moment])
        stretches[-1][1] = moment
    return [(starts, ends) for starts, ends in stretches]

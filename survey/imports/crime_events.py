"""Police events stored as events: matched to areas, kept once by id, counted per month.

An event counts for an area when its municipality is one of the area's names (its name, slug
or an alias), or, for a district of a municipality (Area.municipality, e.g. Bromma in
Stockholm), when it happened in that municipality and its name or summary names the district,
one of its aliases or one of its places as a whole word ("matched by text"). Monthly counts of
the source 'events' are derived from the stored events and rebuilt for the months an import
(or a change of an area's names) touches.

Every event of a download is stored, also those no area counts (the feed's ~500 events of the
whole country): an area or alias added later counts the events already stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Integer, Table, cast, delete, func, insert, select
from sqlalchemy.orm import Session

from analysis.crime_categories import Mapping, police_category
from analysis.crime_categories import read as read_mapping

from ..models import Area, Place
from ..models.accounts import utcnow
from ..models.crime import CrimeCount, CrimeEvent, CrimeEventArea
from ..models.places import AreaAlias
from .crime_rows import normalise, unusable_alias
from .police_events import PoliceEvent

if TYPE_CHECKING:
    from .crime_journal import Journal

#: Events are written and read in chunks of this many ids (SQL parameter limits).
CHUNK = 500


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = sorted({" ".join(w.split()).casefold() for w in words if w.strip()}, key=len)
    if not alternatives:
        return None
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in reversed(alternatives))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass
class AreaMatcher:
    """The areas' names, read once, to match events without a query per event."""

    #: Folded name -> area ids whose name, slug or alias it is.
    direct: dict[str, set[int]] = field(default_factory=dict)
    #: Folded municipality -> [(district area id, pattern of its names and places)].
    districts: dict[str, list[tuple[int, re.Pattern[str]]]] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session) -> AreaMatcher:
        """Read every area with its aliases and places (three queries)."""
        matcher = cls()
        areas = session.execute(select(Area.id, Area.slug, Area.name, Area.municipality)).all()
        aliases: dict[int, list[str]] = {}
        for area_id, name in session.execute(select(AreaAlias.area_id, AreaAlias.name)):
            aliases.setdefault(area_id, []).append(name)
        places: dict[int, list[str]] = {}
        for area_id, name in session.execute(select(Place.area_id, Place.name)):
            places.setdefault(area_id, []).append(name)
        for area_id, slug, name, municipality in areas:
            usable = [a for a in aliases.get(area_id, []) if not unusable_alias(a, municipality)]
            names = [name, *usable]
            for key in {normalise(n) for n in (*names, slug)}:
                matcher.direct.setdefault(key, set()).add(area_id)
            if municipality:
                pattern = _word_pattern([*names, *places.get(area_id, [])])
                if pattern is not None:
                    matcher.districts.setdefault(normalise(municipality), []).append(
                        (area_id, pattern)
                    )
        return matcher

    def may_match(self, municipality: str) -> bool:
        """Whether an event in this municipality could count for some area."""
        key = normalise(municipality)
        return key in self.direct or key in self.districts

    def match(self, municipality: str, text: str) -> dict[int, bool]:
        """The areas an event counts for: area id -> whether only its text placed it there."""
        found = dict.fromkeys(self.direct.get(normalise(municipality), ()), False)
        folded = text.casefold()
        for area_id, pattern in self.districts.get(normalise(municipality), []):
            if area_id not in found and pattern.search(folded):
                found[area_id] = True
        return found


@dataclass
class StoredEvents:
    """What storing a download did: events new and updated, and those outside every area."""

    new: int = 0
    updated: int = 0
    #: Stored before with the same content (a download that overlaps an earlier one).
    unchanged: int = 0
    #: Municipality -> events stored there that no area counts (yet).
    skipped: Counter[str] = field(default_factory=Counter)
    #: The months whose counts must be derived again.
    months: set[dt.date] = field(default_factory=set)
    #: The months of the events that count for some area.
    counted: set[dt.date] = field(default_factory=set)
    area_ids: set[int] = field(default_factory=set)
    #: The events that count for some area, and the types of those that are not crimes.
    in_areas: int = 0
    context: Counter[str] = field(default_factory=Counter)
    #: The category mapping read for them (the shipped file with the admins' edits).
    known: Mapping | None = None


def store_events(
    session: Session, events: list[PoliceEvent], journal: Journal | None = None
) -> StoredEvents:
    """Store every event once by its id (a later download updates it), matched to areas; flush.

    Events outside every area are stored too, with their municipality: an area or alias added
    later counts them without a new download (rematch_events). ``journal`` keeps the stored
    events as they were, and the new ones' ids, so that the import can be undone.
    """
    matcher = AreaMatcher.read(session)
    known = read_mapping(session.connection())  # the shipped mapping with the admins' edits
    result = StoredEvents(known=known)
    existing: dict[str, CrimeEvent] = {}
    ids = [event.event_id for event in events]
    for start in range(0, len(ids), CHUNK):
        query = select(CrimeEvent).where(CrimeEvent.event_id.in_(ids[start : start + CHUNK]))
        existing |= {row.event_id: row for row in session.scalars(query)}
    rows: list[tuple[CrimeEvent, dict[int, bool]]] = []
    new: list[CrimeEvent] = []
    now = utcnow()
    for event in events:
        areas = matcher.match(event.municipality, f"{event.name}\n{event.summary}")
        if not areas:
            result.skipped[event.municipality] += 1
        row = existing.get(event.event_id)
        if row is None:
            row = CrimeEvent(event_id=event.event_id)
            session.add(row)
            new.append(row)
            result.new += 1
        else:
            # The month it was in before, too: its old count must be rebuilt.
            result.months.add(row.month)
            same = _content(row) == _content(event)
            if journal is not None:
                journal.event_before(row, changed=not same)
            if same:
                result.unchanged += 1
            else:
                result.updated += 1
        row.occurred_at = event.occurred_at.astimezone(dt.UTC)
        row.month, row.type, row.name = event.month, event.type, event.name
        row.summary, row.location, row.url = event.summary, event.location, event.url
        row.municipality, row.updated_at = event.municipality, now
        rows.append((row, areas))
        result.months.add(event.month)
        if areas:
            result.counted.add(event.month)
            result.in_areas += 1
            if police_category(event.type, known) is None:
                result.context[event.type] += 1
        result.area_ids |= set(areas)
    session.flush()
    if journal is not None:
        journal.new_events(row.id for row in new)
    _replace_matches(session, rows)
    return result


def _content(event: CrimeEvent | PoliceEvent) -> tuple[object, ...]:
    """What a download may change of an event (the moment in UTC, as stored)."""
    moment = event.occurred_at
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return (
        moment.astimezone(dt.UTC),
        event.month,
        event.type,
        event.name,
        event.summary,
        event.location,
        event.url,
        event.municipality,
    )


def _replace_matches(session: Session, rows: list[tuple[CrimeEvent, dict[int, bool]]]) -> None:
    ids = [row.id for row, _areas in rows]
    for start in range(0, len(ids), CHUNK):
        session.execute(
            delete(CrimeEventArea).where(CrimeEventArea.event_id.in_(ids[start : start + CHUNK]))
        )
    _link(session, [(row.id, areas) for row, areas in rows])


def _link(session: Session, matches: list[tuple[int, dict[int, bool]]]) -> None:
    links = [
        {"event_id": event_id, "area_id": area_id, "by_text": by_text}
        for event_id, areas in matches
        for area_id, by_text in areas.items()
    ]
    for start in range(0, len(links), CHUNK):
        session.execute(insert(CrimeEventArea), links[start : start + CHUNK])


def match_again(session: Session, ids: list[int]) -> None:
    """Match these stored events to the areas again (their values were put back)."""
    matcher = AreaMatcher.read(session)
    matches: list[tuple[int, dict[int, bool]]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(delete(CrimeEventArea).where(CrimeEventArea.event_id.in_(chunk)))
        query = select(
            CrimeEvent.id, CrimeEvent.municipality, CrimeEvent.name, CrimeEvent.summary
        ).where(CrimeEvent.id.in_(chunk))
        for event_id, municipality, name, summary in session.execute(query):
            if areas := matcher.match(municipality, f"{name}\n{summary}"):
                matches.append((event_id, areas))
    _link(session, matches)


def rematch_events(session: Session) -> int:
    """Match every stored event to the areas again (after names changed); rebuild all counts.

    Only the events of municipalities some area's name, alias or district could match are
    read (the feed's events of the whole country are stored, most of them in no area).
    Returns how many events now count for some area.
    """
    matcher = AreaMatcher.read(session)
    wanted = [
        name
        for name in session.scalars(select(CrimeEvent.municipality).distinct())
        if matcher.may_match(name)
    ]
    session.execute(delete(CrimeEventArea))
    matches: list[tuple[int, dict[int, bool]]] = []
    for start in range(0, len(wanted), CHUNK):
        query = select(
            CrimeEvent.id, CrimeEvent.municipality, CrimeEvent.name, CrimeEvent.summary
        ).where(CrimeEvent.municipality.in_(wanted[start : start + CHUNK]))
        for event_id, municipality, name, summary in session.execute(query):
            if areas := matcher.match(municipality, f"{name}\n{summary}"):
                matches.append((event_id, areas))
    _link(session, matches)
    rebuild_counts(session, None)
    session.flush()
    return len(matches)


def rebuild_counts(
    session: Session, months: set[dt.date] | None, known: Mapping | None = None
) -> int:
    """Derive the 'events' counts of the given months (None: all) from the stored events.

    Context types (not crimes) are not counted; several police types may share a category.
    """
    table: Table = CrimeCount.__table__  # type: ignore[assignment]
    wipe = table.delete().where(table.c.source == "events")
    query = (
        select(
            CrimeEventArea.area_id,
            CrimeEvent.month,
            CrimeEvent.type,
            func.count().label("n"),
            func.max(cast(CrimeEventArea.by_text, Integer)).label("by_text"),
        )
        .join(CrimeEvent, CrimeEvent.id == CrimeEventArea.event_id)
        .group_by(CrimeEventArea.area_id, CrimeEvent.month, CrimeEvent.type)
    )
    if months is not None:
        if not months:
            return 0
        wipe = wipe.where(table.c.month.in_(sorted(months)))
        query = query.where(CrimeEvent.month.in_(sorted(months)))
    session.execute(wipe)
    totals: dict[tuple[int, dt.date, str], list[int]] = {}
    if known is None:  # the shipped file with the admins' edits
        known = read_mapping(session.connection())
    for area_id, month, event_type, n, by_text in session.execute(query):
        category = police_category(event_type, known)
        if category is None:
            continue
        cell = totals.setdefault((area_id, month, category), [0, 0])
        cell[0] += n
        cell[1] = max(cell[1], int(by_text or 0))
    rows = [
        {
            "area_id": area_id,
            "place_id": None,
            "month": month,
            "category": category,
            "count": n,
            "source": "events",
            "by_text": bool(by_text),
        }
        for (area_id, month, category), (n, by_text) in sorted(totals.items())
    ]
    if rows:
        session.execute(insert(table), rows)
    return len(rows)

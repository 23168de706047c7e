"""THE one road to the situation picture: every caller in the app gets it here.

The dashboard, its charts, the downloads, the API, the CLI and the demo all call
``situation`` (or ``build_pictures``, which names the round); nothing else in ``survey/``
calls ``analysis.picture.situation_picture``. The organizer's situation pages and charts go
through ``PictureCache``, which builds a picture once per key: the area, the filters, the
parameters, the language and a *data version* read from the database on every request.
Any write in any process changes the version, so processes that each keep their own small
cache still agree, and a cached picture is never stale (DESIGN: no in-process caches of
data that others write).

Cached pictures are shared between requests: read them, never change them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Select, func, select

from analysis import tables as analysis_tables
from analysis.picture import area_slugs, situation_picture
from analysis.survey import Filters

from .. import clock
from ..models import AuditEvent, Base, SurveyRound
from .organizer_form import organizer_form

#: Pictures kept per process; one takes about half a megabyte in memory (the default areas).
CACHE_SIZE = 16
EXTENSION = "trygghet.pictures"


def _version_query() -> Select[Any]:
    """One SELECT of cheap aggregates that any write reaching a picture changes.

    Why aggregates and not a counter row bumped by each write: the writes come by many roads
    (the survey POST's Core INSERT, the importers' bulk inserts, ORM flushes, erasure and
    retention deletes, the demo, the seed, scripts), and a counter misses any road that
    forgets it; it would also need a migration and make every survey POST queue on one row
    in PostgreSQL. Aggregates read what is there, so no write road can forget them:
    - ``count(*)`` and ``max(id)`` of every table the picture reads (``analysis.tables``,
      so a table analysis starts reading joins the version by itself) see every insert and
      delete: a delete lowers a count, an insert raises ``max(id)``;
    - ``max(id)`` of the audit trail sees the rest: every organizer, import and CLI write,
      in-place edits included (renaming a place, editing a dialogue or a promise, erasure,
      retention), records an audit event in its own transaction.
    Each ``max(id)`` is a primary-key index lookup; the one cost that grows with the data is
    ``count(*)`` of the responses. With 100,000 responses the whole query takes 0.05 ms on
    SQLite and 4 ms on PostgreSQL (a picture takes 550 and 170 ms to build); the count stays
    so that a delete outside the app's services still changes the version.
    What it cannot see: an in-place UPDATE outside the app's services (raw SQL by hand),
    which leaves no audit event; and, on SQLite, which hands the ids of the newest rows out
    again once they are deleted, the newest rows deleted by hand and as many added (the
    app's own deletes are audited). The test suite empties the whole database between
    tests, so its shared app drops its caches then (tests/common/apps.py).
    """
    aggregates: list[Any] = [select(func.max(AuditEvent.id)).scalar_subquery()]
    for read in analysis_tables.ALL:
        table = Base.metadata.tables[read.name]
        aggregates.append(select(func.count()).select_from(table).scalar_subquery())
        if "id" in table.c:
            aggregates.append(select(func.max(table.c.id)).scalar_subquery())
    return select(*aggregates)


VERSION_QUERY = _version_query()


def data_version(conn: Connection) -> str:
    """A token of the data every picture is made from: it changes with every such write."""
    return ".".join(
        "" if value is None else str(value) for value in conn.execute(VERSION_QUERY).one()
    )


@dataclasses.dataclass(frozen=True)
class PictureKey:
    """Everything a situation picture depends on; equal keys give equal pictures."""

    area: str
    filters: Filters
    suppress_below: int
    #: None: weighted where the area has population margins (the default).
    weighted: bool | None
    locale: str
    today: dt.date
    version: str

    def token(self) -> str:
        """A short stable hash of the key, for entity tags and cache keys of derived files."""
        fields = dataclasses.asdict(self)
        payload = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def picture_key(
    conn: Connection,
    area: str,
    filters: Filters,
    suppress_below: int,
    weighted: bool | None = None,
    locale: str = "sv",
    today: dt.date | None = None,
    version: str | None = None,
) -> PictureKey:
    """The key of a picture as the database holds it now (reading the version: one query)."""
    return PictureKey(
        area=area,
        filters=filters,
        suppress_below=suppress_below,
        weighted=weighted,
        locale=locale,
        today=today or clock.today(),
        version=version if version is not None else data_version(conn),
    )


def situation(
    conn: Connection,
    area: str,
    filters: Filters,
    suppress_below: int,
    weighted: bool | None = None,
    locale: str = "sv",
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Build the situation picture of one area now (LookupError for an unknown area)."""
    return situation_picture(
        conn,
        area,
        filters,
        suppress_below,
        weighted,
        locale=locale,
        today=today or clock.today(),
    )


class PictureCache:
    """A small thread-safe LRU of built pictures by their key."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[PictureKey, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: PictureKey) -> dict[str, Any] | None:
        with self._lock:
            picture = self._items.get(key)
            if picture is not None:
                self._items.move_to_end(key)
            return picture

    def put(self, key: PictureKey, picture: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = picture
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def picture(self, conn: Connection, key: PictureKey) -> dict[str, Any]:
        """The picture of this key: from the cache, or built now (LookupError if no area).

        The key's version was read before the build, so the picture holds at least the data
        of that version: a write that lands in between is in the picture too, and moves the
        version on for the next request. Two requests that miss at once both build; that is
        rarer than a lock is worth.
        """
        picture = self.get(key)
        if picture is None:
            picture = organizer_form(
                situation(
                    conn,
                    key.area,
                    key.filters,
                    key.suppress_below,
                    key.weighted,
                    locale=key.locale,
                    today=key.today,
                )
            )
            self.put(key, picture)
        return picture

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def every_area(
    cache: PictureCache, conn: Connection, suppress_below: int, locale: str = "sv"
) -> list[dict[str, Any]]:
    """The unfiltered picture of every area, in name order, under one data version."""
    version = data_version(conn)
    return [
        cache.picture(
            conn, picture_key(conn, slug, Filters(), suppress_below, locale=locale, version=version)
        )
        for slug in area_slugs(conn)
    ]


def cache_of(app: Flask) -> PictureCache:
    """The app's own picture cache (one per app object, so one per process)."""
    return app.extensions.setdefault(EXTENSION, PictureCache())


def build_pictures(
    conn: Connection,
    slugs: list[str],
    filters: Filters,
    suppress_below: int,
    weighted: bool | None = None,
    locale: str = "sv",
) -> list[dict[str, Any]]:
    """The picture of each area; a round filter also gets the round's name and dates.

    The web downloads and ``trygghet lagesbild`` both call this, so they write the same
    files. Raises LookupError (or ValueError) for an unknown area, as analysis does.
    """
    today = clock.today()
    pictures = [
        organizer_form(
            situation(conn, slug, filters, suppress_below, weighted, locale=locale, today=today)
        )
        for slug in slugs
    ]
    if filters.round_id is not None:
        survey_round = conn.execute(
            select(SurveyRound.name, SurveyRound.opens_on, SurveyRound.closes_on).where(
                SurveyRound.id == filters.round_id
            )
        ).one_or_none()
        if survey_round is not None:
            for picture in pictures:
                # Extra keys are allowed by the schema; the report prints them.
                picture["filters"] |= {
                    "round_name": survey_round.name,
                    "round_opens_on": survey_round.opens_on.isoformat(),
                    "round_closes_on": (
                        survey_round.closes_on.isoformat() if survey_round.closes_on else None
                    ),
                }
    return pictures

"""The whole situation picture of an area: the JSON contract every output is made from."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, select

from .deviations import deviations
from .dialogues import dialogue_indicators
from .followup import followup
from .priorities import DEFAULT_WEIGHTS, rank_priorities
from .survey import Filters, survey_indicators
from .tables import area as _area
from .tables import promise as _promise

#: Bumped when a field changes meaning or disappears (adding fields keeps the version).
SCHEMA_ID = "https://trygghet.example/schema/lagesbild-1.json"
SCHEMA_VERSION = 1


def area_slugs(conn: Connection) -> list[str]:
    """Every area's slug, in name order."""
    return list(conn.scalars(select(_area.c.slug).order_by(_area.c.name)))


def situation_picture(
    conn: Connection,
    area_slug: str,
    filters: Filters,
    suppress_below: int,
    weighted: bool = False,
    locale: str = "sv",
    generated_at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Build the situation picture of one area (raises LookupError for an unknown area).

    ``today`` is the date in the area's time zone (the server's date if left out); it decides
    which months are recent enough to look for deviations in.
    """
    area = conn.execute(
        select(_area.c.id, _area.c.name).where(_area.c.slug == area_slug)
    ).one_or_none()
    if area is None:
        raise LookupError(f"unknown area {area_slug!r}")
    survey = survey_indicators(conn, area_slug, filters, suppress_below, weighted=weighted)
    dialogues = dialogue_indicators(conn, area_slug, filters.date_from, filters.date_to)
    alarms = deviations(conn, area_slug, today=today)
    priorities = rank_priorities(survey, dialogues, alarms, locale=locale, area_name=area.name)
    promise_ids = conn.scalars(
        select(_promise.c.id)
        .where(_promise.c.area_id == area.id)
        .order_by(_promise.c.period_start, _promise.c.id)
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "area": area_slug,
        "area_name": area.name,
        "generated_at": (generated_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "suppress_below": suppress_below,
        "filters": {
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in asdict(filters).items()
        },
        "weighted": weighted,
        "n": survey["n"],
        "area_total": survey["area_total"],
        "places": survey["places"],
        "by_group": survey["by_group"],
        "priorities": priorities,
        "priority_weights": asdict(DEFAULT_WEIGHTS),
        "deviations": alarms,
        "dialogues": dialogues,
        "followup": [followup(conn, pid, suppress_below) for pid in promise_ids],
    }

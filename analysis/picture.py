"""The whole situation picture of an area: the JSON contract every output is made from."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Boolean, Connection, DateTime, Integer, cast, column, func, select, table

from . import coverage
from .crime_series import coverage_rows, local_time
from .deviations import judged_deviations, shift_month
from .dialogues import dialogue_indicators
from .followup import followup
from .invitations import response_rates
from .items import added_item_figures
from .priorities import DEFAULT_WEIGHTS, rank_priorities
from .round_changes import compare, rounds_to_compare
from .survey import Filters, hide_guarded_items, survey_indicators
from .tables import area as _area
from .tables import place as _place
from .tables import promise as _promise
from .weights import area_weights
from .yearly import crime_yearly

_event = table("crime_event", column("id", Integer), column("occurred_at", DateTime))
_event_area = table(
    "crime_event_area",
    column("event_id", Integer),
    column("area_id", Integer),
    column("by_text", Boolean),
)

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
    weighted: bool | None = None,
    locale: str = "sv",
    generated_at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Build the situation picture of one area (raises LookupError for an unknown area).

    ``weighted`` None weights to the area's population margins when it has some (see
    ``survey.weighting``); ``today`` is the date in the area's time zone (the server's date
    if left out); it decides which months are recent enough to look for deviations in.
    """
    area = conn.execute(
        select(_area.c.id, _area.c.name).where(_area.c.slug == area_slug)
    ).one_or_none()
    if area is None:
        raise LookupError(f"unknown area {area_slug!r}")
    survey = survey_indicators(conn, area_slug, filters, suppress_below, weighted=weighted)
    # Dialogues still to come (planned, announced on the public page) have raised nothing yet.
    held_by = today or dt.date.today()
    until = held_by if filters.date_to is None else min(filters.date_to, held_by)
    dialogues = dialogue_indicators(conn, area_slug, filters.date_from, until)
    alarms, judged = judged_deviations(conn, area_slug, today=today)
    # Items added by later questionnaire versions, each summarised by its type, weighted
    # as the survey figures are (the same raking weights).
    place_rows = conn.execute(
        select(_place.c.id, _place.c.slug).where(_place.c.area_id == area.id)
    ).all()
    items = added_item_figures(
        conn,
        place_rows,
        filters,
        suppress_below,
        locale,
        area_weights(conn, area_slug, filters, survey["weighted"])[0],
    )
    hide_guarded_items(items, survey["guarded"], dict(place_rows))
    priorities = rank_priorities(
        survey, dialogues, alarms, locale=locale, area_name=area.name, items=items
    )
    promise_ids = conn.scalars(
        select(_promise.c.id)
        .where(_promise.c.area_id == area.id)
        .order_by(_promise.c.period_start, _promise.c.id)
    )
    rounds = rounds_to_compare(conn, area_slug, filters.round_id)
    changes = None
    if rounds is not None:
        # The same filters (group, dates) on the earlier round; the later one is this picture
        # when it is the round's own, so a change never rests on a cell the picture hides.
        def round_picture(round_id: int) -> dict[str, Any]:
            return survey_indicators(
                conn, area_slug, replace(filters, round_id=round_id), suppress_below, weighted
            )

        later = survey if filters.round_id == rounds[1]["id"] else round_picture(rounds[1]["id"])
        changes = compare(round_picture(rounds[0]["id"]), later, rounds)
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
        "weighted": survey["weighted"],
        # Whether and how the figures are weighted: design effect, n_eff, convergence.
        "weighting": survey["weighting"],
        "n": survey["n"],
        # Invitation rounds: answers / letters sent, per round (a random sample's reach).
        "response_rates": response_rates(conn, area.id, filters.round_id, suppress_below),
        "area_total": survey["area_total"],
        "places": survey["places"],
        "by_group": survey["by_group"],
        "priorities": priorities,
        "priority_weights": asdict(DEFAULT_WEIGHTS),
        "deviations": alarms,
        "crime_coverage": crime_coverage(conn, area_slug, today or dt.date.today(), judged),
        # Brå's yearly counts: year-on-year change, never monthly deviations.
        "crime_yearly": crime_yearly(conn, area_slug),
        "dialogues": dialogues,
        "followup": [
            # The filter's group, not its months: a promise compares its two whole rounds.
            followup(conn, pid, suppress_below, survey["weighted"], filters)
            for pid in promise_ids
        ],
        "items": items,
        # Change from the round before, Newcombe intervals (None without an earlier round).
        "round_changes": changes,
    }


#: An area with no police event in this many days of downloaded feed, while the feed has
#: events elsewhere, is flagged stale: its feed name may have changed (as in February 2026).
STALE_AFTER_DAYS = 14
#: How old a source's newest day may be before the crime data are called outdated. The police
#: event list is fetched daily; a monthly table (Brå's, or another CSV of monthly counts) comes
#: out only after its month has ended, so a table ending with last month is current until the
#: middle of this month, and one ending with the month before until the middle of the next.
MAX_AGE_DAYS = {"events": STALE_AFTER_DAYS, "csv": 45}


def last_covered_day(starts: dt.datetime, ends: dt.datetime) -> dt.date:
    """The last day a covered stretch reaches (local times): a CSV month ends at the next
    month's first moment, which it does not cover."""
    return (ends - dt.timedelta(microseconds=1) if ends > starts else starts).date()


def outdated(newest: dict[str, dt.date], today: dt.date) -> bool:
    """No crime data, or no source's newest day as recent as its kind allows (MAX_AGE_DAYS,
    by source): the feed stopped being fetched or the tables imported, and "no deviations"
    would say little. A fresh source is enough: a table imported once long ago never makes
    the feed's current data outdated."""
    return all((today - day).days > MAX_AGE_DAYS[source] for source, day in newest.items())


def _source_coverage(stretches: list[tuple[dt.datetime, dt.datetime]]) -> dict[str, Any]:
    found = coverage.months(stretches)
    first, last = min(found), max(found)
    months, gaps = [], []
    month = first
    while month <= last:
        if month in found:
            months.append(
                {
                    "month": month.strftime("%Y-%m"),
                    "days_covered": found[month].days_covered,
                    "days": found[month].days,
                    "status": found[month].status,
                }
            )
        else:
            gaps.append(month.strftime("%Y-%m"))
        month = shift_month(month, 1)
    up_to = max(last_covered_day(starts, ends) for starts, ends in stretches)
    return {
        "first_month": first.strftime("%Y-%m"),
        "last_month": last.strftime("%Y-%m"),
        "up_to": up_to.isoformat(),
        "months": months,
        "gaps": gaps,
    }


def _silent_coverage(
    events: list[tuple[dt.datetime, dt.datetime]], last: dt.datetime | None
) -> dt.timedelta | None:
    """The covered time after the area's last event (None: no police download at all).

    Only time a download covered counts: a gap between downloads is no silence of the area,
    since the feed's events of those days were never seen. An area without events is judged
    from the first download.
    """
    if not events:
        return None
    since = last or min(starts for starts, _ends in events)
    return sum(
        (ends - max(starts, since) for starts, ends in coverage.merge(events) if ends > since),
        dt.timedelta(),
    )


def crime_coverage(
    conn: Connection, area_slug: str, today: dt.date, judged: list[str] | None = None
) -> dict[str, Any]:
    """What crime data the area has: per source the months covered and the gaps; how fresh.

    ``data_up_to`` is the newest day any source covers; ``stale`` says that the area has had no
    police event for STALE_AFTER_DAYS days of downloads covering the feed (days between
    downloads do not count), while the feed had events elsewhere;
    ``outdated`` that the newest data is older than that (the feed stopped being fetched);
    ``months_without_data`` are the months deviations are looked for in that no source covered
    and ``months_partial`` those no source covered fully (no deviation there means no data,
    never "no deviations"); each source's months say 'full' or 'partial' (analysis.coverage).
    ``months_judged`` (given as ``judged``, from analysis.deviations.judged_deviations) are the
    months in which a count was judged at all: a full month without enough earlier data for a
    baseline is not among them.
    """
    rows = coverage_rows(conn, area_slug, dt.date(1900, 1, 1), today)
    stretches: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for _slug, source, starts, ends in rows:
        stretches.setdefault(source, []).append((starts, ends))
    newest, by_text = conn.execute(
        select(func.max(_event.c.occurred_at), func.sum(cast(_event_area.c.by_text, Integer)))
        .select_from(_event_area)
        .join(_event, _event.c.id == _event_area.c.event_id)
        .join(_area, _area.c.id == _event_area.c.area_id)
        .where(_area.c.slug == area_slug)
    ).one()
    last = local_time(newest) if newest is not None else None
    silent = _silent_coverage(stretches.get("events", []), last)
    sources = {source: _source_coverage(s) for source, s in sorted(stretches.items())}
    newest = {source: dt.date.fromisoformat(c["up_to"]) for source, c in sources.items()}
    up_to = max(newest.values(), default=None)
    # A month is full when some source covered all of it, partial when sources touched it only.
    status: dict[str, str] = {}
    for found in sources.values():
        for m in found["months"]:
            if status.get(m["month"]) != coverage.FULL:
                status[m["month"]] = m["status"]
    recent = [
        shift_month(today.replace(day=1), -back).strftime("%Y-%m") for back in range(11, -1, -1)
    ]
    # The month in progress lacks nothing while the data reach the day before it began (on
    # its first day, data up to yesterday): it is no gap, and "crime data up to" says the rest.
    begun = up_to is not None and up_to >= today.replace(day=1) - dt.timedelta(days=1)
    gaps = [m for m in recent if m not in status and not (begun and m == recent[-1])]
    full = [m for m in recent if status.get(m) == coverage.FULL]
    return {
        "data_up_to": up_to.isoformat() if up_to else None,
        "stale": silent is not None and silent > dt.timedelta(days=STALE_AFTER_DAYS),
        # Whole days the feed was downloaded since the area's last event (or the first download).
        "silent_days": silent.days if silent is not None else None,
        "outdated": outdated(newest, today),
        "stale_after_days": STALE_AFTER_DAYS,
        # Which warning fits an outdated area: the feed stopped, or the tables did.
        "fetches_events": "events" in newest,
        "last_event": last.date().isoformat() if last else None,
        "events_matched_by_text": int(by_text or 0),
        # Deviations are looked for in the last 12 months: these had no crime data at all,
        "months_without_data": gaps,
        # and these only part of the month (a few days of police events): not evaluated either.
        "months_partial": [m for m in recent if status.get(m) == coverage.PARTIAL],
        # The months deviations were looked for in: "no deviation" speaks of these only.
        "months_full": full,
        "months_judged": [m for m in full if m in set(judged or ())],
        "sources": sources,
    }

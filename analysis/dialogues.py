"""Dialogue indicators: what meetings and safety walks raised, per place, problem and time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from .tables import TIMES
from .tables import area as _area
from .tables import dialogue as _dialogue
from .tables import dialogue_issue as _issue
from .tables import place as _place

GROUPS = ("residents", "partners", "staff")
#: Whose voice a dialogue carries, by its kind.
KIND_GROUP = {
    "medborgardialog": "residents",
    "trygghetsvandring": "residents",
    "digital": "residents",
    "stand": "residents",
    "samverkansmote": "partners",
    "medarbetardialog": "staff",
}
MAX_QUOTES = 3


def area_id(conn: Connection, area_slug: str) -> int:
    """The id of the area with this slug, or LookupError."""
    found = conn.scalar(select(_area.c.id).where(_area.c.slug == area_slug))
    if found is None:
        raise LookupError(f"no area {area_slug!r}")
    return int(found)


def _mentions_base(area: int, date_from: dt.date | None, date_to: dt.date | None) -> Any:
    """One row per (issue, time it concerns): '' stands for an issue given no time."""
    # The times as a derived table of literals (no bind parameters: PostgreSQL must know
    # their type inside a UNION). '' pairs with issues that name no time.
    times = union_all(
        *(select(literal_column(f"'{t}'", String).label("time")) for t in (*TIMES, ""))
    ).subquery("times")
    semicolon = literal_column("';'", String)
    wrapped = semicolon + _issue.c.times + semicolon
    no_time = or_(_issue.c.times.is_(None), _issue.c.times == "")
    matches = or_(
        and_(times.c.time == "", no_time),
        and_(
            times.c.time != "",
            wrapped.like(
                literal_column("'%;'", String) + times.c.time + literal_column("';%'", String)
            ),
        ),
    )
    # An issue without a place of its own is about the place the dialogue was held at.
    place_id = func.coalesce(_issue.c.place_id, _dialogue.c.place_id)
    stmt = (
        select(
            _issue.c.id.label("issue_id"),
            _dialogue.c.id.label("dialogue_id"),
            _dialogue.c.held_on,
            _dialogue.c.kind,
            _place.c.slug.label("place"),
            _issue.c.problem,
            times.c.time,
            _issue.c.raised_by,
            _issue.c.weight,
            _issue.c.quote,
        )
        .select_from(_issue)
        .join(_dialogue, _dialogue.c.id == _issue.c.dialogue_id)
        .join(times, matches)
        .outerjoin(_place, _place.c.id == place_id)
        .where(_dialogue.c.area_id == area)
    )
    return _dated(stmt, date_from, date_to)


def _dated(stmt: Any, date_from: dt.date | None, date_to: dt.date | None) -> Any:
    if date_from is not None:
        stmt = stmt.where(_dialogue.c.held_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(_dialogue.c.held_on <= date_to)
    return stmt


def _key(place: str | None, problem: str, time: str) -> tuple[str | None, str, str | None]:
    return place, problem, time or None


def dialogue_indicators(
    conn: Connection,
    area_slug: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Count dialogues, participants, and mentions per place x problem x time."""
    area = area_id(conn, area_slug)
    totals = conn.execute(
        _dated(
            select(
                func.count(_dialogue.c.id),
                func.coalesce(func.sum(_dialogue.c.residents), 0),
                func.coalesce(func.sum(_dialogue.c.partners), 0),
                func.coalesce(func.sum(_dialogue.c.staff), 0),
            ).where(_dialogue.c.area_id == area),
            date_from,
            date_to,
        )
    ).one()

    rows = _mentions_base(area, date_from, date_to).subquery("mention")
    by_group = {
        group: func.count(
            func.distinct(
                case(
                    (
                        rows.c.kind.in_([k for k, g in KIND_GROUP.items() if g == group]),
                        rows.c.dialogue_id,
                    )
                )
            )
        ).label(group)
        for group in GROUPS
    }
    # A count when someone counted, else the organizer's weight; an issue with neither
    # was still raised, by at least one.
    weight = func.sum(func.coalesce(rows.c.raised_by, rows.c.weight, 1))
    aggregated = conn.execute(
        select(
            rows.c.place,
            rows.c.problem,
            rows.c.time,
            func.count(func.distinct(rows.c.dialogue_id)).label("dialogues"),
            *by_group.values(),
            weight.label("weight"),
        ).group_by(rows.c.place, rows.c.problem, rows.c.time)
    )
    mentions: dict[tuple[str | None, str, str | None], dict[str, Any]] = {}
    for row in aggregated:
        mentions[_key(row.place, row.problem, row.time)] = {
            "place": row.place,
            "problem": row.problem,
            "time": row.time or None,
            "dialogues": int(row.dialogues),
            "by_group": {group: int(getattr(row, group)) for group in GROUPS},
            "weight": int(row.weight or 0),
            "quotes": [],
        }

    for row in conn.execute(_quotes(rows)):
        mentions[_key(row.place, row.problem, row.time)]["quotes"].append(row.quote.strip())

    ordered = sorted(
        mentions.values(),
        key=lambda m: (
            -m["dialogues"],
            m["place"] is None,
            m["place"] or "",
            m["problem"],
            TIMES.index(m["time"]) if m["time"] else len(TIMES),
        ),
    )
    return {
        "dialogues": int(totals[0]),
        "participants": {
            "residents": int(totals[1]),
            "partners": int(totals[2]),
            "staff": int(totals[3]),
        },
        "mentions": ordered,
    }


def _quotes(rows: Any) -> Any:
    """Up to MAX_QUOTES non-empty quotes per mention, newest dialogue first."""
    rank = (
        func.row_number()
        .over(
            partition_by=(rows.c.place, rows.c.problem, rows.c.time),
            order_by=(rows.c.held_on.desc(), rows.c.dialogue_id.desc(), rows.c.issue_id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(rows.c.place, rows.c.problem, rows.c.time, rows.c.quote, rank)
        .where(rows.c.quote.is_not(None), func.trim(rows.c.quote) != "")
        .subquery("ranked")
    )
    return (
        select(ranked.c.place, ranked.c.problem, ranked.c.time, ranked.c.quote)
        .where(ranked.c.rank <= MAX_QUOTES)
        .order_by(ranked.c.rank)
    )

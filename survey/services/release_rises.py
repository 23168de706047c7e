"""Places a release would show for the first time that got most of their answers lately.

Answers are anonymous: made-up ones sent in bursts under the hold (README, *What the hold does
not stop*) can lift a place with one or two real answers over the threshold, and the release
then shows what those few said. No check on the figures can tell such answers from real ones,
so the publish preview points at the places where it would pay: shown now and not in the
round's previous release, on fewer than twice the threshold, most of them from the last
RECENT_DAYS days. A place on the list is not refused; an organizer looks at it first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from analysis.counted import response_count

from ..models import Place, Release

#: Answers this recent count as "lately".
RECENT_DAYS = 7


@dataclass(frozen=True)
class Rise:
    name: str
    #: The place's answers in the round (exact: the preview is for organizers), and how many
    #: of them came in the last RECENT_DAYS days.
    answers: int
    recent: int


def _shown_places(public: dict) -> set[str]:
    return {p["place"] for p in public.get("places") or [] if not p.get("suppressed")}


def quick_rises(
    session: Session,
    area_id: int,
    round_key: int,
    public: dict,
    previous: Release | None,
    threshold: int,
    today: dt.date,
) -> list[Rise]:
    """The places ``public`` shows and ``previous`` (the round's last release) did not, with
    fewer than twice ``threshold`` answers, most of them from the last RECENT_DAYS days."""
    new = _shown_places(public) - (_shown_places(previous.data) if previous else set())
    if not new:
        return []
    since = today - dt.timedelta(days=RECENT_DAYS - 1)
    counts = response_count.c
    rows = session.execute(
        select(
            Place.name,
            func.sum(counts.answers),
            func.sum(case((counts.day >= since, counts.answers), else_=0)),
        )
        .join(response_count, counts.place_id == Place.id)
        .where(Place.area_id == area_id, Place.slug.in_(new), counts.round_key == round_key)
        .group_by(Place.id, Place.name)
        .order_by(Place.name)
    )
    return [
        Rise(name, int(answers), int(recent))
        for name, answers, recent in rows
        if answers < 2 * threshold and 2 * recent > answers
    ]

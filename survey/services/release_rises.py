"""Places and groups a release would show for the first time that got most of their answers
lately.

Answers are anonymous: made-up ones sent in bursts under the hold (README, *What the hold does
not stop*) can lift a place with one or two real answers over the threshold, and the release
then shows what those few said. The same goes for a gender or age group, whose made-up
answers can be spread over the places to stay under each place's hold. No check on the
figures can tell such answers from real ones, so the publish preview points at the places
and groups where it would pay: shown now and not in the round's previous release, on fewer
than twice the threshold, most of them from the last RECENT_DAYS days. One on the list is
not refused; an organizer looks at it first.
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
    #: A place's name, or a group's value (its kind in ``group``: gender, age_band).
    name: str
    #: The place's answers in the round (exact: the preview is for organizers), and how many
    #: of them came in the last RECENT_DAYS days.
    answers: int
    recent: int
    group: str | None = None


#: The answer counts' column of each kind of group.
GROUP_COLUMNS = ("gender", "age_band")


def _shown_places(public: dict) -> set[str]:
    return {p["place"] for p in public.get("places") or [] if not p.get("suppressed")}


def _shown_groups(public: dict) -> set[tuple[str, str]]:
    """(kind, value) of the gender and age groups shown (public_form leaves hidden ones out)."""
    return {
        (kind, value)
        for kind, groups in (public.get("by_group") or {}).items()
        if kind in GROUP_COLUMNS and isinstance(groups, dict)
        for value, cell in groups.items()
        if isinstance(cell, dict) and not cell.get("suppressed")
    }


def quick_rises(
    session: Session,
    area_id: int,
    round_key: int,
    public: dict,
    previous: Release | None,
    threshold: int,
    today: dt.date,
) -> list[Rise]:
    """The groups and places ``public`` shows and ``previous`` (the round's last release) did
    not, with fewer than twice ``threshold`` answers, most of them from the last RECENT_DAYS
    days."""
    since = today - dt.timedelta(days=RECENT_DAYS - 1)
    counts = response_count.c
    recent = func.sum(case((counts.day >= since, counts.answers), else_=0))
    rises = []
    for kind, value in sorted(
        _shown_groups(public) - (_shown_groups(previous.data) if previous else set())
    ):
        answers, lately = session.execute(
            select(func.coalesce(func.sum(counts.answers), 0), func.coalesce(recent, 0))
            .join(Place, counts.place_id == Place.id)
            .where(
                Place.area_id == area_id,
                counts.round_key == round_key,
                counts[kind] == value,
            )
        ).one()
        rises.append(Rise(value, int(answers), int(lately), group=kind))
    new = _shown_places(public) - (_shown_places(previous.data) if previous else set())
    rows = session.execute(
        select(Place.name, func.sum(counts.answers), recent)
        .join(response_count, counts.place_id == Place.id)
        .where(Place.area_id == area_id, Place.slug.in_(new), counts.round_key == round_key)
        .group_by(Place.id, Place.name)
        .order_by(Place.name)
    )
    rises += [Rise(name, int(answers), int(lately)) for name, answers, lately in rows]
    return [r for r in rises if r.answers < 2 * threshold and 2 * r.recent > r.answers]

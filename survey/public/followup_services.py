"""Reads for the public follow-up: areas, their releases' figures, the next ways to take part."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from analysis.followup import followup

from ..models import Area, Dialogue, PoliceArea, Promise, Release

#: Dialogues residents can come to; partner meetings and staff dialogues are not open.
OPEN_DIALOGUE_KINDS = ("medborgardialog", "trygghetsvandring", "digital", "stand")
SHARE_KINDS = ("unsafe_share", "problem_share")


def find_area(session: Session, slug: str) -> Area | None:
    return session.scalar(
        select(Area).where(Area.slug == slug).options(selectinload(Area.police_area))
    )


def areas_with_promise_counts(session: Session) -> list[tuple[Area, int]]:
    """Every area in name order with how many promises it has, in one query."""
    counts = select(Promise.area_id, func.count().label("n")).group_by(Promise.area_id).subquery()
    rows = session.execute(
        select(Area, func.coalesce(counts.c.n, 0))
        .join(Area.police_area)
        .outerjoin(counts, counts.c.area_id == Area.id)
        .options(selectinload(Area.police_area))
        .order_by(PoliceArea.name, Area.name)
    )
    return [(area, int(n)) for area, n in rows]


def area_followups(session: Session, area: Area, suppress_below: int) -> list[dict[str, Any]]:
    """The follow-up of each promise of an area, newest period first, safe to publish."""
    promise_ids = list(
        session.scalars(
            select(Promise.id)
            .where(Promise.area_id == area.id)
            .order_by(Promise.period_start.desc(), Promise.id.desc())
        )
    )
    # analysis.followup publishes a share only where each place it sums is shown in that
    # round's own picture, so no two promises can be subtracted to reveal a hidden group.
    conn = session.connection()
    return [followup(conn, pid, suppress_below) for pid in promise_ids]


def releases_of(session: Session, area: Area) -> list[Release]:
    """The area's releases, newest first, for the page's list of publications."""
    return list(
        session.scalars(
            select(Release)
            .where(Release.area_id == area.id)
            .options(selectinload(Release.round))  # each entry names its round
            .order_by(Release.created_at.desc(), Release.id.desc())
        )
    )


def chosen_release(session: Session, area: Area, release_id: int | None) -> Release | None:
    """The area's release with this id (None if it is another area's), else its newest."""
    if release_id is not None:
        release = session.get(Release, release_id)
        return release if release is not None and release.area_id == area.id else None
    return session.scalar(
        select(Release)
        .where(Release.area_id == area.id)
        .order_by(Release.created_at.desc(), Release.id.desc())
        .limit(1)
    )


def release_followups(release: Release | None) -> list[dict[str, Any]]:
    """The promises' follow-ups a release stored, newest period first (none without one)."""
    return listed_followups(release.data) if release is not None else []


def listed_followups(public: dict[str, Any]) -> list[dict[str, Any]]:
    """A public picture's promise follow-ups in the page's order, newest period first."""
    # The picture lists promises oldest period first (then by id); the page newest first.
    return list(reversed(public.get("followup") or []))


def next_open_dialogue(session: Session, area_id: int, today: dt.date) -> Dialogue | None:
    """The first dialogue residents can come to in this area, today or later."""
    return session.scalar(
        select(Dialogue)
        .where(
            Dialogue.area_id == area_id,
            Dialogue.held_on >= today,
            Dialogue.kind.in_(OPEN_DIALOGUE_KINDS),
        )
        .options(selectinload(Dialogue.place))
        .order_by(Dialogue.held_on, Dialogue.id)
        .limit(1)
    )


def audit_facts(release: Release | None) -> dict[str, Any] | None:
    """What the release's disclosure audit checked and hid, as counts a resident can read.

    Only counts: which cells were hidden for protection is not said, since a cell hidden so
    that another cannot be worked out rests on enough answers, and saying so would tell.
    """
    if release is None:
        return None
    summary = release.audit
    audit = summary.get("audit") or {}
    return {
        # Whether the audit ran, not over how many figures: a gender or age group enters the
        # picture with its first answer (hidden and left out of the page while small), so the
        # number would say that someone of a group not shown answered.
        "checked": bool(audit.get("cells_checked")),
        # Cells of the picture, then promise figures that would have shown one of them.
        "added": len(audit.get("hidden_added") or [])
        + int(audit.get("followup_sides_hidden") or 0),
        "min_width": float(audit.get("min_width") or 0),
        "earlier": int(audit.get("earlier_releases") or 0),
        # Only whether any figure kept its earlier value, never how many: the number is the
        # count of shown figures whose n the new answers moved by 1 to threshold - 1, which
        # says which questions they answered (a victim's answer moves "did you report it"
        # too, a night never there leaves the night's figure as it was).
        "kept": bool(summary.get("held_back")),
    }


def rounds_published_later(session: Session, release: Release | None) -> set[int]:
    """The survey rounds first published after this release: not part of it.

    A release of one round shows another round's side of a promise as that round's own
    release showed it (release_followups.other_rounds_as_released), hidden where there was
    none yet; on an older release a later round was simply not in it, not hidden. (A round
    never published stays "hidden": the page must not tell why a figure is missing.)
    """
    if release is None or release.round_id is None:
        return set()
    rounds = select(Release.round_key).where(Release.area_id == release.area_id)
    earlier = set(session.scalars(rounds.where(Release.id <= release.id).distinct()))
    later = set(session.scalars(rounds.where(Release.id > release.id).distinct()))
    return later - earlier - {release.round_id}

"""What the API reads: areas, places, rounds and the published releases of their pictures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Area, Release


def all_areas(session: Session) -> list[Area]:
    """Every area in name order."""
    return list(session.scalars(select(Area).order_by(Area.name, Area.slug)))


def find_area(session: Session, slug: str) -> Area | None:
    """The area with this slug and all its places (retired ones too), or None."""
    return session.scalar(select(Area).where(Area.slug == slug).options(selectinload(Area.places)))


def releases_of(session: Session, area: Area, round_id: int | None = None) -> list[Release]:
    """The area's releases, newest first; of one round when ``round_id`` is given."""
    query = select(Release).where(Release.area_id == area.id)
    if round_id is not None:
        query = query.where(Release.round_id == round_id)
    return list(session.scalars(query.order_by(Release.created_at.desc(), Release.id.desc())))


def find_release(session: Session, area: Area, release_id: int) -> Release | None:
    """A release of this area by id, or None (also for another area's release)."""
    release = session.get(Release, release_id)
    return release if release is not None and release.area_id == area.id else None


def release_info(release: Release, picture_link: str) -> dict[str, Any]:
    """What a client needs to know of a release, with its stable address."""
    return {
        "id": release.id,
        "round_id": release.round_id,
        "sequence": release.sequence,
        "published_at": release.created_at.isoformat(timespec="seconds"),
        "data_cutoff": (
            release.data_cutoff.isoformat(timespec="seconds") if release.data_cutoff else None
        ),
        # Whether its survey figures are weighted, and their effective n (rounded as counts).
        "weighted": bool(release.data.get("weighted")),
        "n_eff": (release.data.get("weighting") or {}).get("n_eff"),
        "links": {"self": f"{picture_link}?release={release.id}"},
    }

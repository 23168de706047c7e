"""A meeting or a safety walk: a room of residents answering from one network for a while.

The survey's rate limit counts answers per client address (``SURVEY_RATE_LIMIT``: 10 a
minute, 60 an hour), and a library's wifi, a school's network or a mobile operator's shared
address gives everyone in the room the same one: the eleventh answer in a minute was sent
back to wait, the sixty-first in an hour for up to an hour. An organizer opens an area for a
meeting for a few hours; its places then take ``SURVEY_MEETING_RATE_LIMIT`` per address
instead.
Nothing else changes: the burst hold still holds a burst of answers to one place for an
organizer's review, so an open meeting lets no flood of made-up answers into the figures.

The window lives in the limiter's storage (shared by every worker and every server, and gone
when it ends) as a counter that expires with it; it says nothing about any resident.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app, request
from limits.storage import Storage
from sqlalchemy import select

from ..extensions import db, limiter
from ..models import Place

log = logging.getLogger(__name__)

#: The lengths an organizer can open a meeting for, in hours.
MEETING_HOURS = (1, 2, 3, 4, 6, 8)


def _key(area_id: int) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return f"{prefix}meeting:area:{area_id}"


def _storage() -> Storage | None:
    return limiter.storage if limiter.enabled else None


def open_meeting(area_id: int, hours: int) -> dt.datetime | None:
    """Open an area for a meeting of ``hours`` from now; when it ends, or None when the
    limits are off or their storage fails."""
    storage = _storage()
    if storage is None:
        return None
    try:
        storage.clear(_key(area_id))  # a new window from now, not the rest of an old one
        storage.incr(_key(area_id), hours * 3600)
    except Exception:  # noqa: BLE001 (storage down: said to the organizer)
        log.warning("meeting window could not be opened")
        return None
    return meeting_until(area_id)


def close_meeting(area_id: int) -> None:
    storage = _storage()
    if storage is not None:
        storage.clear(_key(area_id))


def meeting_until(area_id: int) -> dt.datetime | None:
    """When the area's open meeting ends (UTC), or None when none is open."""
    storage = _storage()
    if storage is None:
        return None
    try:
        if storage.get(_key(area_id)) <= 0:
            return None
        return dt.datetime.fromtimestamp(storage.get_expiry(_key(area_id)), dt.UTC)
    except Exception:  # noqa: BLE001 (storage down: the ordinary limit holds)
        log.warning("meeting window unavailable; the ordinary survey limit holds")
        return None


def survey_rate_limit() -> str:
    """The survey's limit for this request: the meeting's where the place's area has one open."""
    slug = (request.view_args or {}).get("slug")
    if slug and request.method == "POST":  # only answers are limited
        area_id = db.session.scalar(select(Place.area_id).where(Place.slug == slug))
        if area_id is not None and meeting_until(area_id) is not None:
            return str(current_app.config["SURVEY_MEETING_RATE_LIMIT"])
    return str(current_app.config["SURVEY_RATE_LIMIT"])

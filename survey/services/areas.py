"""Areas and the names crime feeds use for them: add, rename, alias, mark as a district.

After any change of an area's names every stored police event is matched again, so the
monthly counts always follow the names as they are now.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from analysis.collation import swedish_sorted

from ..imports.crime_events import rematch_events
from ..imports.crime_rows import (
    COUNTY,
    OWN_MUNICIPALITY,
    is_county,
    normalise,
    unsavable,
    unusable_alias,
)
from ..models import Area, PoliceArea
from ..models.places import AreaAlias
from . import audit

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64
NAME_MAX = 200


class AreaError(ValueError):
    """A refused change, with a message fit to show the user and the field it is about
    (``slug``, ``name`` or ``municipality``; a form shows it there)."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AreaNames:
    """An area as the admin pages and ``trygghet area list`` show it."""

    id: int
    slug: str
    name: str
    municipality: str | None
    aliases: list[str]


def list_areas(session: Session) -> list[AreaNames]:
    """Every area with its aliases, in Swedish name order."""
    areas = session.scalars(select(Area).options(selectinload(Area.aliases)))
    return [
        AreaNames(a.id, a.slug, a.name, a.municipality, [alias.name for alias in a.aliases])
        for a in swedish_sorted(areas, lambda area: area.name)
    ]


def find_area(session: Session, slug: str) -> Area:
    """The area with this slug, or AreaError."""
    area = session.scalar(select(Area).where(Area.slug == slug))
    if area is None:
        raise AreaError(_("There is no area with the address name “%(slug)s”.", slug=slug))
    return area


def _clean(name: str, field: str = "name") -> str:
    """The name trimmed and in Unicode's composed form (NFC), so that a name typed with
    combining marks ("o" + "¨") is the same name as one typed with "ö"."""
    text = unicodedata.normalize("NFC", " ".join(name.split()))
    if not text:
        raise AreaError(_("Write a name."), field)
    if len(text) > NAME_MAX:
        raise AreaError(_("A name can be at most 200 characters long."), field)
    if unsavable(text):
        raise AreaError(_("The text contains characters that cannot be saved."), field)
    return text


def _area_name(name: str) -> str:
    """An area's name: cleaned, and no county (an area answers to its name, so every police
    event whose place is the county would count for it, as an alias so named would)."""
    text = _clean(name)
    if is_county(text):
        raise AreaError(
            _(
                "%(name)s is a county: as an area's name, every police event there would count"
                " for the area. Name it after its municipality or district.",
                name=text,
            )
        )
    return text


def _municipality(value: str, area_name: str) -> str:
    """The municipality a district is part of: a name, neither a county (the feed's
    location.name since February 2026) nor the area's own name."""
    text = _clean(value, "municipality")
    if is_county(text):
        message = _(
            "%(name)s is a county: write the municipality the district is part of, e.g. Stockholm.",
            name=text,
        )
        raise AreaError(message, "municipality")
    if normalise(text) == normalise(area_name):
        message = _("An area cannot be a district of itself: write the municipality it is in.")
        raise AreaError(message, "municipality")
    return text


def _name_taken(session: Session, name: str, area_id: int | None) -> str | None:
    """The name of another area that already answers to this name, or None."""
    key = normalise(name)
    for other_id, other_name, other_slug in session.execute(select(Area.id, Area.name, Area.slug)):
        if other_id != area_id and key in (normalise(other_name), normalise(other_slug)):
            return str(other_name)
    alias = session.execute(
        select(Area.id, Area.name).join(AreaAlias).where(AreaAlias.key == key)
    ).first()
    if alias is not None and alias.id != area_id:
        return str(alias.name)
    return None


def _check_free(session: Session, name: str, area_id: int | None) -> None:
    if (other := _name_taken(session, name, area_id)) is not None:
        raise AreaError(
            _("The name %(name)s already means the area %(other)s.", name=name, other=other)
        )


def add_area(session: Session, slug: str, name: str, municipality: str | None = None) -> Area:
    """Add an area to the (first) police area; flush and rematch events."""
    slug = slug.strip()
    if len(slug) > SLUG_MAX:
        raise AreaError(_("An address name can be at most 64 characters long."), "slug")
    if not SLUG.match(slug):
        raise AreaError(
            _("Use lower-case letters a–z, digits and single hyphens, e.g. bromma."), "slug"
        )
    if session.scalar(select(Area.id).where(Area.slug == slug)) is not None:
        raise AreaError(
            _("There is already an area with the address name “%(slug)s”.", slug=slug), "slug"
        )
    name = _area_name(name)
    _check_free(session, name, None)
    police_area = session.scalar(select(PoliceArea).order_by(PoliceArea.id).limit(1))
    if police_area is None:
        raise AreaError(_("There is no police area yet: run trygghet db upgrade first."))
    area = Area(slug=slug, name=name, police_area=police_area)
    area.municipality = _municipality(municipality, name) if municipality else None
    session.add(area)
    session.flush()
    audit.record(
        session, "area.create", area, {"slug": slug, "name": name, "municipality": municipality}
    )
    rematch_events(session)
    return area


def rename_area(session: Session, area: Area, name: str) -> None:
    """Give an area another name; its address name (slug) stays."""
    name = _area_name(name)
    _check_free(session, name, area.id)
    if area.municipality and normalise(name) == normalise(area.municipality):
        raise AreaError(
            _(
                "%(area)s is a district of %(name)s: an area cannot have the name of the"
                " municipality it is a district of.",
                area=area.name,
                name=name,
            )
        )
    old, area.name = area.name, name
    # An alias the area is now named by is its name: kept, it would be listed twice.
    merged = [a for a in area.aliases if a.key == normalise(name)]
    for alias in merged:
        area.aliases.remove(alias)
    session.flush()
    details: dict[str, str] = {"from": old, "to": name}
    if merged:
        details["removed"] = merged[0].name  # as area.alias records an alias taken away
    audit.record(session, "area.rename", area, details)
    rematch_events(session)


def set_municipality(session: Session, area: Area, municipality: str | None) -> None:
    """Mark an area as a district of a municipality (events there match by text), or not
    (None; an empty name is refused, not taken for None)."""
    value = _municipality(municipality, area.name) if municipality is not None else None
    old, area.municipality = area.municipality, value
    session.flush()
    audit.record(session, "area.municipality", area, {"from": old, "to": value})
    rematch_events(session)


def add_alias(session: Session, area: Area, name: str) -> AreaAlias:
    """Let an area answer to another name feeds use (a municipality, a district, a place)."""
    name = _clean(name)
    if normalise(name) in (normalise(area.name), normalise(area.slug)):
        # Its own name or address name: it answers to it already. (To keep an old name after
        # a rename, it is added as an alias once the area has its new name.)
        raise AreaError(
            _(
                "%(area)s already answers to %(name)s (its own name or address name): no alias"
                " is needed.",
                area=area.name,
                name=name,
            )
        )
    _check_free(session, name, area.id)
    unusable = unusable_alias(name, area.municipality)
    if unusable == COUNTY:
        raise AreaError(
            _(
                "%(name)s is a county: every police event there would count for %(area)s. Add"
                " the name of the municipality or district instead.",
                name=name,
                area=area.name,
            )
        )
    if unusable == OWN_MUNICIPALITY:
        raise AreaError(
            _(
                "%(area)s is a district of %(name)s: with that name every police event in"
                " %(name)s would count for it. Its events are found by its name and its places.",
                name=name,
                area=area.name,
            )
        )
    if normalise(name) in {normalise(a.name) for a in area.aliases}:
        raise AreaError(_("%(area)s already has the alias %(name)s.", area=area.name, name=name))
    alias = AreaAlias(area=area, name=name, key=normalise(name))
    session.add(alias)
    session.flush()
    audit.record(session, "area.alias", area, {"added": name})
    rematch_events(session)
    return alias


def remove_alias(session: Session, area: Area, name: str) -> None:
    """Take an alias away from an area."""
    alias = next((a for a in area.aliases if a.key == normalise(name)), None)
    if alias is None:
        raise AreaError(_("%(area)s has no alias %(name)s.", area=area.name, name=name))
    area.aliases.remove(alias)
    session.flush()
    audit.record(session, "area.alias", area, {"removed": alias.name})
    rematch_events(session)

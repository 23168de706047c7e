"""Places: add, rename, retire, and import a place list. Callers commit."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.collation import swedish_sorted

from ..imports import ImportRefused, decode_text, sniff_separator
from ..imports.crime_events import rematch_events
from ..imports.crime_rows import unsavable_raw
from ..models import Area, Place
from . import audit

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACE_COLUMNS = ("area", "slug", "name")


class PlaceError(ValueError):
    """A refused change, with a message fit to show the user (and the field it is about)."""

    def __init__(self, message: str, field: str = "slug") -> None:
        super().__init__(message)
        self.field = field


def _check_name(session: Session, area_id: int, name: str, place_id: int | None) -> None:
    """Refuse a name another place of the area has: residents pick places by name (the start
    page, every place list), and two alike cannot be told apart."""
    key = name.strip().casefold()
    for other in session.scalars(select(Place).where(Place.area_id == area_id)):
        if other.id != place_id and other.name.strip().casefold() == key:
            raise PlaceError(
                _("The area already has a place called %(name)s.", name=other.name), "name"
            )


def name_problem(name: str) -> str | None:
    """Why a place's name cannot be used, or None: residents pick places by name, and a
    direction override (U+202E) or an invisible character would turn the text after it around
    ("Husby (Rinkeby-Kista)" read backwards) or make two names look alike."""
    if unsavable_raw(name):
        return _("The text contains characters that cannot be saved.")
    return None


def clean_name(name: str) -> str:
    """The name trimmed, its white space single and in Unicode's composed form (NFC), as
    area names are; PlaceError (on the name) when it holds characters that cannot be used."""
    if problem := name_problem(name):
        raise PlaceError(problem, "name")
    return unicodedata.normalize("NFC", " ".join(name.split()))


def slug_problem(slug: str) -> str | None:
    """Why a slug cannot be used, or None."""
    if not SLUG.match(slug) or len(slug) > 64:
        return _("Use lower-case letters a–z, digits and single hyphens, e.g. stora-mossen.")
    return None


def current_places(session: Session, area_id: int) -> list[Place]:
    """The area's places that are not retired (they take answers), in Swedish name order."""
    found = session.scalars(select(Place).where(Place.area_id == area_id, Place.retired.is_(False)))
    return swedish_sorted(found, lambda place: place.name)


def match_events_again(session: Session, areas: Iterable[Area]) -> None:
    """After places of these areas were added or renamed: a district's place names also
    place police events in it (Vällingby centrum in Hässelby-Vällingby), so the stored events
    are matched again, as after an area's name or alias changes."""
    if any(area.municipality for area in areas):
        session.flush()
        rematch_events(session)


def add_place(session: Session, area: Area, slug: str, name: str, check_name: bool = True) -> Place:
    if problem := slug_problem(slug):
        raise PlaceError(problem)
    if session.scalar(select(Place.id).where(Place.slug == slug)) is not None:
        raise PlaceError(_("There is already a place with the address name “%(slug)s”.", slug=slug))
    name = clean_name(name)
    if check_name:  # an import checks its names as they will be, all lines at once
        _check_name(session, area.id, name, None)
    place = Place(area=area, slug=slug, name=name)
    session.add(place)
    session.flush()
    audit.record(session, "place.create", place, {"slug": slug, "name": place.name})
    return place


def rename_place(session: Session, place: Place, name: str, check_name: bool = True) -> None:
    name = clean_name(name)
    if check_name:
        _check_name(session, place.area_id, name, place.id)
    old, place.name = place.name, name
    audit.record(session, "place.rename", place, {"from": old, "to": place.name})


def set_retired(session: Session, place: Place, retired: bool) -> None:
    place.retired = retired
    audit.record(session, "place.retire" if retired else "place.reinstate", place)


def _same_names(places: dict[str, Place], named: list[tuple[int, int, str, str]]) -> list[str]:
    """Lines whose name another place of the area has, once the file is in (its names over
    the database's)."""
    in_file = {slug for _line, _area, slug, _name in named}
    taken = {(p.area_id, p.name.casefold()) for p in places.values() if p.slug not in in_file}
    errors = []
    for line, area_id, _slug, name in named:
        key = (area_id, name.casefold())
        if key in taken:
            errors.append(
                _(
                    "line %(n)d, column name: another place of the area is called %(v)s",
                    n=line,
                    v=name,
                )
            )
        taken.add(key)
    return errors


def _header_problems(header: list[str]) -> list[str]:
    """What is wrong with a place list's header row: no separator, or which columns."""
    if sorted(header) == sorted(PLACE_COLUMNS):
        return []
    columns = ", ".join(PLACE_COLUMNS)
    if len(header) == 1:
        return [
            _(
                "line 1: the columns %(columns)s must be separated by commas or semicolons",
                columns=columns,
            )
        ]
    problems = [
        _("line 1: unknown column “%(v)s”; the columns are %(columns)s", v=name, columns=columns)
        for name in header
        if name not in PLACE_COLUMNS
    ]
    problems += [
        _("line 1: the column %(c)s appears twice", c=name)
        for name in PLACE_COLUMNS
        if header.count(name) > 1
    ]
    problems += [
        _("line 1: the column %(c)s is missing", c=name)
        for name in PLACE_COLUMNS
        if name not in header
    ]
    return problems


@dataclass
class PlaceImport:
    added: int = 0
    renamed: int = 0


def import_places(session: Session, data: bytes) -> PlaceImport:
    """Add or rename places from CSV (area,slug,name; separated by , or ;, in UTF-8 or
    Windows-1252); all or nothing, every error listed."""
    try:
        text = decode_text(data)
    except ImportRefused as exc:
        raise PlaceError("\n".join(exc.errors)) from exc
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(first))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise PlaceError(_("The file is empty."))
    header = [h.strip() for h in header]
    if problems := _header_problems(header):
        raise PlaceError("\n".join(problems))
    areas = {a.slug: a for a in session.scalars(select(Area))}
    places = {p.slug: p for p in session.scalars(select(Place))}
    errors: list[str] = []
    seen: set[str] = set()
    named: list[tuple[int, int, str, str]] = []  # line, area, slug, name
    rows: list[tuple[Area, str, str]] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(_("line %(n)d: expected %(k)d cells", n=line, k=len(header)))
            continue
        record = {k: v.strip() for k, v in zip(header, row, strict=True)}
        raw_name = record["name"]
        record["name"] = unicodedata.normalize("NFC", " ".join(raw_name.split()))
        area = areas.get(record["area"])
        if area is None:
            errors.append(
                _("line %(n)d, column area: unknown area “%(v)s”", n=line, v=record["area"])
            )
        if problem := slug_problem(record["slug"]):
            errors.append(_("line %(n)d, column slug: %(p)s", n=line, p=problem))
        elif record["slug"] in seen:
            errors.append(
                _("line %(n)d, column slug: “%(v)s” appears twice", n=line, v=record["slug"])
            )
        existing = places.get(record["slug"])
        if existing is not None and area is not None and existing.area_id != area.id:
            errors.append(
                _(
                    "line %(n)d, column area: “%(v)s” already belongs to another area",
                    n=line,
                    v=record["slug"],
                )
            )
        if not record["name"] or len(record["name"]) > 200:
            errors.append(_("line %(n)d, column name: give a name of 1–200 characters", n=line))
        elif problem := name_problem(raw_name):
            errors.append(_("line %(n)d, column name: %(p)s", n=line, p=problem))
        elif area is not None:
            named.append((line, area.id, record["slug"], record["name"]))
        seen.add(record["slug"])
        if area is not None:
            rows.append((area, record["slug"], record["name"]))
    errors += _same_names(places, named)
    if errors:
        raise PlaceError("\n".join(errors))
    if not rows:
        raise PlaceError(_("The file has no places."))
    result = PlaceImport()
    changed: set[Area] = set()
    for area, slug, name in rows:
        existing = places.get(slug)
        if existing is None:
            add_place(session, area, slug, name, check_name=False)
            result.added += 1
        elif existing.name != name:
            rename_place(session, existing, name, check_name=False)
            result.renamed += 1
        else:
            continue
        changed.add(area)
    match_events_again(session, changed)
    return result

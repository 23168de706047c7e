"""police events matched again where an area has an alias that is now ignored

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 18:30:00.000000

An alias naming a county ("Stockholms län") or the municipality its area is a district of
was accepted by earlier versions and counted every police event there for the one area. The
matching now ignores such an alias; the events it linked stay linked until they are matched
again, so where one exists every stored event is matched again and the event counts derived
anew. Without such an alias nothing is done.

The matching and the counting are written out here as they were when this revision was made
(survey.imports.crime_events.AreaMatcher, rematch_events and rebuild_counts;
survey.imports.crime_rows.normalise and unusable_alias), over the tables as they stood then, so
that later changes to the application or to the crime tables leave this revision as it was.
Which police types are crimes, and in which category, is data, not code: it is read from the
shipped mapping (analysis/crime_categories.yaml, its ``police_types`` and ``context_types``)
and the admins' overrides, as the application counts whenever it derives counts again.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources

import sqlalchemy as sa
import yaml
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Rows written and ids read in chunks of this many (SQL parameter limits).
_CHUNK = 500
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", " ": None, "-": None, "\u2013": None})

_AREA = sa.table(
    "area",
    sa.column("id", sa.Integer),
    sa.column("slug"),
    sa.column("name"),
    sa.column("municipality"),
)
_ALIAS = sa.table("area_alias", sa.column("area_id", sa.Integer), sa.column("name"))
_PLACE = sa.table("place", sa.column("area_id", sa.Integer), sa.column("name"))
_EVENT = sa.table(
    "crime_event",
    sa.column("id", sa.Integer),
    sa.column("month", sa.Date),
    sa.column("type"),
    sa.column("name"),
    sa.column("summary"),
    sa.column("municipality"),
)
_LINK = sa.table(
    "crime_event_area",
    sa.column("event_id", sa.Integer),
    sa.column("area_id", sa.Integer),
    sa.column("by_text", sa.Boolean),
)
_COUNT = sa.table(
    "crime_count",
    sa.column("area_id", sa.Integer),
    sa.column("place_id", sa.Integer),
    sa.column("month", sa.Date),
    sa.column("category"),
    sa.column("count", sa.Integer),
    sa.column("source"),
    sa.column("by_text", sa.Boolean),
    sa.column("imported_at", sa.DateTime(timezone=True)),
)
_OVERRIDE = sa.table(
    "category_override",
    sa.column("id", sa.Integer),
    sa.column("source"),
    sa.column("name"),
    sa.column("category"),
)


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name).casefold().translate(_FOLD))


def _unusable(alias: str, municipality: str | None) -> bool:
    """A county, or the municipality the area is a district of."""
    if alias.casefold().endswith(" län"):
        return True
    return bool(municipality) and _normalise(alias) == _normalise(municipality or "")


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = sorted({" ".join(w.split()).casefold() for w in words if w.strip()}, key=len)
    if not alternatives:
        return None
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in reversed(alternatives))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


class _Matcher:
    """Areas by folded name, slug or usable alias; districts by their names and places."""

    def __init__(self, bind: sa.Connection) -> None:
        self.direct: dict[str, set[int]] = {}
        self.districts: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        aliases: dict[int, list[str]] = {}
        for area_id, name in bind.execute(sa.select(_ALIAS.c.area_id, _ALIAS.c.name)):
            aliases.setdefault(area_id, []).append(name)
        places: dict[int, list[str]] = {}
        for area_id, name in bind.execute(sa.select(_PLACE.c.area_id, _PLACE.c.name)):
            places.setdefault(area_id, []).append(name)
        areas = bind.execute(
            sa.select(_AREA.c.id, _AREA.c.slug, _AREA.c.name, _AREA.c.municipality)
        )
        for area_id, slug, name, municipality in areas.all():
            usable = [a for a in aliases.get(area_id, []) if not _unusable(a, municipality)]
            names = [name, *usable]
            for key in {_normalise(n) for n in (*names, slug)}:
                self.direct.setdefault(key, set()).add(area_id)
            if municipality:
                pattern = _word_pattern([*names, *places.get(area_id, [])])
                if pattern is not None:
                    self.districts.setdefault(_normalise(municipality), []).append(
                        (area_id, pattern)
                    )

    def may_match(self, municipality: str) -> bool:
        key = _normalise(municipality)
        return key in self.direct or key in self.districts

    def match(self, municipality: str, text: str) -> dict[int, bool]:
        """Area id -> whether only the event's text placed it there."""
        found = dict.fromkeys(self.direct.get(_normalise(municipality), ()), False)
        folded = text.casefold()
        for area_id, pattern in self.districts.get(_normalise(municipality), []):
            if area_id not in found and pattern.search(folded):
                found[area_id] = True
        return found


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _categories(bind: sa.Connection) -> tuple[dict[str, str], set[str]]:
    """Folded police type -> category, and the folded types that are not crimes."""
    text = resources.files("analysis").joinpath("crime_categories.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    crimes = {_fold(k): v for k, v in data["police_types"].items()}
    context = {_fold(k) for k in data["context_types"]}
    query = sa.select(_OVERRIDE.c.name, _OVERRIDE.c.category).where(_OVERRIDE.c.source == "police")
    for name, category in bind.execute(query.order_by(_OVERRIDE.c.id)):
        folded = _fold(name)
        crimes.pop(folded, None)
        context.discard(folded)
        if category is None:
            context.add(folded)
        else:
            crimes[folded] = category
    return crimes, context


def _rebuild_counts(bind: sa.Connection) -> None:
    """Derive every 'events' count from the stored events and their areas."""
    crimes, context = _categories(bind)
    query = (
        sa.select(
            _LINK.c.area_id,
            _EVENT.c.month,
            _EVENT.c.type,
            sa.func.count().label("n"),
            sa.func.max(sa.cast(_LINK.c.by_text, sa.Integer)).label("by_text"),
        )
        .join(_EVENT, _EVENT.c.id == _LINK.c.event_id)
        .group_by(_LINK.c.area_id, _EVENT.c.month, _EVENT.c.type)
    )
    totals: dict[tuple[int, dt.date, str], list[int]] = {}
    for area_id, month, event_type, n, by_text in bind.execute(query).all():
        folded = _fold(event_type)
        if folded in context:
            continue
        category = crimes.get(folded, " ".join(event_type.split()))
        cell = totals.setdefault((area_id, month, category), [0, 0])
        cell[0] += n
        cell[1] = max(cell[1], int(by_text or 0))
    bind.execute(sa.delete(_COUNT).where(_COUNT.c.source == "events"))
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "area_id": area_id,
            "place_id": None,
            "month": month,
            "category": category,
            "count": n,
            "source": "events",
            "by_text": bool(by_text),
            "imported_at": now,
        }
        for (area_id, month, category), (n, by_text) in sorted(totals.items())
    ]
    for start in range(0, len(rows), _CHUNK):
        bind.execute(sa.insert(_COUNT), rows[start : start + _CHUNK])


def _rematch(bind: sa.Connection) -> None:
    """Match every stored event to the areas again; derive every event count again."""
    matcher = _Matcher(bind)
    wanted = [
        name
        for name in bind.scalars(sa.select(_EVENT.c.municipality).distinct())
        if matcher.may_match(name)
    ]
    bind.execute(sa.delete(_LINK))
    links: list[dict[str, object]] = []
    for start in range(0, len(wanted), _CHUNK):
        query = sa.select(
            _EVENT.c.id, _EVENT.c.municipality, _EVENT.c.name, _EVENT.c.summary
        ).where(_EVENT.c.municipality.in_(wanted[start : start + _CHUNK]))
        for event_id, municipality, name, summary in bind.execute(query).all():
            areas = matcher.match(municipality, f"{name}\n{summary}")
            links += [
                {"event_id": event_id, "area_id": area_id, "by_text": by_text}
                for area_id, by_text in areas.items()
            ]
    for start in range(0, len(links), _CHUNK):
        bind.execute(sa.insert(_LINK), links[start : start + _CHUNK])
    _rebuild_counts(bind)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_ALIAS.c.name, _AREA.c.municipality).join(_AREA, _AREA.c.id == _ALIAS.c.area_id)
    ).all()
    if any(_unusable(name, municipality) for name, municipality in rows):
        _rematch(bind)


def downgrade() -> None:
    """Nothing to undo: the matches made again are those the ignored aliases did not make."""

"""The audit log's details in words: every key the app records, its value by the key's meaning.

Values are stored as codes (slugs, kinds, item codes, ids, ISO times); here they become the
names people read elsewhere in the app, numbers in the reader's style and times in local time.
A code that has no name (a free topic, a renamed-away slug) is shown as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import labels
from ..i18n import format_decimal, format_number, forward_arrow, local_datetime
from ..imports.crime_years import SHAPE_NAMES
from ..models import Area, Place, SurveyRound
from ..questionnaire import builtin, text

#: The details' keys in words; others are shown with spaces for underscores.
DETAILS: dict[str, Any] = {
    "activities": _l("activities"),
    "added": _l("added"),
    "age_band": _l("age group"),
    "alerts_forgotten": _l("deviations forgotten before anyone was told"),
    "answers": _l("answers"),
    "area": _l("area"),
    "area_id": _l("area"),
    "areas": _l("areas"),
    "baseline_round_id": _l("baseline round"),
    "batch": _l("batch"),
    "by_invitation": _l("by invitation"),
    "category": _l("category"),
    "changed": _l("changed"),
    "changes": _l("changes"),
    "checksum": _l("checksum"),
    "closes_on": _l("closes"),
    "codes_kept_used": _l("invitation codes that stay used"),
    "comments": _l("comments"),
    "count": _l("interventions or people reached"),
    "cutoff": _l("before"),
    "date": _l("date"),
    "day": _l("day"),
    "deleted": _l("answers deleted"),
    "dialogue_id": _l("dialogue"),
    "email": _l("e-mail"),
    "erased": _l("erased"),
    "events": _l("events"),
    "filename": _l("file"),
    "first_letter": _l("first letter number"),
    "followup_round_id": _l("follow-up round"),
    "format": _l("format"),
    "from": _l("from"),
    "gender": _l("gender"),
    "held_back": _l("figures held back"),
    "held_on": _l("held on"),
    "hours": _l("hours"),
    "imported_at": _l("imported"),
    "imported_by": _l("imported by"),
    "indicators": _l("indicators"),
    "issues": _l("issues"),
    "kind": _l("kind"),
    "last_letter": _l("last letter number"),
    "letters": _l("letters"),
    "measure": _l("measure"),
    "month": _l("month"),
    "months": _l("months"),
    "municipality": _l("municipality"),
    "name": _l("name"),
    "new": _l("new"),
    "note": _l("note"),
    "notes": _l("notes"),
    "number": _l("number in the batch"),
    "on": _l("on"),
    "opens_on": _l("opens"),
    "organizer": _l("organizer"),
    "paper_return": _l("where paper questionnaires are handed in"),
    "partners": _l("partners"),
    "period_end": _l("period ends"),
    "period_start": _l("period starts"),
    "place": _l("place"),
    "place_id": _l("place"),
    "places": _l("places"),
    "population": _l("residents"),
    "position": _l("order"),
    "problem": _l("problem"),
    "problems": _l("problems"),
    "promise_id": _l("promise"),
    "questionnaire_version": _l("questionnaire version"),
    "quote": _l("quote"),
    "raised_by": _l("raised by (people)"),
    "removed": _l("removed"),
    "residents": _l("residents"),
    "response_id": _l("answer"),
    "role": _l("role"),
    "round": _l("survey round"),
    "round_id": _l("survey round"),
    "rows": _l("rows"),
    "seed": _l("seed"),
    "sequence": _l("release number"),
    "skipped": _l("skipped"),
    "slug": _l("short name"),
    "source": _l("source"),
    "staff": _l("police staff"),
    "submitted_on": _l("date"),
    "synthetic": _l("synthetic"),
    "tag": _l("topic"),
    "tags": _l("topics"),
    "text": _l("text"),
    "times": _l("times of day"),
    "title": _l("title"),
    "to": _l("to"),
    "unchanged": _l("unchanged"),
    "updated": _l("updated"),
    "version": _l("version"),
    "weight": _l("weight"),
    "year": _l("year"),
    "yearly": _l("yearly figures"),
    "years": _l("years"),
}

#: Keys whose whole numbers are ids or numbers in a series: shown without grouping.
_PLAIN_NUMBERS = {"batch", "dialogue_id", "number", "position", "promise_id", "response_id"}
_PLAIN_NUMBERS |= {"questionnaire_version", "seed", "sequence", "version", "year", "years"}
_BATCH_KINDS = {"file": _l("file"), "paper": _l("paper forms")}
#: The sources of a category rule, and the formats of a crime import (also on its page).
SOURCES = {
    # A category change: what the rule is on.
    "police": _l("Police event type"),
    "bra": _l("Brå category, code or path"),
    # A crime import: the file's shape.
    **SHAPE_NAMES,
}


def detail_key(key: str) -> str:
    return str(DETAILS.get(key, key.replace("_", " ")))


@dataclass
class Names:
    """The names behind the codes a page of events shows, looked up once per page."""

    places: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    rounds: dict[int, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Names:
        locale = str(get_locale())
        return cls(
            places={row.slug: row.name for row in session.execute(select(Place.slug, Place.name))},
            areas={row.slug: row.name for row in session.execute(select(Area.slug, Area.name))},
            rounds={
                key: labels.display_name(name)
                for key, name in session.execute(select(SurveyRound.id, SurveyRound.name))
            },
            problems=labels.problems(locale),
            items={item.code: text(item.label, locale) for item in builtin(1).items},
        )


def _lookup(table: Mapping[Any, Any]) -> Callable[[Any], str | None]:
    return lambda code: None if table.get(code) is None else str(table[code])


def _moment(value: Any) -> str | None:
    try:
        return local_datetime(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return None


def _indicator(value: Any) -> str | None:
    return labels.indicator_name(value, str(get_locale())) if isinstance(value, dict) else None


def _by_key(names: Names) -> dict[str, Callable[[Any], str | None]]:
    """For each key whose values are codes: how one code becomes a name (None: keep it)."""
    kinds = labels.ACTIVITY_KINDS | labels.DIALOGUE_KINDS | _BATCH_KINDS
    rounds = _lookup(names.rounds)
    found: dict[str, Callable[[Any], str | None]] = {
        "kind": _lookup(kinds),
        "times": _lookup(labels.TIMES),
        "weight": _lookup(labels.WEIGHTS),
        "role": _lookup(labels.ROLES),
        "from": _lookup(labels.ROLES),
        "to": _lookup(labels.ROLES),
        "source": _lookup(SOURCES),
        "changed": _lookup({**names.items, **DETAILS}),
        "imported_at": _moment,
        "indicators": _indicator,
    }
    for key in ("place", "places"):
        found[key] = _lookup(names.places)
    for key in ("area", "areas"):
        found[key] = _lookup(names.areas)
    for key in ("problem", "problems", "tag", "tags"):
        found[key] = _lookup(names.problems)
    for key in ("round", "round_id", "baseline_round_id", "followup_round_id"):
        found[key] = rounds
    return found


#: Keys whose text may hold several codes joined by ';' ('evening;night').
_JOINED = {"times", "problems", "tags"}


def _split(key: str, value: Any) -> Any:
    """Several codes kept in one text as a list; free text (a note) stays whole."""
    joined = key in _JOINED and isinstance(value, str) and ";" in value
    return value.split(";") if joined else value


def value_text(value: Any, key: str = "", names: Names | None = None) -> str:
    """A detail's value for people: none as a dash, yes/no, names for codes, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    names = names or Names()
    if key == "changes" and isinstance(value, dict):
        return "; ".join(f"{detail_key(k)}: {_change(k, v, names)}" for k, v in value.items())
    if isinstance(value, dict) and key != "indicators":
        return "; ".join(f"{detail_key(k)}: {value_text(v, k, names)}" for k, v in value.items())
    value = _split(key, value)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, key, names) for v in value)
    named = _by_key(names).get(key)
    shown = named(value) if named else None
    if shown is not None:
        return shown
    if isinstance(value, float):
        return format_decimal(value, "0.##")
    if isinstance(value, int):
        return str(value) if key in _PLAIN_NUMBERS else format_number(value)
    return str(value)


def _change(key: str, value: Any, names: Names) -> str:
    """One changed field: "old → new", or just "changed" for a text kept out of the log."""
    if value == "changed":
        return _("changed")
    if isinstance(value, list) and len(value) == 2:
        old, new = value_text(value[0], key, names), value_text(value[1], key, names)
        return f"{old} {forward_arrow()} {new}"
    return value_text(value, key, names)

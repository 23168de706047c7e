"""Admins' changes to the crime category mapping: set, remove, and what the events hold."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis import crime_categories
from analysis.tables import PROBLEMS

from .. import labels
from ..imports.crime_events import rebuild_counts
from ..imports.crime_rows import unsavable_raw
from ..models import OVERRIDE_SOURCES, CategoryOverride
from ..models.accounts import utcnow
from ..models.crime import CrimeCount, CrimeEvent, CrimeYearCount
from . import audit


class CategoryError(ValueError):
    """A change to the mapping that cannot be made; the message says why, about ``field``
    (``name``, ``category`` or ``problems``; a form shows it there)."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SeenType:
    """A police event type found in the stored events, and how many events have it."""

    name: str
    events: int


@dataclass(frozen=True)
class SeenBra:
    """A category name of the imported Brå files and CSVs, and what decides its mapping."""

    name: str
    #: The most specific rule that matches (an admin's or the shipped file's), if any.
    rule: crime_categories.BraRule | None
    #: Not a crime: kept out of crime figures and deviations.
    context: bool
    problems: list[str]


def seen_bra_categories(session: Session) -> list[SeenBra]:
    """Every category of the stored monthly (CSV, Brå) and yearly counts, with its rule."""
    known = current_mapping(session)
    names = set(
        session.scalars(select(CrimeCount.category).where(CrimeCount.source == "csv").distinct())
    )
    names |= set(session.scalars(select(CrimeYearCount.category).distinct()))
    return [
        SeenBra(
            name=name,
            rule=crime_categories.bra_rule(name, known),
            context=crime_categories.is_context(name, known),
            problems=crime_categories.problems_for(name, known),
        )
        for name in sorted(names, key=lambda n: crime_categories.bra_levels(n))
    ]


def list_overrides(session: Session) -> list[CategoryOverride]:
    """Every override, by source and name."""
    return list(
        session.scalars(
            select(CategoryOverride).order_by(CategoryOverride.source, CategoryOverride.key)
        )
    )


def current_mapping(session: Session) -> crime_categories.Mapping:
    """The effective mapping: the shipped file, then the overrides."""
    return crime_categories.read(session.connection())


def unreviewed_types(session: Session) -> list[SeenType]:
    """Event types in the stored events that the mapping does not know, most frequent first."""
    known = current_mapping(session)
    rows = session.execute(select(CrimeEvent.type, func.count()).group_by(CrimeEvent.type)).all()
    found: dict[str, int] = {}
    for name, n in rows:
        if not crime_categories.is_reviewed(name, known):
            clean = " ".join(name.split())
            found[clean] = found.get(clean, 0) + n
    return [SeenType(name, n) for name, n in sorted(found.items(), key=lambda i: (-i[1], i[0]))]


def known_police_type(session: Session, name: str) -> bool:
    """Whether a police event type is in the shipped file or among the stored events: a
    rule for any other type is likely a typing mistake (or a type not seen yet)."""
    key = crime_categories.fold(name)
    shipped = crime_categories.mapping()
    if key in shipped.police_types or key in shipped.context_types:
        return True
    types = session.scalars(select(CrimeEvent.type).distinct())
    return any(crime_categories.fold(seen) == key for seen in types)


def set_override(
    session: Session, source: str, name: str, category: str | None, problems: list[str]
) -> CategoryOverride:
    """Map a police type or Brå name to a category (None: not a crime); recount police events."""
    clean = " ".join((name or "").split())
    if source == "bra":
        # A path is stored the way the importer writes it: 'Stöldbrott › Inbrottsstöld'.
        clean = " › ".join(
            " ".join(level.split()) for level in re.split(r"›|>", clean) if level.strip()
        )
    if source not in OVERRIDE_SOURCES:
        raise CategoryError(_("Choose police or Brå."))
    if not clean:
        raise CategoryError(_("Write the police event type or the Brå category."))
    unknown = sorted(set(problems) - set(PROBLEMS))
    if unknown:
        raise CategoryError(_("Unknown problem: %(name)s.", name=", ".join(unknown)))
    category = " ".join((category or "").split()) or None
    # A direction override or an invisible character makes a type or category that looks
    # like another but is not (the police event files refuse them too).
    for text, field in ((name or "", "name"), (category or "", "category")):
        if unsavable_raw(text):
            raise CategoryError(_("The text contains characters that cannot be saved."), field)
    key = crime_categories.fold(clean)
    override = session.scalar(
        select(CategoryOverride).where(
            CategoryOverride.source == source, CategoryOverride.key == key
        )
    )
    if category is not None:
        category = _spelled_as_known(session, source, key, category)
        if (
            override is not None
            and not problems
            and _setter(session, override.category) is override
        ):
            if crime_categories.fold(override.category or "") == crime_categories.fold(category):
                problems = _known(override.problems)  # the setter respells its category
        problems = _problems_kept(session, source, key, category, problems)
    if override is None:
        override = CategoryOverride(source=source, key=key)
        session.add(override)
    elif override.category != category:
        _hand_on_problems(session, override)  # it leaves its category: the next rule sets them
    override.name = clean
    override.category = category
    override.problems = ",".join(p for p in PROBLEMS if p in problems)
    override.changed_at = utcnow()
    session.flush()
    audit.record(
        session,
        "category_override.set",
        override,
        {"source": source, "name": clean, "category": category, "problems": override.problems},
    )
    _recount(session, source)
    return override


def _spelled_as_known(session: Session, source: str, key: str, category: str) -> str:
    """A category as the shipped file or another rule spells it: "misshandel" is the category
    Misshandel, not a new one beside it that splits its counts. The rule's own earlier
    spelling does not count, so that it can be corrected."""
    others = select(CategoryOverride.category).where(
        CategoryOverride.category.is_not(None),
        (CategoryOverride.source != source) | (CategoryOverride.key != key),
    )
    known = [*crime_categories.mapping().categories, *session.scalars(others)]
    folded = crime_categories.fold(category)
    return next((n for n in known if crime_categories.fold(n) == folded), category)


def _known(stored: str) -> list[str]:
    """A rule's stored problems that are known keys, in questionnaire order."""
    return [p for p in PROBLEMS if p in stored.split(",")]


def _setter(session: Session, category: str | None) -> CategoryOverride | None:
    """The rule that sets a new category's problems: its oldest rule holding a known problem,
    as ``crime_categories.effective`` reads them (None: no such rule, or no category)."""
    if category is None:
        return None
    rules = session.scalars(
        select(CategoryOverride)
        .where(CategoryOverride.category == category)
        .order_by(CategoryOverride.id)
    )
    return next((o for o in rules if _known(o.problems)), None)


def _problems_kept(
    session: Session, source: str, key: str, category: str, problems: list[str]
) -> list[str]:
    """The problems a rule mapping to ``category`` stores. A category's problems are the same
    for every type counted in it, and one place sets them: the shipped file, or for a new
    category the oldest rule that names any (as ``effective`` reads them). That rule may
    change them (none ticked keeps them); on any other rule, ticking exactly those or none
    stores none, and ticking others is refused, as they would be saved and never used."""
    shipped = crime_categories.mapping().categories
    setter = None
    if category in shipped:
        own = shipped[category]
    else:
        setter = _setter(session, category)
        if setter is None:
            return problems
        own = tuple(_known(setter.problems))
        if (setter.source, setter.key) == (source, key):
            return problems or list(own)
    if not problems or set(problems) == set(own):
        return []
    names = labels.survey_problems(str(get_locale()))
    said = ", ".join(names.get(p, p) for p in own)
    if setter is not None:
        message = _(
            "The problems of the category %(category)s are set by the rule for %(rule)s:"
            " %(problems)s. Leave the problems empty, tick exactly these, or change them on"
            " that rule.",
            category=category,
            rule=setter.name,
            problems=said,
        )
    elif own:
        message = _(
            "The category %(category)s speaks to these problems in the shipped mapping:"
            " %(problems)s. Leave the problems empty, or tick exactly these.",
            category=category,
            problems=said,
        )
    else:
        message = _(
            "The category %(category)s speaks to no survey problem in the shipped mapping:"
            " leave the problems empty.",
            category=category,
        )
    raise CategoryError(message, "problems")


def remove_override(session: Session, override: CategoryOverride) -> None:
    """Go back to the shipped file's entry; recount police events."""
    audit.record(
        session,
        "category_override.remove",
        override,
        {
            "source": override.source,
            "name": override.name,
            "category": override.category,
            "problems": override.problems,
        },
    )
    source = override.source
    _hand_on_problems(session, override)
    session.delete(override)
    session.flush()
    _recount(session, source)


def _hand_on_problems(session: Session, override: CategoryOverride) -> None:
    """When the rule that set a new category's problems goes or maps elsewhere, the next rule
    of that category (the oldest) sets them, so that the category keeps them."""
    category = override.category
    if (
        category in crime_categories.mapping().categories
        or _setter(session, category) is not override
    ):
        return  # a shipped category, no category (no crime), or a rule that sets nothing
    heir = session.scalar(
        select(CategoryOverride)
        .where(CategoryOverride.category == category, CategoryOverride.id != override.id)
        .order_by(CategoryOverride.id)
        .limit(1)
    )
    if heir is not None:
        heir.problems, heir.changed_at = ",".join(_known(override.problems)), utcnow()
        details = {"source": heir.source, "name": heir.name, "category": category}
        audit.record(session, "category_override.set", heir, {**details, "problems": heir.problems})


def _recount(session: Session, source: str) -> None:
    # Police counts are derived from the stored events: every month is counted again with the
    # new mapping. Brå counts are stored as imported; their problems are looked up when read.
    if source == "police":
        rebuild_counts(session, None)

"""Crime categories as data: police event types, Trygghet's categories and survey problems.

The reviewed mapping is analysis/crime_categories.yaml. A police event type is either a crime,
counted in one of Trygghet's categories (several types may share one: 'Rån' and 'Rån, försök'
are both 'Rån'), or context (a fire, a night's summary, a police check): stored with the
events, never counted as crime. Other sources' category names (Brå's compounds such as
"Butiksstöld") find their problems by whole-word keywords, so 'rån' is never the one inside
'intrång' or 'från', nor 'fylleri' the one inside 'Rattfylleri'.

Admins may override single entries (table category_override): the effective mapping is the
shipped file, then the overrides. Functions take it as ``known`` (the shipped file if left out);
``read(conn)`` builds it from the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Connection

from .tables import PROBLEMS as PROBLEM_ORDER
from .tables import category_override

SOURCES = ("police", "bra")


@dataclass(frozen=True)
class Override:
    """An admin's change to one entry: a police type or a Brå category, code or path."""

    source: str
    name: str
    #: Trygghet's category; None: not a crime (kept for context, never counted).
    category: str | None
    #: The problems of a new category or of a type that is not a crime.
    problems: tuple[str, ...] = ()


#: A Brå code: digits, maybe with dots ('0300', '3.1').
_CODE = re.compile(r"[0-9][0-9.]*")
#: A level written with its code, before ('0300 Stöldbrott') or after ('Stöldbrott (0300)').
_CODE_FIRST = re.compile(r"([0-9][0-9.]*)\s+(\S.*)")
_CODE_LAST = re.compile(r"(.*\S)\s*\(([0-9][0-9.]*)\)")
_LEVELS = re.compile(r"\s*(?:›|>)\s*")


def _level(label: str) -> tuple[str | None, str]:
    """(code or None, folded name) of one level of a Brå category path."""
    folded = _fold(label)
    if found := _CODE_FIRST.fullmatch(folded):
        return found.group(1), found.group(2)
    if found := _CODE_LAST.fullmatch(folded):
        return found.group(2), found.group(1)
    return None, folded


def bra_levels(name: str) -> tuple[str, ...]:
    """A Brå category path's levels, folded ('Stöldbrott › Inbrottsstöld' or with '>')."""
    return tuple(_fold(level) for level in _LEVELS.split(name.strip()) if level.strip())


@dataclass(frozen=True)
class BraRule:
    """A rule mapping Brå categories: a parent path (its leaves too) or a Brå code."""

    #: The rule as written (for the categories page).
    name: str
    #: 'override' (an admin's) or 'shipped' (analysis/crime_categories.yaml).
    origin: str
    #: Trygghet's category; None: not a crime.
    category: str | None
    problems: tuple[str, ...] = ()

    def depth(self, levels: tuple[str, ...]) -> int:
        """How deep in the path the rule matches (0: not at all); deeper is more specific.

        A path rule matches a path it is a prefix of, level by level (a level's code may be
        left out); a code matches the level that carries it, and the levels under it.
        """
        rule = bra_levels(self.name)
        if len(rule) == 1 and _CODE.fullmatch(rule[0]):
            return max(
                (i + 1 for i, level in enumerate(levels) if _level(level)[0] == rule[0]),
                default=0,
            )
        if len(rule) > len(levels):
            return 0
        for want, level in zip(rule, levels, strict=False):
            if want not in (level, _level(level)[1]):
                return 0
        return len(rule)


@dataclass(frozen=True)
class Mapping:
    """The mapping file read once: categories, police types, context types and keywords."""

    categories: dict[str, tuple[str, ...]]
    police_types: dict[str, str]
    context_types: dict[str, tuple[str, ...]]
    keywords: tuple[tuple[re.Pattern[str], str], ...]
    #: Folded type -> the type as the mapping file writes it.
    names: dict[str, str]
    #: Folded Brå name -> (category or None for not a crime, problems), from overrides only.
    bra: dict[str, tuple[str | None, tuple[str, ...]]] = field(default_factory=dict)
    #: The admins' Brå rules (by path prefix or code), oldest first.
    bra_rules: tuple[BraRule, ...] = ()
    #: The overrides applied, as (source, folded name).
    overridden: frozenset[tuple[str, str]] = frozenset()


def _keyword_pattern(word: str) -> re.Pattern[str]:
    body = re.escape(word.casefold().lstrip("*")).replace(r"\ ", r"\s+")
    prefix = r"\w*" if word.startswith("*") else ""
    return re.compile(rf"(?<!\w){prefix}{body}(?!\w)")


def fold(name: str) -> str:
    """A name as the mapping compares it: spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


_fold = fold


@cache
def mapping() -> Mapping:
    """The shipped mapping (read on first use)."""
    text = resources.files(__package__).joinpath("crime_categories.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    categories = {name: tuple(problems) for name, problems in data["categories"].items()}
    for police_type, category in data["police_types"].items():
        if category not in categories:
            raise ValueError(f"police type {police_type!r}: unknown category {category!r}")
    keywords = tuple(
        (_keyword_pattern(word), problem)
        for problem, words in data["keywords"].items()
        for word in words
    )
    return Mapping(
        categories=categories,
        police_types={_fold(k): v for k, v in data["police_types"].items()},
        context_types={_fold(k): tuple(v) for k, v in data["context_types"].items()},
        keywords=keywords,
        names={_fold(k): k for k in (*data["police_types"], *data["context_types"])},
    )


def effective(overrides: Iterable[Override]) -> Mapping:
    """The shipped mapping with the overrides applied in order (a later one wins)."""
    shipped = mapping()
    categories = dict(shipped.categories)
    police_types = dict(shipped.police_types)
    context_types = dict(shipped.context_types)
    names = dict(shipped.names)
    bra: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    overridden: set[tuple[str, str]] = set()
    rules: dict[str, BraRule] = {}
    for o in overrides:
        folded = _fold(o.name)
        overridden.add((o.source, folded))
        problems = tuple(key for key in PROBLEM_ORDER if key in o.problems)
        # A new category speaks to the problems of its first rule that names any; a shipped
        # category keeps its own (set_override refuses other problems for either).
        if o.category is not None and not categories.get(o.category):
            if o.category not in shipped.categories:
                categories[o.category] = problems
        if o.source == "bra":
            bra[folded] = (o.category, problems)
            rules.pop(folded, None)  # a later rule for the same name replaces it, and comes last
            rules[folded] = BraRule(" ".join(o.name.split()), "override", o.category, problems)
            continue
        police_types.pop(folded, None)
        context_types.pop(folded, None)
        names[folded] = " ".join(o.name.split())
        if o.category is None:
            context_types[folded] = problems
        else:
            police_types[folded] = o.category
    return Mapping(
        categories=categories,
        police_types=police_types,
        context_types=context_types,
        keywords=shipped.keywords,
        names=names,
        bra=bra,
        bra_rules=tuple(rules.values()),
        overridden=frozenset(overridden),
    )


def read_overrides(conn: Connection) -> list[Override]:
    """The admins' overrides, oldest first."""
    t = category_override
    return [
        Override(
            source=row.source,
            name=row.name,
            category=row.category,
            problems=tuple(p for p in (row.problems or "").split(",") if p),
        )
        for row in conn.execute(select(t).order_by(t.c.id))
    ]


def read(conn: Connection) -> Mapping:
    """The effective mapping: the shipped file, then the overrides stored in the database."""
    overrides = read_overrides(conn)
    return effective(overrides) if overrides else mapping()


def police_category(event_type: str, known: Mapping | None = None) -> str | None:
    """The category a police event type is counted in; None for context (not a crime).

    A type the mapping does not know yet is counted under its own name (see is_reviewed).
    """
    folded = _fold(event_type)
    known = known or mapping()
    if folded in known.context_types:
        return None
    return known.police_types.get(folded, " ".join(event_type.split()))


def is_reviewed(event_type: str, known: Mapping | None = None) -> bool:
    """Whether the mapping names a police event type (as a crime or as context)."""
    folded = _fold(event_type)
    known = known or mapping()
    return folded in known.police_types or folded in known.context_types


def is_context(category: str, known: Mapping | None = None) -> bool:
    """Whether a name is a police type or Brå name the mapping keeps out of crime figures."""
    folded = _fold(category)
    known = known or mapping()
    rule = bra_rule(category, known)
    if rule is not None and rule.origin == "override":
        return rule.category is None
    return folded in known.context_types


def problems_for(category: str, known: Mapping | None = None) -> list[str]:
    """Return the problem keys a crime category speaks to, in questionnaire order."""
    known = known or mapping()
    folded = _fold(category)
    found: set[str]
    rule = None if category in known.categories else bra_rule(category, known)
    if category in known.categories:
        found = set(known.categories[category])
    elif rule is not None and rule.origin == "override":
        found = set(rule.problems if rule.category is None else known.categories[rule.category])
    elif folded in known.police_types:
        found = set(known.categories[known.police_types[folded]])
    elif folded in known.context_types:
        found = set(known.context_types[folded])
    elif rule is not None and rule.category is not None:
        found = set(known.categories.get(rule.category, ()))
    else:
        found = {problem for pattern, problem in known.keywords if pattern.search(folded)}
    return [key for key in PROBLEM_ORDER if key in found]


@cache
def bra_paths() -> dict[tuple[str, ...], str]:
    """Brå's categories by their parent path (folded levels) -> Trygghet's category."""
    text = resources.files(__package__).joinpath("crime_categories.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    paths: dict[tuple[str, ...], str] = {}
    for path, category in (data.get("bra_categories") or {}).items():
        if category not in data["categories"]:
            raise ValueError(f"Brå category {path!r}: unknown category {category!r}")
        paths[tuple(_fold(level) for level in path.split("›"))] = category
    return paths


@cache
def shipped_bra_rules() -> tuple[BraRule, ...]:
    """The shipped file's Brå paths as rules."""
    text = resources.files(__package__).joinpath("crime_categories.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    paths: dict[str, str] = data.get("bra_categories") or {}
    return tuple(BraRule(path, "shipped", category) for path, category in paths.items())


def bra_rule(name: str, known: Mapping | None = None) -> BraRule | None:
    """The rule that decides a Brå category: the most specific (deepest) one that matches.

    At the same depth an admin's rule wins over the shipped file's, and a later admin's rule
    over an earlier one.
    """
    known = known or mapping()
    levels = bra_levels(name)
    best: tuple[int, int, int] | None = None
    found = None
    candidates = [*shipped_bra_rules(), *known.bra_rules]
    for order, rule in enumerate(candidates):
        depth = rule.depth(levels)
        if depth == 0:
            continue
        key = (depth, int(rule.origin == "override"), order)
        if best is None or key > best:
            best, found = key, rule
    return found


def bra_category(name: str) -> str | None:
    """Trygghet's category of a Brå path: its own entry's or its nearest parent's, else None."""
    levels = tuple(_fold(level) for level in name.split("›"))
    paths = bra_paths()
    for end in range(len(levels), 0, -1):
        if levels[:end] in paths:
            return paths[levels[:end]]
    return None


def category_types(known: Mapping | None = None) -> list[tuple[str, list[str]]]:
    """Each crime category (in the file's order) with its police types, sorted."""
    known = known or mapping()
    types: dict[str, list[str]] = {name: [] for name in known.categories}
    for folded, category in known.police_types.items():
        types[category].append(known.names[folded])
    return [(name, sorted(found)) for name, found in types.items()]


def context_names(known: Mapping | None = None) -> list[str]:
    """The police types that are not crimes, sorted."""
    known = known or mapping()
    return sorted(known.names[folded] for folded in known.context_types)

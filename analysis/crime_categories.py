"""Crime categories as data: police event types, Trygghet's categories and survey problems.

The reviewed mapping is analysis/crime_categories.yaml. A police event type is either a crime,
counted in one of Trygghet's categories (several types may share one: 'Rån' and 'Rån, försök'
are both 'Rån'), or context (a fire, a night's summary, a police check): stored with the
events, never counted as crime. Other sources' category names (Brå's compounds such as
"Butiksstöld") find their problems by whole-word keywords, so 'rån' is never the one inside
'intrång' or 'från', nor 'fylleri' the one inside 'Rattfylleri'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .tables import PROBLEMS as PROBLEM_ORDER


@dataclass(frozen=True)
class Mapping:
    """The mapping file read once: categories, police types, context types and keywords."""

    categories: dict[str, tuple[str, ...]]
    police_types: dict[str, str]
    context_types: dict[str, tuple[str, ...]]
    keywords: tuple[tuple[re.Pattern[str], str], ...]
    #: Folded type -> the type as the mapping file writes it.
    names: dict[str, str]


def _keyword_pattern(word: str) -> re.Pattern[str]:
    body = re.escape(word.casefold().lstrip("*")).replace(r"\ ", r"\s+")
    prefix = r"\w*" if word.startswith("*") else ""
    return re.compile(rf"(?<!\w){prefix}{body}(?!\w)")


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


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


def police_category(event_type: str) -> str | None:
    """The category a police event type is counted in; None for context (not a crime).

    A type the mapping does not know yet is counted under its own name (see unreviewed_types).
    """
    folded = _fold(event_type)
    known = mapping()
    if folded in known.context_types:
        return None
    return known.police_types.get(folded, " ".join(event_type.split()))


def is_reviewed(event_type: str) -> bool:
    """Whether the mapping names a police event type (as a crime or as context)."""
    folded = _fold(event_type)
    return folded in mapping().police_types or folded in mapping().context_types


def is_context(category: str) -> bool:
    """Whether a name is a police type the mapping keeps out of crime figures."""
    return _fold(category) in mapping().context_types


def problems_for(category: str) -> list[str]:
    """Return the problem keys a crime category speaks to, in questionnaire order."""
    known = mapping()
    folded = _fold(category)
    found: set[str]
    if category in known.categories:
        found = set(known.categories[category])
    elif folded in known.police_types:
        found = set(known.categories[known.police_types[folded]])
    elif folded in known.context_types:
        found = set(known.context_types[folded])
    else:
        found = {problem for pattern, problem in known.keywords if pattern.search(folded)}
    return [key for key in PROBLEM_ORDER if key in found]


def method_rows() -> list[tuple[str, str, list[str]]]:
    """(police type, category or '' for context, problems) for the method section."""
    known = mapping()
    rows = [
        (known.names[folded], category, list(known.categories[category]))
        for folded, category in known.police_types.items()
    ]
    rows += [(known.names[folded], "", list(p)) for folded, p in known.context_types.items()]
    return sorted(rows)

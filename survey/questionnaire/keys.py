"""The keys each mapping of a questionnaire may have: any other is refused, with its line.

A key the loader does not know was read as absent: ``max_choice: 2`` gave no limit,
``show_iff:`` asked everyone, ``substantve: false`` counted "don't know" as an answer on the
scale. Texts (language codes), option sets (their names) and ``only_if`` (item codes) are
mappings whose keys the author names, so they are not checked here.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from .problems import N_, Problem, key_line

TOP_KEYS = ("version", "title", "intro", "paper_intro", "option_sets", "sections")
SECTION_KEYS = ("key", "title", "hint", "paper_hint", "items")
ITEM_KEYS = (
    "code",
    "type",
    "label",
    "hint",
    "paper_hint",
    "required",
    "options",
    "max_choices",
    "max_length",
    "ordered",
    "top_box",
    "min",
    "max",
    "show_if",
    "only_if",
    "priority_problem",
)
OPTION_KEYS = ("value", "label", "substantive")
CONDITION_KEYS = ("item", "is", "any_of", "all", "any", "not")


def unknown_key(mapping: Any, key: Any, known: Sequence[str], line: int = 0) -> Problem:
    """The problem of one unknown key, with the known key it was probably meant as."""
    name = str(key)
    at = key_line(mapping, key, line)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return Problem(
            N_("unknown key %(key)s – did you mean %(close)s?"),
            at,
            key=repr(name),
            close=repr(close[0]),
        )
    return Problem(
        N_("unknown key %(key)s; the keys here are %(keys)s"),
        at,
        key=repr(name),
        keys=", ".join(known),
    )


def unknown_keys(mapping: Any, known: Sequence[str], line: int = 0) -> list[Problem]:
    """A problem for each key of the mapping that is not one of ``known``."""
    return [unknown_key(mapping, key, known, line) for key in mapping if key not in known]


def _options(options: Any) -> list[Problem]:
    if not isinstance(options, list):
        return []  # the name of an option set, or a problem the parser reports
    return [p for o in options if isinstance(o, dict) for p in unknown_keys(o, OPTION_KEYS)]


def unknown_key_problems(data: Any) -> list[Problem]:
    """Every unknown key of the file, its sections, items and options (conditions check
    their own keys as they are read); the parser reports what is not a mapping."""
    if not isinstance(data, dict):
        return []
    found = unknown_keys(data, TOP_KEYS)
    sets = data.get("option_sets")
    for options in sets.values() if isinstance(sets, dict) else ():
        found.extend(_options(options))
    sections = data.get("sections")
    for section in sections if isinstance(sections, list) else ():
        if not isinstance(section, dict):
            continue
        found.extend(unknown_keys(section, SECTION_KEYS))
        items = section.get("items")
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict):
                found.extend(unknown_keys(item, ITEM_KEYS))
                found.extend(_options(item.get("options")))
    return found

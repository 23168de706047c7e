"""The questionnaire's data classes: options, items, sections, a version; answers cleaned."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .conditions import Condition

DEFAULT_LOCALE = "sv"
ItemType = Literal["single", "multi", "text", "number", "area"]
#: single: one option of a list (an ordered scale if ``ordered``); multi: several options;
#: text: free text; number: a whole number; area: the respondent's home area or district.
ITEM_TYPES: tuple[str, ...] = ("single", "multi", "text", "number", "area")

Texts = Mapping[str, str]


def text(texts: Texts | None, locale: str) -> str:
    """Pick the text for a locale, falling back to Swedish, else to the first language given."""
    if not texts:
        return ""
    return texts.get(locale) or texts.get(DEFAULT_LOCALE) or next(iter(texts.values()))


@dataclass(frozen=True)
class Option:
    value: str
    label: Texts
    #: False for "don't know", "not applicable" and the like: left out of every share's base.
    substantive: bool = True


@dataclass(frozen=True)
class Item:
    code: str
    type: ItemType
    label: Texts
    hint: Texts | None = None
    #: The hint as printed on the paper form, where the web's does not fit ("Choose at most
    #: three" is "Tick at most three" on paper); None: the hint is printed.
    paper_hint: Texts | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    #: For ``multi`` items: how many options one may tick at most.
    max_choices: int | None = None
    #: For ``text`` items: the longest answer in characters.
    max_length: int | None = None
    #: Version 1's skip rule, e.g. ``{"victim": "yes"}`` (kept as written; see ``condition``).
    only_if: Mapping[str, str] | None = None
    #: When the item is asked (from ``only_if`` or ``show_if``); None: always.
    condition: Condition | None = None
    #: For ``single`` items: the options form a scale in their order (for a top-box share).
    ordered: bool = False
    #: For ordered scales: the values whose share is the item's headline figure.
    top_box: tuple[str, ...] = ()
    #: For ``number`` items: the smallest and largest answer accepted.
    min_value: int | None = None
    max_value: int | None = None
    #: The priority model's problem (a version 1 problem key) whose survey evidence this
    #: item's top-box share (or "yes" share) joins.
    priority_problem: str | None = None
    #: The YAML line the item starts on (0 when not from a file).
    line: int = 0

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    @property
    def substantive_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options if option.substantive)


@dataclass(frozen=True)
class Section:
    key: str
    title: Texts
    hint: Texts | None
    items: tuple[Item, ...]
    #: The hint as printed on the paper form; None: the hint is printed.
    paper_hint: Texts | None = None


def _chosen(value: Any) -> frozenset[str]:
    """An answer as the set of its values, as conditions test it."""
    if value is None or value == "":
        return frozenset()
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(v) for v in value if v not in (None, ""))
    if isinstance(value, str) and ";" in value:
        return frozenset(part for part in value.split(";") if part)
    return frozenset([str(value)])


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """One questionnaire version; compared and hashed by identity (it is immutable)."""

    version: int
    title: Texts
    intro: Texts | None
    sections: tuple[Section, ...]
    #: The introduction as printed on the paper form (the web's speaks of a browser and of
    #: answers it will not take without the required ones); None: the intro is printed.
    paper_intro: Texts | None = None
    _by_code: dict[str, Item] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_code.update({item.code: item for item in self.items})

    @property
    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    @property
    def codes(self) -> list[str]:
        return [item.code for item in self.items]

    def item(self, code: str) -> Item:
        return self._by_code[code]

    def asks(self, kind: str) -> bool:
        """Whether any item is of this type."""
        return any(item.type == kind for item in self.items)

    @functools.cached_property
    def _skip_plan(self) -> tuple[tuple[str, Condition | None, bool], ...]:
        # Per item in order: its code, its condition, and whether any condition reads it
        # (only those answers need to be seen as sets; every answer is checked on each POST).
        read: set[str] = set()
        for item in self.items:
            if item.condition is not None:
                read |= item.condition.codes()
        return tuple((item.code, item.condition, item.code in read) for item in self.items)

    def skipped(self, answers: Mapping[str, Any]) -> set[str]:
        """The codes not asked, given these answers (an item skipped counts as unanswered)."""
        skipped: set[str] = set()
        # An item skipped or never read stays out: conditions see it as unanswered.
        seen: dict[str, frozenset[str]] = {}
        for code, condition, read in self._skip_plan:
            # Conditions refer to earlier items only (checked on upload), so one pass does.
            if condition is not None and not condition.holds(seen):
                skipped.add(code)
            elif read:
                seen[code] = _chosen(answers.get(code))
        return skipped

    @functools.cached_property
    def _clean_plan(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        # Per item in order: its code, its type and (multiple choice) its options' values.
        # Every stored answer (a million rows in an import) is cleaned through it.
        return tuple(
            (item.code, item.type, item.values if item.type == "multi" else ())
            for item in self.items
        )

    def clean(self, answers: Mapping[str, Any]) -> dict[str, str | None]:
        """Turn validated answers into stored values: multi joined by ';', skips applied."""
        cleaned: dict[str, str | None] = {}
        skipped = self.skipped(answers)
        for code, kind, values in self._clean_plan:
            value = None if code in skipped else answers.get(code)
            if kind == "number":  # 0 is an answer
                cleaned[code] = (
                    str(int(value)) if value is not None and str(value).strip() else None
                )
            elif not value:
                cleaned[code] = None
            elif kind == "multi":
                # Each option once, in questionnaire order, whatever order they came in.
                chosen = set(value)
                cleaned[code] = ";".join([v for v in values if v in chosen]) or None
            elif kind == "text":
                cleaned[code] = value.strip() or None
            else:
                cleaned[code] = value
        return cleaned

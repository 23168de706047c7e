"""The questionnaire as data: load, validate and look up a versioned YAML definition.

Version 1 (``v1.yaml``) is also the item catalogue: its item codes are the columns of the
``response`` table, so a later version may reword, reorder or drop them and narrow their
options. A later version may also add new items (any other code), with their own type; their
answers are stored generically (``item_answer``). Every problem found names its YAML line.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, cast

from .conditions import Condition
from .items import catalogue_problems, meaning_problems, parse_item, skip_problems
from .keys import unknown_key_problems
from .loader import MAX_DEPTH, decode, read_shipped, read_yaml, repeated_keys
from .model import (
    DEFAULT_LOCALE,
    ITEM_TYPES,
    Item,
    ItemType,
    Option,
    Questionnaire,
    Section,
    Texts,
    text,
)
from .problems import N_, Problem, QuestionnaireError, UnsafeSource, line_of

__all__ = [
    "DEFAULT_LOCALE",
    "ITEM_TYPES",
    "MAX_SOURCE",
    "Condition",
    "Item",
    "ItemType",
    "MAX_DEPTH",
    "Option",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "Texts",
    "UnsafeSource",
    "builtin",
    "catalogue_item",
    "decode",
    "load_text",
    "meaning_problems",
    "parse",
    "text",
]

#: The longest questionnaire text accepted, in characters: five times the built-in one
#: (v1.yaml, about 10,000), and small enough to parse in milliseconds.
MAX_SOURCE = 50_000
#: Option values the disclosure audit's model uses for a figure's own counts (its answers and
#: its top box): an option of that value would be taken for them (analysis.disclosure_items).
RESERVED_VALUES = frozenset({"n", "k"})
#: The longest option value: the ``value`` column of ``item_answer``.
MAX_VALUE = 64


def parse(data: Any, catalogue: Questionnaire | None = None) -> Questionnaire:
    """Build a questionnaire from parsed YAML, or raise QuestionnaireError listing problems."""
    problems: list[Problem] = []
    report = problems.append
    if not isinstance(data, dict):
        raise QuestionnaireError(
            [Problem(N_("the file must be a mapping with version, title and sections"))]
        )

    def texts(value: Any, where: str, required: bool = True, line: int = 0) -> Texts | None:
        line = line_of(value, line)
        if value is None and not required:
            return None
        # Any language will do, Swedish or not: at least one text, none of them empty.
        if (
            not isinstance(value, dict)
            or not value
            or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
            )
        ):
            report(
                Problem(
                    N_("%(where)s: must map language codes to non-empty texts"), line, where=where
                )
            )
            return None
        return dict(value)

    def options(value: Any, code: str, line: int) -> tuple[Option, ...]:
        where = f"{code}.options"
        if isinstance(value, str):
            if value not in option_sets:
                report(
                    Problem(
                        N_("%(where)s: unknown option set %(name)s"),
                        line,
                        where=where,
                        name=repr(value),
                    )
                )
                return ()
            value = option_sets[value]
        if not isinstance(value, list) or not value:
            report(Problem(N_("%(where)s: options must be a non-empty list"), line, where=where))
            return ()
        result = []
        for raw in value:
            at = line_of(raw, line)
            if (
                not isinstance(raw, dict)
                or not isinstance(raw.get("value"), str | int)
                or (isinstance(raw.get("value"), bool))
            ):
                report(Problem(N_("%(where)s: an option needs a text value"), at, where=where))
                continue
            substantive = raw.get("substantive", True)
            if not isinstance(substantive, bool):
                report(Problem(N_("%(where)s: substantive is true or false"), at, where=where))
            if len(str(raw["value"])) > MAX_VALUE:
                report(
                    Problem(
                        N_("%(where)s: an option value has at most %(n)d characters"),
                        at,
                        where=where,
                        n=MAX_VALUE,
                    )
                )
            label = texts(raw.get("label"), f"{where}.label", line=at) or {}
            result.append(Option(str(raw["value"]), label, substantive is not False))
        values = [o.value for o in result]
        if len(set(values)) != len(values):
            report(Problem(N_("%(where)s: option values must be unique"), line, where=where))
        if reserved := sorted(RESERVED_VALUES.intersection(values)):
            report(
                Problem(
                    N_("%(where)s: %(values)s cannot be option values (the counts use them)"),
                    line,
                    where=where,
                    values=", ".join(reserved),
                )
            )
        return tuple(result)

    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        report(Problem(N_("version: must be a whole number from 1 up"), line_of(data)))
    title = texts(data.get("title"), "title", line=line_of(data)) or {}
    intro = texts(data.get("intro"), "intro", required=False, line=line_of(data))
    paper_intro = texts(data.get("paper_intro"), "paper_intro", required=False, line=line_of(data))
    option_sets = data.get("option_sets") or {}
    if not isinstance(option_sets, dict):
        report(
            Problem(N_("option_sets: must be a mapping of names to option lists"), line_of(data))
        )
        option_sets = {}

    sections: list[Section] = []
    seen: dict[str, int] = {}  # an item's code: the line it was first given on (0: unknown)
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        report(Problem(N_("sections: must be a non-empty list"), line_of(data)))
        raw_sections = []
    for s, raw_section in enumerate(raw_sections):
        line = line_of(raw_section, line_of(data))
        if not isinstance(raw_section, dict):
            report(Problem(N_("a section must be a mapping with key, title and items"), line))
            continue
        items = []
        for raw in raw_section.get("items") or []:
            item = parse_item(raw, line, texts, options, report, catalogue)
            if item is None:
                continue
            if item.code in seen:
                first = seen[item.code]
                report(
                    Problem(
                        N_("item code %(code)s is used twice: first on line %(first)d"),
                        item.line,
                        code=repr(item.code),
                        first=first,
                    )
                    if first
                    else Problem(
                        N_("item code %(code)s is used twice"), item.line, code=repr(item.code)
                    )
                )
            seen.setdefault(item.code, item.line)
            items.append(item)
        if not items:
            report(Problem(N_("a section needs at least one item"), line))
        sections.append(
            Section(
                key=str(raw_section.get("key", s)),
                title=texts(raw_section.get("title"), "title", line=line) or {},
                hint=texts(raw_section.get("hint"), "hint", required=False, line=line),
                items=tuple(items),
                paper_hint=texts(
                    raw_section.get("paper_hint"), "paper_hint", required=False, line=line
                ),
            )
        )

    problems.extend(skip_problems(sections))
    if catalogue is not None:
        problems.extend(catalogue_problems(sections, catalogue))
    if problems:
        raise QuestionnaireError(sorted(problems, key=lambda p: p.line))
    return Questionnaire(
        version=cast(int, version),
        title=title,
        intro=intro,
        sections=tuple(sections),
        paper_intro=paper_intro,
    )


def load_text(
    source: str, catalogue: Questionnaire | None = None, strict: bool = True
) -> Questionnaire:
    """Parse a questionnaire from YAML text (UnsafeSource if too long or with aliases).

    ``strict``: refuse unknown keys and a key given twice, as an upload must. A version
    recorded before they were refused is read as it was stored (``strict=False``).
    """
    if len(source) > MAX_SOURCE:
        raise UnsafeSource("size", Problem(N_("longer than %(n)d characters"), n=MAX_SOURCE))
    data = read_yaml(source)
    if data is None:
        raise QuestionnaireError(
            [Problem(N_("there is nothing but comments and blank lines: no questionnaire"))]
        )
    problems = repeated_keys(data) + unknown_key_problems(data) if strict else []
    try:
        questionnaire = parse(data, catalogue)
    except QuestionnaireError as exc:
        problems.extend(exc.problems)
    if problems:
        raise QuestionnaireError(sorted(problems, key=lambda p: p.line))
    return questionnaire


def catalogue_item(questionnaire: Questionnaire, code: str) -> Item:
    """The questionnaire's item ``code``, or version 1's when it does not ask it.

    Version 1's items are columns of every answer: a later version that leaves out gender
    or age_band still has the earlier answers' values, the population margins and the
    weights in version 1's options.
    """
    if code in questionnaire.codes:
        return questionnaire.item(code)
    return builtin(1).item(code)


@functools.cache
def builtin(version: int = 1) -> Questionnaire:
    """Load a questionnaire version shipped in the package (immutable, so cached)."""
    source = resources.files(__package__).joinpath(f"v{version}.yaml").read_text("utf-8")
    questionnaire = parse(read_shipped(source), None if version == 1 else builtin(1))
    if questionnaire.version != version:
        raise QuestionnaireError(
            [Problem(N_("v%(n)d.yaml declares version %(v)d"), n=version, v=questionnaire.version)]
        )
    return questionnaire

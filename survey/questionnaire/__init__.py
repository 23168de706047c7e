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

import yaml

from .conditions import Condition
from .items import catalogue_problems, meaning_problems, parse_item, skip_problems
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
from .problems import N_, LineDict, Problem, line_of

__all__ = [
    "DEFAULT_LOCALE",
    "ITEM_TYPES",
    "MAX_SOURCE",
    "Condition",
    "Item",
    "ItemType",
    "Option",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "Texts",
    "UnsafeSource",
    "builtin",
    "catalogue_item",
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


class QuestionnaireError(ValueError):
    """A questionnaire definition that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class UnsafeSource(QuestionnaireError):
    """Text refused before it is parsed: ``reason`` is "size", "alias" or "depth" (at
    ``line``)."""

    def __init__(self, reason: str, problem: Problem, line: int = 0) -> None:
        super().__init__([problem])
        self.reason, self.line = reason, line


#: How deep lists and mappings may nest in a questionnaire's YAML.
MAX_DEPTH = 20


class _PlainLoader(yaml.SafeLoader):
    """YAML without anchors and aliases (``&a``, ``*a``); mappings remember their line.

    A questionnaire never needs anchors, and aliases nested in aliases expand exponentially
    ("billion laughs"): a 4 KB file became 84 MB of page and 50 s of work.
    """

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise UnsafeSource(
                "alias", Problem(N_("anchors and aliases (& and *) are refused"), line), line
            )
        # Nodes inside nodes are composed by recursion: [[[[...]]]] a few hundred deep ran
        # out of Python's stack (a 500 page). A questionnaire is five levels deep.
        if self.depth >= MAX_DEPTH:
            problem = Problem(N_("nested more than %(n)d levels deep"), line, n=MAX_DEPTH)
            raise UnsafeSource("depth", problem, line)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # A plain scalar that looks like a date or a tagged number but is none (2026-02-30,
        # !!int abc, !!timestamp 1-1-1) fails in PyYAML's constructor with a bare ValueError or
        # AttributeError: a 500 page.
        try:
            return super().construct_object(node, deep)
        except QuestionnaireError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            problem = Problem(
                N_("%(value)s is not a date or number that exists: put text in quotes"),
                node.start_mark.line + 1,
                value=repr(str(node.value)[:40]),
            )
            raise QuestionnaireError([problem]) from exc


def _construct_map(loader: _PlainLoader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_PlainLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


# The shipped versions are read at every start (the answer counts' columns come from version
# 1): libyaml's parser, where PyYAML has it, reads them in a seventh of the time (9 ms against
# 69 ms), to the same data, lines included. They are the package's own files, so they need
# none of the guards above, which only the Python parser can run.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ShippedLoader(_FAST_LOADER):
    pass


_ShippedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


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
            item = parse_item(raw, line, texts, options, report)
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


def _character_at(source: str, line: int, column: int) -> str:
    """The character at a 0-based line and column of the text ("" past its end)."""
    lines = source.splitlines()
    text = lines[line] if line < len(lines) else ""
    return text[column] if column < len(text) else ""


def load_text(source: str, catalogue: Questionnaire | None = None) -> Questionnaire:
    """Parse a questionnaire from YAML text (UnsafeSource if too long or with aliases)."""
    if len(source) > MAX_SOURCE:
        raise UnsafeSource("size", Problem(N_("longer than %(n)d characters"), n=MAX_SOURCE))
    try:
        data = yaml.load(source, Loader=_PlainLoader)  # noqa: S506  # nosec B506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        # The parser's own words ("expected ',' or ']', but got ':'") are English and name its
        # grammar: the admin gets the place (1-based, as editors count) and what to look at.
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            problem = Problem(
                N_("not valid YAML: check the indentation, colons, quotes and brackets")
            )
        elif _character_at(source, mark.line, mark.column) == "\t":
            # An editor's tab is the commonest cause, and "check the indentation" hid it.
            problem = Problem(
                N_("a tab at column %(column)d: YAML indents with spaces, not tabs"),
                mark.line + 1,
                column=mark.column + 1,
            )
        else:
            problem = Problem(
                N_(
                    "not valid YAML at column %(column)d: check the indentation, colons, quotes"
                    " and brackets there and just before"
                ),
                mark.line + 1,
                column=mark.column + 1,
            )
        raise QuestionnaireError([problem]) from exc
    if data is None:
        raise QuestionnaireError(
            [Problem(N_("there is nothing but comments and blank lines: no questionnaire"))]
        )
    return parse(data, catalogue)


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
    data = yaml.load(source, Loader=_ShippedLoader)  # noqa: S506  # nosec B506 (a safe loader, of our own file)
    questionnaire = parse(data, None if version == 1 else builtin(1))
    if questionnaire.version != version:
        raise QuestionnaireError(
            [Problem(N_("v%(n)d.yaml declares version %(v)d"), n=version, v=questionnaire.version)]
        )
    return questionnaire

"""The questionnaire as data: load, validate and look up a versioned YAML definition.

Version 1 (``v1.yaml``) is also the item catalogue: its item codes are the columns of the
``response`` table, so a later version may reword, reorder or drop items and narrow their
options, but every item it asks must be a catalogue item with options from the catalogue.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import yaml

DEFAULT_LOCALE = "sv"
ItemType = Literal["single", "multi", "text"]
ITEM_TYPES: tuple[str, ...] = ("single", "multi", "text")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

Texts = Mapping[str, str]


#: The longest questionnaire text accepted, in characters: five times the built-in one
#: (v1.yaml, about 10,000), and small enough to parse in milliseconds.
MAX_SOURCE = 50_000


class QuestionnaireError(ValueError):
    """A questionnaire definition that cannot be used, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class UnsafeSource(QuestionnaireError):
    """Text refused before it is parsed: ``reason`` is "size" or "alias" (at ``line``)."""

    def __init__(self, reason: str, problem: str, line: int = 0) -> None:
        super().__init__([problem])
        self.reason, self.line = reason, line


class _PlainLoader(yaml.SafeLoader):
    """YAML without anchors and aliases (``&a``, ``*a``).

    A questionnaire never needs them, and aliases nested in aliases expand exponentially
    ("billion laughs"): a 4 KB file became 84 MB of page and 50 s of work.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            line = event.start_mark.line + 1
            raise UnsafeSource(
                "alias", f"line {line}: anchors and aliases (& and *) are refused", line
            )
        return super().compose_node(parent, index)


def text(texts: Texts | None, locale: str) -> str:
    """Pick the text for a locale, falling back to Swedish, else to the first language given."""
    if not texts:
        return ""
    return texts.get(locale) or texts.get(DEFAULT_LOCALE) or next(iter(texts.values()))


@dataclass(frozen=True)
class Option:
    value: str
    label: Texts


@dataclass(frozen=True)
class Item:
    code: str
    type: ItemType
    label: Texts
    hint: Texts | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    #: For ``multi`` items: how many options one may tick at most.
    max_choices: int | None = None
    #: For ``text`` items: the longest answer in characters.
    max_length: int | None = None
    #: Ask only when another item has this answer, e.g. ``{"victim": "yes"}``.
    only_if: Mapping[str, str] | None = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Section:
    key: str
    title: Texts
    hint: Texts | None
    items: tuple[Item, ...]


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """One questionnaire version; compared and hashed by identity (it is immutable)."""

    version: int
    title: Texts
    intro: Texts | None
    sections: tuple[Section, ...]
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

    def clean(self, answers: Mapping[str, Any]) -> dict[str, str | None]:
        """Turn validated answers into stored values: multi joined by ';', skips applied."""
        cleaned: dict[str, str | None] = {}
        for item in self.items:
            value = answers.get(item.code)
            if item.only_if and any(answers.get(k) != v for k, v in item.only_if.items()):
                value = None
            if item.type == "multi":
                # Each option once, in questionnaire order, whatever order they came in.
                chosen = set(value or ())
                value = ";".join(v for v in item.values if v in chosen) or None
            elif item.type == "text":
                value = value.strip() if value else None
            cleaned[item.code] = value or None
        return cleaned


def parse(data: Any, catalogue: Questionnaire | None = None) -> Questionnaire:
    """Build a questionnaire from parsed YAML, or raise QuestionnaireError listing problems."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise QuestionnaireError(["the file must be a mapping with version, title and sections"])

    def texts(value: Any, where: str, required: bool = True) -> Texts | None:
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
            problems.append(f"{where}: must map language codes to non-empty texts")
            return None
        return dict(value)

    def options(value: Any, where: str) -> tuple[Option, ...]:
        if isinstance(value, str):
            if value not in option_sets:
                problems.append(f"{where}: unknown option set {value!r}")
                return ()
            value = option_sets[value]
        if not isinstance(value, list) or not value:
            problems.append(f"{where}: options must be a non-empty list")
            return ()
        result = []
        for i, raw in enumerate(value):
            if not isinstance(raw, dict) or not isinstance(raw.get("value"), str):
                problems.append(f"{where}[{i}]: an option needs a text value")
                continue
            label = texts(raw.get("label"), f"{where}[{i}].label") or {}
            result.append(Option(raw["value"], label))
        values = [o.value for o in result]
        if len(set(values)) != len(values):
            problems.append(f"{where}: option values must be unique")
        return tuple(result)

    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version: must be a whole number from 1 up")
    title = texts(data.get("title"), "title") or {}
    intro = texts(data.get("intro"), "intro", required=False)
    option_sets = data.get("option_sets") or {}
    if not isinstance(option_sets, dict):
        problems.append("option_sets: must be a mapping of names to option lists")
        option_sets = {}

    sections: list[Section] = []
    seen: set[str] = set()
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append("sections: must be a non-empty list")
        raw_sections = []
    for s, raw_section in enumerate(raw_sections):
        where = f"sections[{s}]"
        if not isinstance(raw_section, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        items = []
        for i, raw in enumerate(raw_section.get("items") or []):
            item = _parse_item(raw, f"{where}.items[{i}]", texts, options, problems)
            if item is None:
                continue
            if item.code in seen:
                problems.append(f"{where}.items[{i}]: item code {item.code!r} is used twice")
            seen.add(item.code)
            items.append(item)
        if not items:
            problems.append(f"{where}: a section needs at least one item")
        sections.append(
            Section(
                key=str(raw_section.get("key", s)),
                title=texts(raw_section.get("title"), f"{where}.title") or {},
                hint=texts(raw_section.get("hint"), f"{where}.hint", required=False),
                items=tuple(items),
            )
        )

    for section in sections:
        for item in section.items:
            for other, _ in (item.only_if or {}).items():
                if other not in seen:
                    problems.append(f"{item.code}: only_if refers to unknown item {other!r}")
    if catalogue is not None:
        problems.extend(_catalogue_problems(sections, catalogue))
    if problems:
        raise QuestionnaireError(problems)
    return Questionnaire(version=version, title=title, intro=intro, sections=tuple(sections))


def _parse_item(raw: Any, where: str, texts, options, problems: list[str]) -> Item | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(f"{where}: code must be lower-case letters, digits and _")
        return None
    kind = raw.get("type")
    if kind not in ITEM_TYPES:
        problems.append(f"{code}: type must be one of {', '.join(ITEM_TYPES)}")
        return None
    item_options = options(raw.get("options"), f"{code}.options") if kind != "text" else ()
    max_choices = raw.get("max_choices")
    if max_choices is not None and (kind != "multi" or not isinstance(max_choices, int)):
        problems.append(f"{code}: max_choices is a whole number, for multi items only")
    max_length = raw.get("max_length")
    if kind == "text" and not isinstance(max_length, int):
        problems.append(f"{code}: a text item needs max_length")
    only_if = raw.get("only_if")
    if only_if is not None and not isinstance(only_if, dict):
        problems.append(f"{code}: only_if must map an item code to an answer")
        only_if = None
    return Item(
        code=code,
        type=kind,
        label=texts(raw.get("label"), f"{code}.label") or {},
        hint=texts(raw.get("hint"), f"{code}.hint", required=False),
        required=bool(raw.get("required", False)),
        options=item_options,
        max_choices=max_choices,
        max_length=max_length,
        only_if=only_if,
    )


def _catalogue_problems(sections: list[Section], catalogue: Questionnaire) -> list[str]:
    problems = []
    for section in sections:
        for item in section.items:
            try:
                known = catalogue.item(item.code)
            except KeyError:
                problems.append(f"{item.code}: not a known item code")
                continue
            if item.type != known.type:
                problems.append(f"{item.code}: must be of type {known.type}")
            extra = set(item.values) - set(known.values)
            if extra:
                problems.append(f"{item.code}: unknown option values {sorted(extra)}")
            if item.max_length and known.max_length and item.max_length > known.max_length:
                problems.append(f"{item.code}: max_length may be at most {known.max_length}")
    return problems


def load_text(source: str, catalogue: Questionnaire | None = None) -> Questionnaire:
    """Parse a questionnaire from YAML text (UnsafeSource if too long or with aliases)."""
    if len(source) > MAX_SOURCE:
        raise UnsafeSource("size", f"longer than {MAX_SOURCE} characters")
    try:
        data = yaml.load(source, Loader=_PlainLoader)  # noqa: S506  # nosec B506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"not valid YAML: {exc}"]) from exc
    return parse(data, catalogue)


@functools.cache
def builtin(version: int = 1) -> Questionnaire:
    """Load a questionnaire version shipped in the package (immutable, so cached)."""
    source = resources.files(__package__).joinpath(f"v{version}.yaml").read_text("utf-8")
    questionnaire = load_text(source, None if version == 1 else builtin(1))
    if questionnaire.version != version:
        raise QuestionnaireError([f"v{version}.yaml declares version {questionnaire.version}"])
    return questionnaire

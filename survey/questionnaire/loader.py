"""Questionnaire YAML as data: bytes to text, text to mappings that know their lines.

An uploaded file is read by the guarded Python parser (no anchors, a bounded depth, every
mapping and key with its line, a key given twice noted); the package's own files by libyaml.
"""

from __future__ import annotations

import codecs
from typing import Any

import yaml

from .problems import N_, LineDict, Problem, QuestionnaireError, UnsafeSource

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


def _construct_map(loader: Any, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))
    # The keys were constructed above (and are cached): each is looked up, not built again.
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.repeated.append((key, line, data.key_lines[key]))
        else:
            data.key_lines[key] = line


_PlainLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


# The shipped versions are read at every start (the answer counts' columns come from version
# 1): libyaml's parser, where PyYAML has it, reads them in a seventh of the time (9 ms against
# 69 ms), to the same data, lines included. They are the package's own files, so they need
# none of the guards above, which only the Python parser can run.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ShippedLoader(_FAST_LOADER):
    pass


_ShippedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _character_at(source: str, line: int, column: int) -> str:
    """The character at a 0-based line and column of the text ("" past its end)."""
    lines = source.splitlines()
    text = lines[line] if line < len(lines) else ""
    return text[column] if column < len(text) else ""


def read_yaml(source: str) -> Any:
    """The YAML text as data, or QuestionnaireError with the line of what is wrong."""
    try:
        return yaml.load(source, Loader=_PlainLoader)  # noqa: S506  # nosec B506 (a SafeLoader subclass)
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


def read_shipped(source: str) -> Any:
    """A shipped questionnaire file as data (libyaml where there is one)."""
    return yaml.load(source, Loader=_ShippedLoader)  # noqa: S506  # nosec B506 (a safe loader, of our own file)


def repeated_keys(data: Any) -> list[Problem]:
    """Every key given twice in one mapping, anywhere in the data, at its second line."""
    found = []
    waiting = [data]
    while waiting:
        value = waiting.pop()
        if isinstance(value, dict):
            for key, line, first in getattr(value, "repeated", ()):
                found.append(
                    Problem(
                        N_("the key %(key)s is given twice: first on line %(first)d"),
                        line,
                        key=repr(str(key)),
                        first=first,
                    )
                )
            waiting.extend(value.values())
        elif isinstance(value, list):
            waiting.extend(value)
    return found


def decode(raw: bytes) -> str:
    """An uploaded file's UTF-8 text (a BOM dropped), or QuestionnaireError saying where not."""
    # UTF-16 text of plain letters is valid UTF-8 byte for byte, with a NUL beside each letter:
    # it is told by its BOM, or by NULs in its first line, before it is decoded.
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:100]:
        raise QuestionnaireError(
            [Problem(N_("the file is UTF-16 text: save it as UTF-8 and upload it again"))]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problem = Problem(
            N_(
                "the file is not UTF-8 text: the byte %(byte)s cannot be read as UTF-8 (it may"
                " be Latin-1 or Windows-1252); save the file as UTF-8 and upload it again"
            ),
            line,
            byte=f"0x{raw[exc.start]:02X}",
        )
        raise QuestionnaireError([problem]) from exc

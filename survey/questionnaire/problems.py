"""A problem found in an uploaded questionnaire: English text, a msgid to translate, a line.

A problem is a ``str`` (its English text, "line 12: ...") so that it reads well in logs and
tests; the organizer's page translates ``msgid`` with ``params`` into the admin's language.
This module imports no Flask: ``N_`` only marks a msgid for extraction.
"""

from __future__ import annotations

from typing import Any


def N_(msgid: str) -> str:  # noqa: N802 (the gettext convention extraction looks for)
    """Mark a msgid for extraction; it is translated where it is shown."""
    return msgid


class Problem(str):
    """One problem: English text, with the msgid, its params and the YAML line (0: none)."""

    msgid: str
    params: dict[str, Any]
    line: int

    def __new__(cls, msgid: str, line: int = 0, **params: Any) -> Problem:
        english = msgid % params if params else msgid
        if line:
            english = f"line {line}: {english}"
        self = super().__new__(cls, english)
        self.msgid, self.params, self.line = msgid, params, line
        return self


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


def line_of(value: Any, default: int = 0) -> int:
    """The YAML line a parsed mapping started on (see the loader), or ``default``."""
    return getattr(value, "line", default) or default


def key_line(mapping: Any, key: Any, default: int = 0) -> int:
    """The YAML line a mapping's key stands on (else the mapping's own line, or ``default``)."""
    return getattr(mapping, "key_lines", {}).get(key) or line_of(mapping, default)


class LineDict(dict):
    """A YAML mapping that remembers the line it started on, and each key's line.

    ``repeated`` holds (key, line, first line) for each key given again in the mapping: YAML
    keeps only the last, so a second ``label:`` silently replaced the first.
    """

    line = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}
        self.repeated: list[tuple[Any, int, int]] = []

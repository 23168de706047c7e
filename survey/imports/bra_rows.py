"""A Brå file's rows: the separator sniffed, lines numbered, the header found."""

from __future__ import annotations

import csv
import re
from typing import Any

from flask_babel import gettext as _

from . import ImportRefused, csv_problem

_INDENT = re.compile(r"[ \u00a0\t]*")

#: How many title lines may come before the header row.
TITLE_LINES = 10


def rows_of(lines: list[str]) -> tuple[list[tuple[int, list[str]]], str]:
    """The rows with a filled cell, each with its line, and the separator."""
    # Sniffed from the first line with a separator: a title line above the header has none.
    first = next((line for line in lines if any(sep in line for sep in ";\t,")), "")
    counts = {sep: first.count(sep) for sep in (";", "\t", ",")}
    separator = max(counts, key=lambda sep: counts[sep]) if first else ";"
    reader = csv.reader(iter(lines), delimiter=separator, strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRefused(
            [
                _(
                    "line %(n)d: the file cannot be read: %(problem)s",
                    n=line,
                    problem=csv_problem(exc),
                )
            ]
        ) from exc
    return rows, separator


def header_at(rows: list[tuple[int, list[str]]]) -> int:
    """Where the header row is: title lines (one filled cell) before it are skipped."""
    for i, (_line, cells) in enumerate(rows[: TITLE_LINES + 1]):  # the header comes after
        if sum(1 for cell in cells if cell.strip()) > 1:
            return i
    return 0


def note(cells: list[str]) -> bool:
    """Whether a row is a note ('Källa: Brå'): one filled cell, the first."""
    return bool(cells[0].strip()) and not any(cell.strip() for cell in cells[1:])


def indent_of(label: str) -> int:
    """How far a category label is indented (spaces, no-break spaces, tabs)."""
    return len(_INDENT.match(label).group(0))  # type: ignore[union-attr]


def headings(labels: list[str]) -> set[int]:
    """The rows (by index) that head others: no category (a region's row), or one with the
    next category below indented deeper (its parent). Without figures they store nothing; a
    category of its own without figures is missing in every month published."""
    found: set[int] = set()
    below = -1  # the indent of the next category below, -1 where none is
    for k in range(len(labels) - 1, -1, -1):
        if not labels[k].strip():
            found.add(k)
            continue
        indent = indent_of(labels[k])
        if below > indent:
            found.add(k)
        below = indent
    return found


def region_heading(reader: Any, cells: list[str], columns: tuple[int, int], last: bool) -> bool:
    """Whether a row names only a region, above that region's categories (as exports from
    Brå's statistics database may): the region is carried down to them, a new block. The
    last row has nothing below it: a row cut short, an error where it is read."""
    region, crime = columns
    if last or cells[crime].strip() or any(c.strip() for i, c in enumerate(cells) if i != region):
        return False
    reader.region, reader.stack = " ".join(cells[region].split()) or reader.region, []
    return True

"""Crime counts as a Brå-style monthly CSV: the header, the separator, every row checked."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from typing import Any

from flask_babel import gettext as _

from . import ImportErrors, ImportRefused, csv_problem, sniff_separator
from .crime_rows import Names, check_row, nothing_below, parse_month

REQUIRED = ("month", "area", "category", "count")


def parse_csv(
    lines: list[str], names: Names, today: dt.date, year: int | None = None
) -> list[dict[str, Any]]:
    """Check every row of a crime counts CSV; return the rows to store or raise ImportRefused.

    ``year`` (the command's --year): every row's month must be of that year.
    """
    if not any(line.strip() for line in lines):
        raise ImportRefused([_("line 1: the file is empty; it needs a header row and counts")])
    errors = ImportErrors()
    reader = csv.reader(iter(lines), delimiter=sniff_separator(lines[0]), strict=True)
    try:
        header = [cell.strip().casefold() for cell in next(reader)]
    except csv.Error as exc:
        raise ImportRefused(
            [_("line %(n)d: the CSV cannot be read: %(problem)s", n=1, problem=csv_problem(exc))]
        ) from exc
    for column in REQUIRED:
        if column not in header:
            errors.add(
                1,
                _(
                    "line 1: the column '%(column)s' is missing (needed: %(needed)s)",
                    column=column,
                    needed=", ".join(REQUIRED),
                ),
            )
    for column in sorted(c for c, n in Counter(header).items() if c and n > 1):
        errors.add(1, _("line 1: the column '%(column)s' appears more than once", column=column))
    errors.refuse()
    # Other columns (a rate per 100,000 inhabitants, a region code) are allowed and ignored.
    index = {c: header.index(c) for c in (*REQUIRED, "place", "rate") if c in header}
    records: list[dict[str, Any]] = []
    seen: dict[tuple[dt.date, int, str, int | None], int] = {}
    line, unpublished = 2, 0
    try:
        for cells in reader:
            if year is not None and (problem := _other_year(cells, index["month"], year)):
                errors.add(line, f"line {line}: {problem}")
            if any(cell.strip() for cell in cells):
                unpublished += check_row(
                    line, cells, len(header), index, names, today, errors, records, seen
                )
            line = reader.line_num + 1
    except csv.Error as exc:
        errors.add(
            line,
            _("line %(n)d: the CSV cannot be read: %(problem)s", n=line, problem=csv_problem(exc)),
        )
    if not records and not errors.found:
        errors.add(2, nothing_below(2, unpublished))
    errors.refuse()
    return records


def _other_year(cells: list[str], column: int, year: int) -> str | None:
    """Why a row's month does not fit --year YEAR, else None. The command line's only: the
    upload page's Year field is for Brå's files and a CSV ignores it there."""
    month = parse_month(cells[column])[0] if column < len(cells) else None
    if month is None or month.year == year:
        return None
    return f"the month {month:%Y-%m} is in {month.year}, but --year says {year}"

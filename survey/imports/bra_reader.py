"""A Brå file read row by row: the region and category carried down, the category path,
every count checked, a cell given twice named with the line it repeats."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from . import ImportErrors
from .bra_rows import indent_of
from .crime_rows import (
    CATEGORY_MAX,
    Names,
    control_characters,
    month_text,
    parse_count,
    unended_month,
    unended_year,
    unsavable,
)

#: Between the levels of a category path.
PATH_SEPARATOR = " › "

_REGION_CODE = re.compile(r"^[0-9]{2,4}\s+")
_REGION_SUFFIX = re.compile(r"\s+(?:kommun|stadsdelsområde|stadsdel|lpo)$", re.IGNORECASE)
_SPLIT_PATH = re.compile(r"\s*(?:›|>)\s*")


@dataclass
class BraData:
    """A Brå file read: its shape, monthly and yearly counts, and the regions skipped."""

    shape: str
    monthly: list[dict[str, Any]] = field(default_factory=list)
    yearly: list[dict[str, Any]] = field(default_factory=list)
    #: Region as written -> rows skipped because it is no area.
    skipped: Counter[str] = field(default_factory=Counter)


class Reader:
    """Row by row: region and category carried down, the category path, the checks."""

    def __init__(self, names: Names, today: dt.date, data: BraData) -> None:
        self.names, self.today, self.data = names, today, data
        self.errors = ImportErrors()
        self.region = ""
        self.stack: list[tuple[int, str]] = []
        self.seen: dict[tuple[Any, ...], int] = {}
        self.found: dict[str, int | None] = {}
        #: The '..' of a year or month not over yet: not published, nothing stored.
        self.unpublished = 0

    def add(self, line: int, problem: str) -> None:
        """An error of the row on ``line``: 'line 3: ...'."""
        self.errors.add(line, _("line %(n)d: %(problem)s", n=line, problem=problem))

    def area(self, line: int, region: str) -> int | None:
        """The area id a region names; None (and counted as skipped) for any other place."""
        region = " ".join(region.split()) or self.region
        self.region = region
        if not region:
            self.add(line, _("the region is empty"))
            return None
        if region not in self.found:  # a long file names each region on many rows
            self.found[region] = self.match(region)
        if self.found[region] is None:
            self.data.skipped[region] += 1
        return self.found[region]

    def match(self, region: str) -> int | None:
        """The area id a region names, or None."""
        region = " ".join(region.split())
        for name in (region, _REGION_CODE.sub("", region)):
            for candidate in (name, _REGION_SUFFIX.sub("", name)):
                if (area := self.names.area(candidate)) is not None:
                    return area[0]
        return None

    def category(self, line: int, cell: str) -> str | None:
        """The category path of a cell: an indented label is a child of the one above."""
        if not cell.strip():
            if not self.stack:
                self.add(line, _("the crime category is empty"))
                return None
        elif len(parts := _SPLIT_PATH.split(cell.strip())) > 1:
            self.stack = [(i, part) for i, part in enumerate(parts)]
        else:
            indent = indent_of(cell)
            while self.stack and self.stack[-1][0] >= indent:
                self.stack.pop()
            if indent and not self.stack:
                label = cell.strip()
                self.add(line, _("'%(label)s' is indented with no parent above", label=label))
                return None
            self.stack.append((indent, " ".join(cell.split())))
        path = PATH_SEPARATOR.join(label for _indent, label in self.stack)
        if len(path) > CATEGORY_MAX:
            self.add(line, _("the category is longer than %(max)d characters", max=CATEGORY_MAX))
            return None
        if unsavable(path):
            self.add(line, control_characters("crime category"))
            return None
        return path

    def count(self, line: int, cell: str, column: str | None) -> tuple[bool, int | None]:
        """A cell's count (in ``column``, named when the row has several counts)."""
        count, problem = parse_count(cell)
        if problem:
            self.errors.add(
                line,
                _("line %(n)d, %(column)s: %(problem)s", n=line, column=column, problem=problem)
                if column
                else _("line %(n)d: %(problem)s", n=line, problem=problem),
            )
            return False, None
        return True, count

    def add_year(self, line: int, area_id: int, year: int, category: str, count: Any) -> None:
        if year >= self.today.year:
            if count is not None:
                self.add(line, unended_year(year, self.today))
            self.unpublished += count is None  # '..': not published yet, nothing to store
            return
        if self._repeated(line, ("y", area_id, year, category), _("year %(year)d", year=year)):
            return
        record = {"area_id": area_id, "year": year, "category": category, "count": count}
        self.data.yearly.append(record)

    def add_month(self, line: int, area_id: int, month: dt.date, category: str, count: Any) -> None:
        if problem := unended_month(month, self.today):
            if count is not None:
                self.add(line, problem)
            self.unpublished += count is None  # '..': a month not published yet
            return
        if self._repeated(line, ("m", area_id, month, category), month_text(month)):
            return
        self.data.monthly.append(
            {
                "area_id": area_id,
                "place_id": None,
                "month": month,
                "category": category,
                "count": count,
                "source": "csv",
            }
        )

    def _repeated(self, line: int, cell: tuple[Any, ...], when: str) -> bool:
        """Whether the cell (kind, area, when, category) came before, in any case."""
        key = (*cell[:3], cell[3].casefold())
        if key in self.seen:
            self.add(
                line,
                _(
                    "%(when)s, category '%(category)s' for this area is already on line %(first)d",
                    when=when,
                    category=cell[3],
                    first=self.seen[key],
                ),
            )
            return True
        self.seen[key] = line
        return False

"""Population margins read from a file: its rows, the checks across them, the margins.

The reading of the file's two shapes is in ``population``; here the rows it read are checked
as a whole (a total row against its parts, a row given twice, every age from the youngest
band up) and summed into the questionnaire's age bands. Every error names its line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import ImportErrors
from .population_values import TOTAL, AgeRange, Band, band_of, first_gap

#: The genders as the messages name them.
GENDER_NAMES = {"woman": _l("women"), "man": _l("men")}


@dataclass
class Row:
    """One data row of the file, read."""

    line: int
    region: str
    area: tuple[int, str, str]
    year: int
    age: AgeRange | str
    gender: str
    count: int


@dataclass
class PopulationImport:
    """What a file held: the margins per (area id, year), and what was left out."""

    margins: dict[tuple[int, int], dict[tuple[str, str], int]] = field(default_factory=dict)
    names: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: People in ages below the youngest band, left out.
    younger: int = 0
    shape: str = "simple"

    def summary(self, number: Callable[[int], str] = str) -> str:
        """One line per (area, year): its total.

        ``number`` writes the counts: plain digits by default, as the command line's other
        output (and scripts reading it) has them; a page passes its language's grouping.
        """
        parts = [
            _(
                "%(area)s %(year)d: %(count)s residents",
                area=self.names[area_id][1],
                year=year,
                count=number(sum(cells.values())),
            )
            for (area_id, year), cells in sorted(self.margins.items())
        ]
        text = "; ".join(parts)
        if self.younger:
            text += " " + _(
                "(%(count)s younger than the youngest age band left out)",
                count=number(self.younger),
            )
        return text


def check_totals(rows: list[Row], errors: ImportErrors) -> None:
    """Each total row must equal the sum of its parts; a part given twice is an error."""
    parts: dict[tuple[str, int, AgeRange | str, str], Row] = {}
    for row in rows:
        key = (row.region, row.year, row.age, row.gender)
        if key in parts:
            errors.add(
                row.line,
                _("line %(n)d: repeats line %(first)d", n=row.line, first=parts[key].line),
            )
        parts[key] = row
    details: dict[tuple[str, int], list[Row]] = {}
    for row in rows:
        if row.age != TOTAL and row.gender != TOTAL:
            details.setdefault((row.region, row.year), []).append(row)
    for row in rows:
        if row.age != TOTAL and row.gender != TOTAL:
            continue
        same = [
            r
            for r in details.get((row.region, row.year), [])
            if (row.age == TOTAL or r.age == row.age)
            and (row.gender == TOTAL or r.gender == row.gender)
        ]
        if same and sum(r.count for r in same) != row.count:
            errors.add(
                row.line,
                _(
                    "line %(n)d: the total %(total)d is not the sum of its parts (%(sum)d, lines"
                    " %(first)d-%(last)d)",
                    n=row.line,
                    total=row.count,
                    sum=sum(r.count for r in same),
                    first=same[0].line,
                    last=same[-1].line,
                ),
            )


def sum_into_bands(
    rows: list[Row], bands: list[Band], result: PopulationImport, errors: ImportErrors
) -> None:
    """Add the rows' ages into the questionnaire's bands; every band must be covered."""
    youngest = bands[0].low
    covered: dict[tuple[int, int, str], list[AgeRange]] = {}
    first_line: dict[tuple[int, int], int] = {}
    for row in rows:
        if isinstance(row.age, str) or row.gender == TOTAL:
            continue
        low, high = row.age
        area_id, slug, name = row.area
        result.names[area_id] = (slug, name)
        first_line.setdefault((area_id, row.year), row.line)
        if high < youngest:
            result.younger += row.count
            continue
        band = band_of(row.age, bands)
        if band is None or (row.gender == "other" and row.count == 0):
            # A range that fits no band was refused when read.
            continue
        cells = result.margins.setdefault((area_id, row.year), {})
        cells[(band.code, row.gender)] = cells.get((band.code, row.gender), 0) + row.count
        covered.setdefault((area_id, row.year, row.gender), []).append(row.age)
    for (area_id, year), line in first_line.items():
        name = result.names[area_id][1]
        for gender in ("woman", "man"):
            ages = sorted(covered.get((area_id, year, gender), []))
            gap = first_gap(ages, youngest)
            if gap is not None:
                errors.add(
                    line,
                    _(
                        "line %(n)d: %(area)s %(year)d: no count for %(gender)s aged %(ages)s"
                        " (every age from the youngest band up is needed)",
                        n=line,
                        area=name,
                        year=year,
                        gender=GENDER_NAMES[gender],
                        ages=gap,
                    ),
                )
        for band in bands:
            for gender in ("woman", "man"):
                if (band.code, gender) not in result.margins.get((area_id, year), {}):
                    errors.add(
                        line,
                        _(
                            "line %(n)d: %(area)s %(year)d: no count for %(gender)s %(band)s",
                            n=line,
                            area=name,
                            year=year,
                            gender=GENDER_NAMES[gender],
                            band=band.code,
                        ),
                    )

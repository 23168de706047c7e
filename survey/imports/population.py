"""Population margins in: a simple CSV or Statistics Sweden's own table export, all or nothing.

Two shapes, told apart by nothing but their headers (README, "Population margins"):
- the simple file ``area,gender,age_band,count`` (optionally ``year``), ``,`` or ``;``;
- Statistics Sweden's (SCB) export from the Statistikdatabasen, e.g. BE0101 "Folkmängden
  efter region, ålder och kön": a title line and a blank line before the header, Swedish
  headers (``region``, ``ålder``, ``kön``), one column per year holding the counts (or a
  year column and a count column), regions written ``0180 Stockholm``, single years of age
  (``16 år``, ``100+ år``) or five-year bands (``20-24 år``), ``män``/``kvinnor``, thousands
  separated by spaces, comma- or tab-separated, UTF-8 or Latin-1 (Windows-1252), footnotes
  after a blank line at the end.

Ages are summed into the live questionnaire's age bands; ages below the youngest band are
left out (the survey does not ask them) and counted. Total rows (``totalt ålder``, ``totalt``
for gender) are checked against their parts and not stored. Every error names its line; a
file with any error stores nothing. An imported file replaces the margins of each (area,
year) it holds, in the caller's transaction. The checks across rows and the summing into bands
are in ``population_rows``. Messages are in the current locale (gettext): the admin page's,
or the command's ``--lang``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence

from flask import has_request_context
from flask_babel import gettext as _
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from ..models import PopulationMargin
from ..questionnaire.model import Questionnaire
from ..services import audit
from . import ImportErrors, ImportRefused, decode_text
from .crime_rows import Names
from .population_rows import PopulationImport, Row, check_totals, sum_into_bands
from .population_values import (
    Band,
    age_text,
    band_of,
    parse_age,
    parse_count,
    parse_gender,
    questionnaire_bands,
)

#: What a header may be called, folded (lower case, no spaces): the simple file's names,
#: Statistics Sweden's Swedish ones and their English export's.
COLUMNS = {
    "area": {"area", "område", "omrade", "region", "distrikt", "stadsdelsområde"},
    "age": {"age_band", "ageband", "age", "ålder", "alder", "åldersgrupp"},
    "gender": {"gender", "kön", "kon", "sex"},
    "count": {"count", "population", "antal", "folkmängd", "folkmangd", "värde", "value"},
    "year": {"year", "år", "ar", "tid"},
}
#: A column named by a year (``2024``) or a year with a word (``Folkmängd 2024``).
YEAR_COLUMN = re.compile(r"^(?:[^\d]*\s)?((?:19|20)\d\d)(?:\s[^\d]*)?$")
#: A region written with its code first: '0180 Stockholm', '0180C1010 Bromma', '01 Stockholms län'.
REGION_CODE = re.compile(r"^[0-9]{2}[0-9A-Z]*\s+(.+)$")


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _fold(header: str) -> str:
    return " ".join(header.split()).casefold()


def _header(lines: Sequence[str]) -> tuple[int, str, list[str]]:
    """The header's index, delimiter and cells: the first line naming an area and an age."""
    for index, line in enumerate(lines[:30]):
        for delimiter in ("\t", ";", ","):
            cells = [_fold(cell) for cell in _split(line, delimiter)]
            if any(c in COLUMNS["area"] for c in cells) and any(c in COLUMNS["age"] for c in cells):
                return index, delimiter, cells
    raise ImportRefused(
        [
            _(
                "line 1: no header found: the first lines must name the columns, e.g."
                " area,gender,age_band,count (or Statistics Sweden's region, ålder, kön, year)"
            )
        ]
    )


def read_population(
    session: Session,
    raw: bytes,
    questionnaire: Questionnaire,
    year: int | None = None,
    area_slug: str | None = None,
) -> PopulationImport:
    """Read a margins file; ImportRefused lists every error (with its line) if any."""
    text = decode_text(raw)
    lines = text.splitlines()
    start, delimiter, header = _header(lines)
    errors = ImportErrors()
    roles: dict[str, int] = {}
    year_columns: dict[int, int] = {}
    for position, name in enumerate(header):
        role = next((r for r, names in COLUMNS.items() if name in names), None)
        if role is None and (match := YEAR_COLUMN.match(name)):
            year_columns[position] = int(match[1])
        elif role is None or role in roles:
            if role:
                message = _(
                    "line %(n)d: column %(name)s is repeated: the columns are area (region),"
                    " gender (kön), age_band (ålder), count or one column per year, and year",
                    n=start + 1,
                    name=repr(name),
                )
            else:
                message = _(
                    "line %(n)d: column %(name)s is unknown: the columns are area (region),"
                    " gender (kön), age_band (ålder), count or one column per year, and year",
                    n=start + 1,
                    name=repr(name),
                )
            errors.add(start + 1, message)
        else:
            roles[role] = position
    for role in ("area", "age", "gender"):
        if role not in roles:
            errors.add(start + 1, _("line %(n)d: no %(role)s column", n=start + 1, role=role))
    if "count" not in roles and not year_columns:
        errors.add(start + 1, _("line %(n)d: no count column and no column per year", n=start + 1))
    if "count" in roles and year_columns:
        errors.add(
            start + 1, _("line %(n)d: a count column and year columns: give one", n=start + 1)
        )
    if "count" in roles and "year" not in roles and year is None:
        errors.add(start + 1, _("line %(n)d: no year column: give the year (--year)", n=start + 1))
    if year is not None and year_columns:
        year_columns = {p: y for p, y in year_columns.items() if y == year}
        if not year_columns:
            errors.add(
                start + 1, _("line %(n)d: no column for the year %(year)d", n=start + 1, year=year)
            )
    errors.refuse()
    swedish = {"region", "ålder", "kön"} & set(header)
    result = PopulationImport(shape="scb" if year_columns or start > 0 or swedish else "simple")
    names = Names(session)
    bands = questionnaire_bands(questionnaire)
    forced = names.area(area_slug) if area_slug else None
    if area_slug and forced is None:
        raise ImportRefused([_("There is no area “%(slug)s”.", slug=area_slug)])
    rows: list[Row] = []
    ended_at: int | None = None
    for index in range(start + 1, len(lines)):
        number = index + 1
        cells = _split(lines[index], delimiter)
        if not any(cell.strip() for cell in cells):
            if rows:
                ended_at = ended_at or number
            continue
        if ended_at is not None:
            if len(cells) >= len(header):
                errors.add(
                    number,
                    _("line %(n)d: data after the blank line %(blank)d", n=number, blank=ended_at),
                )
            continue  # a footnote after the table
        if len(cells) != len(header):
            errors.add(
                number,
                _(
                    "line %(n)d: %(cells)d cells, the header has %(columns)d",
                    n=number,
                    cells=len(cells),
                    columns=len(header),
                ),
            )
            continue
        rows += _read_row(number, cells, roles, year_columns, year, names, forced, bands, errors)
    if not rows and not errors.found:
        errors.add(start + 2, _("line %(n)d: the file has no rows of counts", n=start + 2))
    errors.refuse()
    check_totals(rows, errors)
    errors.refuse()
    sum_into_bands(rows, bands, result, errors)
    errors.refuse()
    return result


def _read_row(
    number: int,
    cells: list[str],
    roles: dict[str, int],
    year_columns: dict[int, int],
    year: int | None,
    names: Names,
    forced: tuple[int, str, str] | None,
    bands: list[Band],
    errors: ImportErrors,
) -> list[Row]:
    region = cells[roles["area"]].strip()
    area = forced or names.area(region)
    if area is None and (match := REGION_CODE.match(region)):
        area = names.area(match[1])
    failed = False
    if area is None:
        # The way to name the file's one area: the command line's --area, the page's field.
        unknown = (
            _(
                "line %(n)d: unknown area %(region)s: known are %(known)s (add it as another"
                " name of an area, or choose the area the whole file is for under Area)",
                n=number,
                region=repr(region),
                known=names.known,
            )
            if has_request_context()
            else _(
                "line %(n)d: unknown area %(region)s: known are %(known)s (add it as another"
                " name of an area, or import with --area)",
                n=number,
                region=repr(region),
                known=names.known,
            )
        )
        errors.add(number, unknown)
        failed = True
    age = parse_age(cells[roles["age"]])
    if age is None:
        written = repr(cells[roles["age"]].strip())
        errors.add(number, _("line %(n)d: age %(age)s is not an age", n=number, age=written))
        failed = True
    elif isinstance(age, tuple) and band_of(age, bands) is None and age[1] >= bands[0].low:
        within = ", ".join(band.code for band in bands)
        errors.add(
            number,
            _(
                "line %(n)d: ages %(ages)s do not fit in one of the questionnaire's age bands"
                " (%(bands)s): export single years of age",
                n=number,
                ages=age_text(age),
                bands=within,
            ),
        )
        failed = True
    gender = parse_gender(cells[roles["gender"]])
    if gender is None:
        errors.add(
            number,
            _(
                "line %(n)d: gender %(gender)s is not woman/man (kvinnor/män) or a total",
                n=number,
                gender=repr(cells[roles["gender"]].strip()),
            ),
        )
        failed = True
    counts: list[tuple[int, str]] = []
    if year_columns:
        counts = [(y, cells[position]) for position, y in year_columns.items()]
    else:
        row_year: int | None = year
        if "year" in roles:
            written = cells[roles["year"]].strip()
            row_year = int(written) if re.fullmatch(r"(19|20)\d\d", written) else None
            if row_year is None:
                errors.add(
                    number,
                    _("line %(n)d: year %(year)s is not a year", n=number, year=repr(written)),
                )
                failed = True
        counts = [(row_year or 0, cells[roles["count"]])]
    read = []
    for row_year, written in counts:
        count = parse_count(written)
        if count is None:
            errors.add(
                number,
                _(
                    "line %(n)d: count %(count)s is not a whole number",
                    n=number,
                    count=repr(written.strip()),
                ),
            )
            failed = True
        elif count < 0:
            errors.add(number, _("line %(n)d: count %(count)d is negative", n=number, count=count))
            failed = True
        elif area is not None and age is not None and gender is not None:
            read.append(Row(number, region, area, row_year, age, gender, count))
    return [] if failed else read


def store_margins(
    session: Session, imported: PopulationImport, filename: str | None = None
) -> None:
    """Replace the margins of every (area, year) the file holds, and audit each."""
    for (area_id, year), cells in sorted(imported.margins.items()):
        session.execute(
            delete(PopulationMargin).where(
                PopulationMargin.area_id == area_id, PopulationMargin.year == year
            )
        )
        session.execute(
            insert(PopulationMargin),
            [
                {"area_id": area_id, "year": year, "age_band": a, "gender": g, "population": p}
                for (a, g), p in sorted(cells.items())
            ],
        )
        audit.record(
            session,
            "population.import",
            None,
            {
                "area": imported.names[area_id][0],
                "year": year,
                "population": sum(cells.values()),
                "format": imported.shape,
                "filename": filename,
            },
        )
    session.flush()


def import_population(
    session: Session,
    raw: bytes,
    questionnaire: Questionnaire,
    year: int | None = None,
    area_slug: str | None = None,
    filename: str | None = None,
) -> PopulationImport:
    """Read a margins file and replace the margins it holds (ImportRefused: nothing stored)."""
    imported = read_population(session, raw, questionnaire, year, area_slug)
    store_margins(session, imported, filename)
    return imported

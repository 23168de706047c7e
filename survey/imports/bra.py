"""Brå's crime statistics in the shapes Brå publishes them (DESIGN §6).

- ``bra-open``: the open per-municipality file, ``Kommun;Antal;Per 100 000 inv.``, one file
  per year with the year only in its name (the 2021 file has no header row). Yearly.
- ``bra-db``: an export from Brå's statistics database: Swedish headers, a region column and a
  crime column, and the figures as years in columns (``Brottskategori;Region;2022;2023``),
  as a year column (``Region;Brott;År;Antal``) or as a month column (``Region;Brott;Månad;Antal``).
- ``bra-months``: a table with the months in columns (``Region;Brott;Januari;...`` with the
  year from a ``År`` column, --year or the file name; or ``Region;Brott;2024M01;2024M02``).

Crime categories are hierarchical: a deeper indented label is a child of the one above, and a
leaf label may repeat under different parents ("i bostad"), so the stored category keeps the
parent path: "Stöldbrott › Inbrottsstöld › i bostad". An empty region or category cell repeats
the one above (as a spreadsheet export leaves them). Rows for places that are no area are
skipped and counted, never errors. Counts may be ``2483.0``, ``1 234``, ``..`` (suppressed:
missing; for a month or year not over, not published yet) or ``-`` (0); with months in columns
an empty cell is ``..`` but in an unpublished month or a heading row (see _read_months)."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _

from . import ImportRefused
from .bra_months import fold, month_like, month_of
from .bra_reader import PATH_SEPARATOR, BraData, Reader
from .bra_rows import header_at, headings, note, region_heading, rows_of
from .crime_rows import SUPPRESSED, Names, fitted, nothing_below, parse_count, quoted, rate_error
from .crime_years import GivenYear, option_name, shape_name, year_from, year_needed

__all__ = ["PATH_SEPARATOR", "SHAPES", "BraData", "guess_shape", "read_bra"]

SHAPES = ("bra-open", "bra-db", "bra-months")


def known_shapes() -> str:
    """The shapes known, as a refusal of an unknown file lists them (in its language, each
    with its name as the command's --format or the page's Format list has it)."""
    return "; ".join(
        [
            f"month;area;category;count ({shape_name('csv')})",
            _(
                "%(header)s with or without the header row (%(format)s)",
                header="Kommun;Antal;Per 100 000 inv.",
                format=shape_name("bra-open"),
            ),
            _(
                "%(first)s, %(second)s or %(third)s (%(format)s)",
                first="Brottskategori;Region;2022;2023",
                second="Region;Brott;År;Antal",
                third="Region;Brott;Månad;Antal",
                format=shape_name("bra-db"),
            ),
            _(
                "%(first)s or %(second)s (%(format)s)",
                first="Region;Brott;Januari;Februari;...",
                second="Region;Brott;2024M01;2024M02;...",
                format=shape_name("bra-months"),
            ),
        ]
    )


_REGION = {"region", "kommun", "stadsdel", "stadsdelsområde", "område", "län", "lokalpolisområde"}
_CRIME = {"brott", "brottskategori", "brottstyp", "brottsområde", "kategori"}
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def detect_shape(header: list[str]) -> str | None:
    """The Brå shape a header row (or first row) has, or None."""
    # Empty cells at the end are no columns: a ';' ending every row (Excel) adds one.
    while header and not header[-1].strip():
        header = header[:-1]
    folded = [fold(c) for c in header]
    if folded[:2] == ["kommun", "antal"]:
        return "bra-open"
    has_region = any(c in _REGION for c in folded)
    has_crime = any(c in _CRIME for c in folded)
    if has_region and has_crime:
        if "antal" in folded and ("år" in folded or "månad" in folded):
            return "bra-db"
        if any(_YEAR.fullmatch(c) for c in folded):
            return "bra-db"
        if any(month_of(c) for c in folded):
            return "bra-months"
    # The open file without its header (2021): a name, a count, a rate.
    if 2 <= len(folded) <= 3 and folded[0] and parse_count(header[1])[1] is None:
        if not any(ch.isdigit() for ch in folded[0]):
            return "bra-open"
    return None


def guess_shape(lines: list[str]) -> str | None:
    """The Brå shape of a file from its header (title lines skipped), or None."""
    try:
        rows, _separator = rows_of(lines)
    except ImportRefused:
        return None
    return detect_shape(rows[header_at(rows)][1]) if rows else None


def read_bra(
    lines: list[str],
    names: Names,
    today: dt.date,
    origin: str,
    shape: str | None = None,
    year: int | None = None,
) -> BraData:
    """Check a whole Brå file; return its counts or raise ImportRefused listing its errors."""
    rows, _separator = rows_of(lines) if any(line.strip() for line in lines) else ([], ";")
    if not rows:
        raise ImportRefused([_("line 1: the file is empty")])
    start = header_at(rows)
    rows = rows[start:]
    found = detect_shape(rows[0][1])
    if found is None or (shape is not None and found != shape):
        raise ImportRefused(
            [
                _(
                    "line %(n)d: the header is not that of a %(format)s file; the shapes known"
                    " are: %(shapes)s",
                    n=rows[0][0],
                    format=shape_name(shape),
                    shapes=known_shapes(),
                )
                if shape
                else _(
                    "line %(n)d: the header is not that of a crime file; the shapes known are:"
                    " %(shapes)s",
                    n=rows[0][0],
                    shapes=known_shapes(),
                )
            ]
        )
    data = BraData(found)
    reader = Reader(names, today, data)
    # Notes below the figures ('Källa: Brå'): one filled cell, the first, naming no area.
    while len(rows) > 1 and note(rows[-1][1]) and reader.match(rows[-1][1][0]) is None:
        rows.pop()
    if found == "bra-open":
        _read_open(rows, reader, year_from(origin, year))
    elif found == "bra-db":
        _read_db(rows, reader)
    else:
        _read_months(rows, reader, year_from(origin, year))
    reader.errors.refuse()
    if not data.monthly and not data.yearly and not data.skipped:
        raise ImportRefused([nothing_below(rows[0][0] + 1, reader.unpublished)])
    return data


def _read_open(rows: list[tuple[int, list[str]]], reader: Reader, given: GivenYear | None) -> None:
    year = year_needed(given)
    width = 3  # Kommun;Antal;Per 100 000 inv.
    if fold(rows[0][1][0]) == "kommun":
        # A header with more columns (a change from last year, say) is read up to its width.
        width = max(width, len(rows[0][1]))
        rows = rows[1:]
    for line, cells in rows:
        cells = fitted(reader.errors, line, cells, width)[0]
        problem = rate_error(cells[2])
        if problem:
            reader.add(line, problem)
        ok, count = reader.count(line, cells[1], None)
        area_id = reader.area(line, cells[0])
        if ok and area_id is not None and not problem:
            reader.add_year(line, area_id, year, "Samtliga brott", count)


def _columns(header: list[str]) -> tuple[int, int]:
    folded = [fold(c) for c in header]
    region = next(i for i, c in enumerate(folded) if c in _REGION)
    crime = next(i for i, c in enumerate(folded) if c in _CRIME)
    return region, crime


def _read_db(rows: list[tuple[int, list[str]]], reader: Reader) -> None:
    header = rows[0][1]
    folded = [fold(c) for c in header]
    region, crime = _columns(header)
    years = {i: int(c) for i, c in enumerate(folded) if _YEAR.fullmatch(c)}
    long_by = "år" if "år" in folded else "månad" if "månad" in folded else None
    for line, cells in rows[1:]:
        cells = fitted(reader.errors, line, cells, len(header))[0]
        if region_heading(reader, cells, (region, crime), line == rows[-1][0]):
            continue
        area_id = reader.area(line, cells[region])
        category = reader.category(line, cells[crime])
        if long_by is None:
            for i, year in years.items():
                ok, count = reader.count(line, cells[i], header[i].strip())
                if ok and area_id is not None and category is not None:
                    reader.add_year(line, area_id, year, category, count)
            continue
        when = cells[folded.index(long_by)].strip()
        ok, count = reader.count(line, cells[folded.index("antal")], None)
        if long_by == "år":
            if not _YEAR.fullmatch(when):
                reader.add(line, _("the year '%(value)s' is not a year", value=when))
            elif ok and area_id is not None and category is not None:
                reader.add_year(line, area_id, int(when), category, count)
            continue
        month = month_of(when)
        if month is None or month[0] is None:
            reader.add(
                line,
                _("the month '%(value)s' is not a month (as in 2024M01 or 2024-01)", value=when),
            )
        elif ok and area_id is not None and category is not None:
            reader.add_month(line, area_id, dt.date(month[0], month[1], 1), category, count)


def _row_year(cells: list[str], year_column: int | None, given: GivenYear | None) -> int | None:
    """The year of a row of months: its År cell (None when that is no year), else the given."""
    if year_column is None:
        return given.year if given else None
    text = cells[year_column].strip() if year_column < len(cells) else ""
    return int(text) if _YEAR.fullmatch(text) else None


def _source(by_column: bool, given: GivenYear | None) -> str:
    """What gave a row's year, as a message names it: the year column, --year (the upload's
    Year field) or the file name."""
    if by_column:
        return _("the year column")
    return option_name("year") if given is None or given.by_option else _("the file name")


def _read_months(
    rows: list[tuple[int, list[str]]], reader: Reader, given: GivenYear | None
) -> None:
    header = rows[0][1]
    folded = [fold(c) for c in header]
    region, crime = _columns(header)
    year_column = folded.index("år") if "år" in folded else None
    months = {i: m for i, c in enumerate(folded) if (m := month_of(c)) is not None}
    known = {*months, region, crime, year_column}
    # Written like a month but none (2024M13, "Marz 2024"): its counts would be lost.
    if wrong := [c.strip() for i, c in enumerate(header) if i not in known and month_like(c)]:
        raise ImportRefused(
            [
                _(
                    "line %(n)d: the column '%(column)s' is not a month",
                    n=rows[0][0],
                    column=quoted(wrong[0]),
                )
            ]
        )
    # The months with a figure on some row, by (year, column): the others are not published.
    published = {
        (months[i][0] or _row_year(cells, year_column, given), i)
        for _line, cells in rows[1:]
        for i in months
        if i < len(cells) and cells[i].strip()
    }
    heads = headings([cells[crime] if crime < len(cells) else "" for _l, cells in rows[1:]])
    for k, (line, cells) in enumerate(rows[1:]):
        cells = fitted(reader.errors, line, cells, len(header))[0]
        if region_heading(reader, cells, (region, crime), line == rows[-1][0]):
            continue
        area_id = reader.area(line, cells[region])
        category = reader.category(line, cells[crime])
        if k in heads and not any(cells[i].strip() for i in months):
            continue  # no figure at all: a heading, a parent category
        row_year = _row_year(cells, year_column, given)
        if year_column is not None:
            text = cells[year_column].strip()
            if row_year is None:
                reader.add(line, _("the year '%(value)s' is not a year", value=text))
                continue
            if given is not None and row_year != given.year:
                reader.add(
                    line,
                    _(
                        "the year column says %(year)d, but %(source)s says %(given)d",
                        year=row_year,
                        source=_source(False, given),
                        given=given.year,
                    ),
                )
                continue
        said = _source(year_column is not None, given)
        for i, (month_year, month) in months.items():
            # An empty cell: in a month empty on every row of its year, not published (skipped);
            # else '..' (missing), never 0, which the other rows' figures would make it.
            filled = bool(cells[i].strip())
            if not filled and (month_year or row_year, i) not in published:
                continue
            if month_year and row_year and month_year != row_year:
                if filled:
                    reader.add(
                        line,
                        _(
                            "the column %(column)s is of %(year)d, but %(source)s says %(given)d",
                            column=header[i].strip(),
                            year=month_year,
                            source=said,
                            given=row_year,
                        ),
                    )
                continue
            cell = cells[i] if filled else SUPPRESSED
            ok, count = reader.count(line, cell, header[i].strip())
            in_year = month_year or row_year
            if in_year is None:
                raise ImportRefused(
                    [
                        _(
                            "the months have no year: add a column %(column)s, put the year in"
                            " the file name or give it with %(option)s",
                            column="År",
                            option=option_name("year"),
                        )
                    ]
                )
            if ok and area_id is not None and category is not None:
                reader.add_month(line, area_id, dt.date(in_year, month, 1), category, count)

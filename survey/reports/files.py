"""CSV and XLSX writing shared by every export: situation pictures, answers and dialogues.

Two rules hold for every file a spreadsheet may open (OWASP "CSV injection"):
- CSV text starting with ``= + - @``, tab or CR gets a leading apostrophe (``neutralise``,
  survey/reports/formulas.py), and ``restore`` undoes exactly that, so an exported file
  imports back unchanged.
- XLSX text is always a string cell (data type ``s``), never a formula, whatever it starts
  with; the value itself is kept as it is.
CSV files start with a UTF-8 byte-order mark, which Excel needs to read å, ä and ö right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .formulas import neutralise
from .tables import tables

#: The UTF-8 byte-order mark, as text: the first character of every CSV file we write.
BOM = "\ufeff"
#: Rows per sheet in Excel (the header included); longer tables go on to another sheet.
XLSX_MAX_ROWS = 1_048_576
#: CSV rows written per chunk when streaming (a chunk is a few hundred kB at most).
CSV_CHUNK_ROWS = 500


def _csv_cells(row: Sequence[Any]) -> list[Any]:
    return ["" if value is None else neutralise(value) for value in row]


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A CSV file as text chunks: the BOM and header first, then rows a few hundred at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(_csv_cells(row))
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_workbook() -> Workbook:
    """A write-only workbook: rows go to a temporary file as they come, not into memory."""
    return Workbook(write_only=True)


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        # XML cannot hold most control characters; openpyxl would refuse the whole file.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith("="):
        return value  # openpyxl stores any other text as a string cell already
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # a string cell, not the formula openpyxl would make of it
    return cell


def _new_sheet(workbook: Workbook, title: str, header: Sequence[str]) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title=title[:31])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(name) + 2)
    sheet.freeze_panes = "A2"
    sheet.append(list(header))
    return sheet


def xlsx_sheet(
    workbook: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Append a table as a sheet (more sheets, "title 2"..., past Excel's row limit)."""
    sheet = _new_sheet(workbook, title, header)
    used, part, count = 1, 1, 0
    for row in rows:
        if used == XLSX_MAX_ROWS:
            part += 1
            suffix = f" {part}"
            sheet = _new_sheet(workbook, title[: 31 - len(suffix)] + suffix, header)
            used = 1
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        used += 1
        count += 1
    return count


def merged_tables(pictures: list[dict[str, Any]]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The tables of every picture, rows of the same table put together."""
    merged: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for picture in pictures:
        for name, header, rows in tables(picture):
            merged.setdefault(name, (header, []))[1].extend(rows)
    return [(name, header, rows) for name, (header, rows) in merged.items()]


def write_csv(pictures: list[dict[str, Any]], stream: IO[str]) -> None:
    """Every table in turn: a line naming it, its header and rows, then an empty line."""
    stream.write(BOM)
    writer = csv.writer(stream)
    for name, header, rows in merged_tables(pictures):
        writer.writerow(["table", name])
        writer.writerow(header)
        for row in rows:
            writer.writerow(_csv_cells(row))
        writer.writerow([])


def write_xlsx(pictures: list[dict[str, Any]], stream: IO[bytes]) -> None:
    """One sheet per table; text stays text (never a formula)."""
    workbook = xlsx_workbook()
    for name, header, rows in merged_tables(pictures):
        xlsx_sheet(workbook, name, header, rows)
    workbook.save(stream)

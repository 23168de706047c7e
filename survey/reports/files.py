"""CSV and XLSX writers for one or more situation pictures."""

from __future__ import annotations

import csv
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .tables import tables

#: Text cells starting with these would run as formulas in a spreadsheet (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def merged_tables(pictures: list[dict[str, Any]]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The tables of every picture, rows of the same table put together."""
    merged: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for picture in pictures:
        for name, header, rows in tables(picture):
            merged.setdefault(name, (header, []))[1].extend(rows)
    return [(name, header, rows) for name, (header, rows) in merged.items()]


def write_csv(pictures: list[dict[str, Any]], stream: IO[str]) -> None:
    """Every table in turn: a line naming it, its header and rows, then an empty line."""
    writer = csv.writer(stream)
    for name, header, rows in merged_tables(pictures):
        writer.writerow(["table", name])
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else neutralise(v) for v in row])
        writer.writerow([])


def write_xlsx(pictures: list[dict[str, Any]], stream: IO[bytes]) -> None:
    """One sheet per table; text stays text (never a formula)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, header, rows in merged_tables(pictures):
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a string cell even if it looks like a formula
        for index, title in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, len(title) + 2)
        sheet.freeze_panes = "A2"
    workbook.save(stream)

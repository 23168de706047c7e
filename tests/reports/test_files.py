"""The CSV and XLSX helpers every export shares: neutralising, restoring, sheets, chunks."""

import csv
import io

import pytest
from openpyxl import load_workbook

from survey.reports import files, formulas

TEXTS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x", "'plain", "a=b", "", "ok"]


@pytest.mark.parametrize("value", TEXTS)
def test_restore_undoes_neutralise(value):
    assert formulas.restore(formulas.neutralise(value)) == value


def test_neutralise_marks_only_formula_like_text():
    assert [formulas.neutralise(v) for v in TEXTS] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "''=x",
        "'''-x",
        "'plain",
        "a=b",
        "",
        "ok",
    ]
    assert formulas.neutralise(-1) == -1  # numbers are numbers, not text


def test_csv_chunks_stream_the_rows(monkeypatch):
    monkeypatch.setattr(files, "CSV_CHUNK_ROWS", 2)
    chunks = list(files.csv_chunks(["a", "b"], ([i, "=x"] for i in range(5))))
    assert len(chunks) == 3
    assert chunks[0].startswith(files.BOM + "a,b\r\n")
    rows = list(csv.reader(io.StringIO("".join(chunks).removeprefix(files.BOM))))
    assert rows[1:] == [[str(i), "'=x"] for i in range(5)]


def test_a_long_table_goes_on_over_several_sheets(monkeypatch):
    monkeypatch.setattr(files, "XLSX_MAX_ROWS", 3)
    workbook = files.xlsx_workbook()
    assert (
        files.xlsx_sheet(workbook, "responses", ["n", "text"], ([i, "=x"] for i in range(5))) == 5
    )
    out = io.BytesIO()
    workbook.save(out)
    book = load_workbook(out)
    assert book.sheetnames == ["responses", "responses 2", "responses 3"]
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert rows.count(("n", "text")) == 3
    assert [r for r in rows if r != ("n", "text")] == [(i, "=x") for i in range(5)]
    assert all(c.data_type == "s" for s in book.worksheets for c in s["B"])

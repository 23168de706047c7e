"""Brå's files as users have them after a spreadsheet: trailing separators and the like."""

import pytest

from .test_bra import DATA, yearly
from .test_crime import import_file, write

OPEN_2021 = (DATA / "anmalda_brott_kommuner_2021.csv").read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("name", ["anmalda_brott_kommuner_2021.csv", "kommuner.csv"])
def test_the_headerless_open_csv_with_a_separator_ending_each_row(app, cli, tmp_path, name):
    """Brå's 2021 file (no header row, BOM, CRLF) with a ';' ending every row imports like
    the same file without it: an empty last cell on every row is no data."""
    plain = write(tmp_path, "\ufeff" + OPEN_2021, "plain_2021.csv")
    ended = "\ufeff" + OPEN_2021.replace("\r\n", ";\r\n")
    assert ended.count(";\r\n") == 4
    options = () if "2021" in name else ("--year", "2021")
    result = import_file(cli, plain, *options)
    assert result.exit_code == 0, result.stderr
    expected = yearly(app)
    assert expected == [("ekero", 2021, "Samtliga brott", 1310)]
    result = import_file(cli, write(tmp_path, ended, name), *options)
    assert result.exit_code == 0, result.stderr
    assert "skipped 3 rows outside every area" in result.stdout
    assert yearly(app) == expected

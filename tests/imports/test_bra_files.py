"""Brå's files as users have them after a spreadsheet: trailing separators and the like."""

import pytest

from survey.imports.crime_rows import parse_count

from .test_bra import DATA, yearly
from .test_crime import import_file, stored, write

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


CSV_HEADER = "month;area;category;count\r\n"


@pytest.mark.parametrize(
    ("count", "problem"),
    [
        ("1.000", "count '1.000' may be 1 or 1 000: write 1, or 1 000"),
        ("12,000", "count '12,000' may be 12 or 12 000: write 12, or 12 000"),
    ],
)
def test_a_count_with_three_zero_decimals_is_refused_as_ambiguous(
    app, cli, tmp_path, count, problem
):
    """'1.000' was stored as 1: English and German spreadsheets group thousands that way."""
    first = write(tmp_path, CSV_HEADER + "2025-01;Ekerö;Rån;3\r\n", "a.csv")
    assert import_file(cli, first).exit_code == 0
    before = stored(app)
    content = CSV_HEADER + f"2025-01;Ekerö;Rån;4\r\n2025-02;Ekerö;Rån;{count}\r\n"
    result = import_file(cli, write(tmp_path, content, "b.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"line 3: {problem}"
    assert stored(app) == before


@pytest.mark.parametrize("text", ["2483.0", "2 483,00", "0.000", "2483.000"])
def test_whole_counts_written_with_decimals_are_still_read(text):
    assert parse_count(text) == (int(text.replace(" ", "").replace(",", ".").split(".")[0]), None)


def test_a_thin_space_groups_thousands_like_a_space(app, cli, tmp_path):
    content = CSV_HEADER + "2025-01;Ekerö;Rån;1\u2009234\r\n2025-02;Ekerö;Rån;1\u202f234\r\n"
    result = import_file(cli, write(tmp_path, content))
    assert result.exit_code == 0, result.stderr
    assert [row[4] for row in stored(app)] == [1234, 1234]


@pytest.mark.parametrize("label", ["R\u202ean", "R\x01n", "Stöld\u200b"])
def test_a_bra_category_with_control_characters_is_refused(app, cli, tmp_path, label):
    """As in a CSV: a direction override would turn the rest of the page's line around."""
    content = f"Region;Brott;2022;2023\r\nEkerö;Stöld;3;4\r\nEkerö;{label};3;4\r\n"
    result = import_file(cli, write(tmp_path, content))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "line 3: the crime category holds control or invisible characters that cannot be stored"
    )
    assert yearly(app) == []


def test_a_yearly_category_in_another_case_replaces_the_earlier_spelling(app, cli, tmp_path):
    header = "Region;Brott;2022;2023\r\n"
    first = write(tmp_path, header + "Ekerö;stöldbrott;3;4\r\n", "a.csv")
    assert import_file(cli, first).exit_code == 0
    result = import_file(cli, write(tmp_path, header + "Ekerö;Stöldbrott;5;..\r\n", "b.csv"))
    assert result.exit_code == 0, result.stderr
    assert yearly(app) == [
        ("ekero", 2022, "Stöldbrott", 5),
        ("ekero", 2023, "Stöldbrott", None),
    ]
    assert cli("import", "undo-crime", "--yes").exit_code == 0
    assert yearly(app) == [("ekero", 2022, "stöldbrott", 3), ("ekero", 2023, "stöldbrott", 4)]


def test_a_region_given_twice_names_the_category_as_written(app, cli, tmp_path):
    content = (
        "\ufeffKommun;Antal;Per 100 000 inv.\r\nEkerö;1 310.0;4 270,2\r\n"
        "0125 Ekerö kommun;7;1,0\r\n"
    )
    result = import_file(cli, write(tmp_path, content, "anmalda_brott_kommuner_2023.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "line 3: year 2023, category 'Samtliga brott' for this area is already on line 2"
    )
    assert yearly(app) == []


def test_abbreviated_month_columns_are_months_not_dropped(app, cli, tmp_path):
    """'Feb' and 'Mar' beside 'Januari' were no months: their counts were silently lost."""
    content = "Region;Brott;Januari;Feb;Mar;apr.;Sept\r\nEkerö;Rån;1;2;3;4;5\r\n"
    result = import_file(cli, write(tmp_path, content, "manader_2024.csv"))
    assert result.exit_code == 0, result.stderr
    assert [(row[2], row[4]) for row in stored(app)] == [
        ("2024-01", 1),
        ("2024-02", 2),
        ("2024-03", 3),
        ("2024-04", 4),
        ("2024-09", 5),
    ]


def test_a_misspelt_month_column_without_a_year_is_refused(app, cli, tmp_path):
    content = "Region;Brott;Januari;Febuari\r\nEkerö;Rån;1;2\r\n"
    result = import_file(cli, write(tmp_path, content, "manader_2024.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "line 1: the column 'Febuari' is not a month"
    assert stored(app) == []


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("Kommun;Antal;Per 100 000 inv.\r\nEkerö;5;1,0\r\n\r\nKälla: Brå\r\n", "k_2023.csv"),
        ("Region;Brott;År;Antal\r\nEkerö;Stöld;2023;5\r\nFotnot: .. = uppgift saknas\r\n", "d.csv"),
    ],
)
def test_notes_below_the_figures_are_no_rows(app, cli, tmp_path, content, name):
    result = import_file(cli, write(tmp_path, content, name))
    assert result.exit_code == 0, result.stderr
    assert len(yearly(app)) == 1
    assert "skipped" not in result.stdout


def test_a_last_row_naming_an_area_without_figures_is_still_an_error(app, cli, tmp_path):
    content = "Region;Brott;År;Antal\r\nEkerö;Stöld;2023;5\r\nBromma\r\n"
    result = import_file(cli, write(tmp_path, content))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("line 3: ")
    assert yearly(app) == []


def test_an_open_csv_with_a_column_more_in_its_header_imports(app, cli, tmp_path):
    """A header with a fourth column (a change from last year) is read up to its width; a
    row longer than the header is still refused."""
    text = "\ufeffKommun;Antal;Per 100 000 inv.;Förändring\r\nEkerö;1 234;3 991,0;+3 %\r\n"
    result = import_file(cli, write(tmp_path, text, "kommuner_2023.csv"))
    assert result.exit_code == 0, result.stderr
    assert yearly(app) == [("ekero", 2023, "Samtliga brott", 1234)]
    longer = text.replace("+3 %", "+3 %;9")
    result = import_file(cli, write(tmp_path, longer, "kommuner_2022.csv"))
    assert result.exit_code != 0
    assert "5 cells, but the file has 4 columns" in result.stderr

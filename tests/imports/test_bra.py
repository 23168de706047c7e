"""Brå's files as Brå publishes them: the open CSV, database exports, months in columns.

The files under data/bra/ are shaped like Brå's; their figures are invented (see its README).
"""

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.imports.crime_rows import normalise, parse_count
from survey.models import Area, AuditEvent
from survey.models.crime import CrimeCoverage, CrimeYearCount
from survey.models.places import AreaAlias

from .test_crime import import_file, stored

DATA = Path(__file__).parent / "data" / "bra"


def yearly(app):
    """Every stored yearly count as (area slug, year, category, count)."""
    with app.app_context():
        rows = db.session.execute(
            select(Area.slug, CrimeYearCount.year, CrimeYearCount.category, CrimeYearCount.count)
            .join(Area, Area.id == CrimeYearCount.area_id)
            .order_by(Area.slug, CrimeYearCount.category, CrimeYearCount.year)
        ).all()
    return [(a, y, c, n) for a, y, c, n in rows]


def last_audit(app):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent.details)
            .where(AuditEvent.action == "crime.import")
            .order_by(AuditEvent.id.desc())
        ).first()


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("2483.0", 2483),
        ("1 234.0", 1234),
        ("12,0", 12),
        ("..", None),
        ("-", 0),
        ("1\u00a0234", 1234),
    ],
)
def test_bra_counts_as_brå_writes_them(text, count):
    assert parse_count(text) == (count, None)


def test_a_count_with_a_real_fraction_is_still_refused():
    assert parse_count("2483.5") == (None, "count '2483.5' is not a whole number")


def test_the_open_municipality_csv_imports_with_the_year_from_its_name(app, cli):
    path = DATA / "anmalda_brott_kommuner_2023.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfKommun;Antal;Per 100 000 inv.\r\n")
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"imported 1 yearly count (1 year, 1 area) from {path}",
        "skipped 3 rows outside every area (by region): Danderyd 1, Stockholm 1, Upplands-Bro 1",
    ]
    assert yearly(app) == [("ekero", 2023, "Samtliga brott", 1234)]
    assert stored(app) == []  # never monthly counts
    details = last_audit(app)
    assert details["source"] == "bra-open"
    assert (details["yearly"], details["years"], details["skipped"]) == (1, ["2023"], 3)
    with app.app_context():  # a year is no covered month: it never makes a month's 0
        assert db.session.scalars(select(CrimeCoverage)).all() == []


def test_an_alias_naming_the_districts_own_municipality_takes_no_row(app, cli):
    # Stored by an earlier version (add_alias refuses it now): Stockholm's row counted for
    # Bromma, a district of it.
    assert cli("area", "district", "bromma", "Stockholm").exit_code == 0
    with app.app_context():
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        db.session.add(AreaAlias(area=bromma, name="Stockholm", key=normalise("Stockholm")))
        db.session.commit()
    result = import_file(cli, DATA / "anmalda_brott_kommuner_2023.csv")
    assert result.exit_code == 0, result.stderr
    assert "Stockholm 1" in result.stdout  # skipped, as with no such alias
    assert yearly(app) == [("ekero", 2023, "Samtliga brott", 1234)]


def test_the_open_csv_without_its_header_row_imports_like_brås_2021_file(app, cli):
    path = DATA / "anmalda_brott_kommuner_2021.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfDanderyd;")
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert yearly(app) == [("ekero", 2021, "Samtliga brott", 1310)]


def test_the_year_comes_from_the_option_when_the_name_has_none(app, cli, tmp_path):
    path = tmp_path / "kommuner.csv"
    shutil.copy(DATA / "anmalda_brott_kommuner_2023.csv", path)
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert "the year is not in the file name" in result.stderr
    assert "--year" in result.stderr
    assert yearly(app) == []
    result = import_file(cli, path, "--format", "bra-open", "--year", "2022")
    assert result.exit_code == 0, result.stderr
    assert yearly(app) == [("ekero", 2022, "Samtliga brott", 1234)]


def test_importing_the_same_year_again_replaces_it(app, cli, tmp_path):
    path = DATA / "anmalda_brott_kommuner_2023.csv"
    assert import_file(cli, path).exit_code == 0
    changed = tmp_path / "anmalda_brott_kommuner_2023.csv"
    changed.write_bytes(path.read_bytes().replace(b"1 234.0", b"1 240.0"))
    assert import_file(cli, changed).exit_code == 0
    assert yearly(app) == [("ekero", 2023, "Samtliga brott", 1240)]


def test_a_statistics_database_export_keeps_the_category_path(app, cli):
    path = DATA / "statistikdatabas_brottskategori_region_2022_2023.csv"
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"imported 40 yearly counts (2 years, 2 areas) from {path}",
        "skipped 10 rows outside every area (by region): Spånga-Tensta 10",
    ]
    bromma = {(c, y): n for a, y, c, n in yearly(app) if a == "bromma"}
    # 'i bostad' repeats under two parents and is kept apart by its path.
    assert bromma[("Stöldbrott › Inbrottsstöld › i bostad", 2023)] == 98
    assert bromma[("Stöldbrott › Stöld utan inbrott › i bostad", 2023)] == 63
    assert bromma[("Stöldbrott › Inbrottsstöld › i källare och vind", 2022)] is None  # '..'
    assert bromma[("Skadegörelsebrott › Klotter", 2023)] == 0  # '-'
    assert bromma[("Stöldbrott", 2022)] == 2483
    assert bromma[("Misshandel", 2023)] == 322  # back at the top level
    assert last_audit(app)["source"] == "bra-db"


def test_a_monthly_database_export_stores_monthly_counts(app, cli):
    path = DATA / "statistikdatabas_region_brott_manad_2024.csv"
    result = import_file(cli, path, "--format", "bra-db")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"imported 9 monthly counts (3 months, 1 area) from {path}",
        "skipped 3 rows outside every area (by region): Solna 3",
    ]
    rows = stored(app)
    assert ("bromma", None, "2024-02", "Stöldbrott › Inbrottsstöld › i bostad", None, "csv") in rows
    assert ("bromma", None, "2024-03", "Stöldbrott › Inbrottsstöld", 35, "csv") in rows
    assert yearly(app) == []


def test_a_table_with_the_months_in_columns(app, cli):
    path = DATA / "manadstabell_kolumner_2024.csv"
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"imported 36 monthly counts (12 months, 2 areas) from {path}"
    )
    rows = {(a, m, c): n for a, _p, m, c, n, _s in stored(app)}
    assert rows[("bromma", "2024-01", "Misshandel")] == 25
    assert rows[("bromma", "2024-12", "Skadegörelsebrott")] is None
    assert rows[("ekero", "2024-03", "Misshandel")] == 0
    assert last_audit(app)["source"] == "bra-months"


def test_a_row_naming_only_a_region_heads_its_categories(app, cli, tmp_path):
    # Exports of Brå's statistics database may name each region once, on a row of its own
    # above its categories, the region left empty below: nothing to store, nothing wrong.
    years = tmp_path / "years.csv"
    years.write_text(
        "Region;Brott;2022;2023\nBromma;;;\n;Stöldbrott;2483;2590\n;  Inbrottsstöld;412;380\n"
        "Solna;;;\n;Stöldbrott;900;950\nEkerö;;;\n;  Rån;3;4\n"
    )
    result = import_file(cli, years)
    # A region's block starts anew: Ekerö's indented Rån has no parent above in its block.
    assert result.exit_code == 1
    assert "line 8: 'Rån' is indented with no parent above" in result.stderr
    years.write_text(years.read_text().replace(";  Rån;3;4", ";Rån;3;4"))
    result = import_file(cli, years)
    assert result.exit_code == 0, result.stderr
    # The skipped region's rows are counted, its heading is not.
    assert "skipped 1 row outside every area (by region): Solna 1" in result.stdout
    assert yearly(app) == [
        ("bromma", 2022, "Stöldbrott", 2483),
        ("bromma", 2023, "Stöldbrott", 2590),
        ("bromma", 2022, "Stöldbrott › Inbrottsstöld", 412),
        ("bromma", 2023, "Stöldbrott › Inbrottsstöld", 380),
        ("ekero", 2022, "Rån", 3),
        ("ekero", 2023, "Rån", 4),
    ]
    months = tmp_path / "months.csv"
    months.write_text("Region;Brott;2024M01;2024M02\nEkerö;;;\n;Stöldbrott;24;25\n")
    result = import_file(cli, months)
    assert result.exit_code == 0, result.stderr
    rows = {(m, c): n for _a, _p, m, c, n, _s in stored(app)}
    assert rows == {("2024-01", "Stöldbrott"): 24, ("2024-02", "Stöldbrott"): 25}


def test_an_empty_cell_of_a_month_that_is_over_is_missing_not_0(app, cli, tmp_path):
    # Rån has no figure for February where Stöld has one: the month is covered for both
    # categories of the file, so a cell left out would be filled as 0 (a drop to nothing);
    # stored as missing, it is not.
    path = tmp_path / "export.csv"
    # March, empty on every row, is not published yet: skipped, not covered.
    # A heading row without a figure (the parent Stöldbrott) stores nothing.
    path.write_text(
        "Region;Brott;2024M01;2024M02;2024M03\nEkerö;Rån;5;;\nEkerö;Stöldbrott;;;\n"
        "Ekerö;  Stöld;3;4;\n"
    )
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    rows = {(m, c): n for _a, _p, m, c, n, _s in stored(app)}
    assert rows == {
        ("2024-01", "Rån"): 5,
        ("2024-02", "Rån"): None,
        ("2024-01", "Stöldbrott › Stöld"): 3,
        ("2024-02", "Stöldbrott › Stöld"): 4,
    }
    # A category of its own without a figure is missing in every month published, so the
    # same file imported again replaces its earlier counts.
    path.write_text(
        "Region;Brott;2024M01;2024M02;2024M03\nEkerö;Rån;;;\nEkerö;Stöldbrott;;;\n"
        "Ekerö;  Stöld;7;8;\n"
    )
    assert import_file(cli, path).exit_code == 0
    rows = {(m, c): n for _a, _p, m, c, n, _s in stored(app)}
    assert rows == {
        ("2024-01", "Rån"): None,
        ("2024-02", "Rån"): None,
        ("2024-01", "Stöldbrott › Stöld"): 7,
        ("2024-02", "Stöldbrott › Stöld"): 8,
    }


def test_a_month_unpublished_in_its_year_is_skipped_though_another_year_has_it(app, cli, tmp_path):
    # With a year column, December is published for 2023 but not (yet) for 2024.
    path = tmp_path / "export.csv"
    months = ";".join(["Januari", "November", "December"])
    path.write_text(f"Region;Brott;År;{months}\nEkerö;Rån;2023;1;2;3\nEkerö;Rån;2024;4;5;\n")
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert sorted(m for _a, _p, m, _c, _n, _s in stored(app)) == [
        "2023-01",
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-11",
    ]
    # A heading row with an empty year is no error; a figure of another year than the
    # year column's is refused.
    path.write_text("Region;Brott;År;2023M01;2023M02\nEkerö;Stöldbrott;;;\nEkerö;  Rån;2024;1;..\n")
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "line 3: the column 2023M01 is of 2023, but the year column says 2024",
        "line 3: the column 2023M02 is of 2023, but the year column says 2024",
    ]
    # A '..' in a column of another year than the file name's is refused as a figure is.
    other = tmp_path / "brott_2024.csv"
    other.write_text("Region;Brott;2024M01;2025M01\nEkerö;Rån;5;..\n")
    result = import_file(cli, other)
    assert result.exit_code == 1
    assert "the column 2025M01 is of 2025, but the file name says 2024" in result.stderr


def test_months_in_columns_written_as_codes_span_years(app, cli):
    path = DATA / "manadstabell_kolumner_kodade.csv"
    result = import_file(cli, path, "--format", "bra-months")
    assert result.exit_code == 0, result.stderr
    rows = {(m, c): n for _a, _p, m, c, n, _s in stored(app)}
    assert rows[("2025-01", "Narkotikabrott")] == 11
    assert rows[("2024-11", "Rån")] is None


def test_an_unknown_shape_is_refused_with_the_shapes_known(app, cli, tmp_path):
    path = tmp_path / "okand.csv"
    path.write_text("Län;Summa;Kvot\nStockholm;12;x\n", encoding="utf-8")
    result = import_file(cli, path)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("line 1: the shape of this file is not known; the shapes known are:")
    for shape in ("(csv)", "(bra-open)", "(bra-db)", "(bra-months)"):
        assert shape in first
    assert yearly(app) == []
    assert stored(app) == []


def test_a_forced_format_that_does_not_fit_names_the_shapes(app, cli):
    result = import_file(cli, DATA / "anmalda_brott_kommuner_2023.csv", "--format", "bra-db")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "line 1: the header is not that of a bra-db file; the shapes known are:"
    )
    assert yearly(app) == []


def test_a_bad_count_stores_nothing_from_the_file(app, cli, tmp_path):
    path = tmp_path / "anmalda_brott_kommuner_2023.csv"
    path.write_text(
        "\ufeffKommun;Antal;Per 100 000 inv.\r\nEkerö;12;1,0\r\nBromma;12.5;2,0\r\n"
        "Hässelby-Vällingby;7;x\r\nEkerö;99999999999999999999;1,0\r\n",
        encoding="utf-8",
        newline="",
    )
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "line 3: count '12.5' is not a whole number",
        "line 4: rate 'x' is not a number (a decimal comma or point is fine)",
        # Larger than the database's integers: a message, not a traceback.
        "line 5: count '99999999999999999999' is too large (at most 1 000 000 000)",
    ]
    assert yearly(app) == []


def test_a_month_still_going_on_is_refused_in_a_monthly_table(app, cli, tmp_path):
    today = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()
    path = tmp_path / "export.csv"
    path.write_text(f"Region;Brott;Månad;Antal\nEkerö;Rån;{today:%Y}M{today:%m};-\n")
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"line 2: month {today:%Y-%m} has not ended yet: import its count once the month is over"
    )
    assert stored(app) == []
    with app.app_context():
        assert db.session.scalars(select(CrimeCoverage)).all() == []


def test_a_month_not_over_with_no_figure_yet_is_skipped(app, cli, tmp_path):
    """'..' for this month and the next (Brå's table of a year going on): not published yet,
    so the months before import and nothing is stored or covered for those."""
    today = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date().replace(day=1)
    before = (today - dt.timedelta(days=1)).replace(day=1)
    after = (today + dt.timedelta(days=32)).replace(day=1)
    path = tmp_path / "export.csv"
    path.write_text(
        "Region;Brott;Månad;Antal\n"
        + "".join(
            f"Ekerö;Rån;{m:%Y}M{m:%m};{c}\n" for m, c in [(before, 7), (today, ".."), (after, "..")]
        )
    )
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert [(row[2], row[4]) for row in stored(app)] == [(f"{before:%Y-%m}", 7)]
    with app.app_context():
        ends = db.session.scalars(select(CrimeCoverage.ends)).all()
    assert ends
    assert max(ends).date() <= today  # covered up to this month, not into it


def test_a_year_going_on_is_refused_with_a_count_and_skipped_without(app, cli, tmp_path):
    year = dt.datetime.now(ZoneInfo("Europe/Stockholm")).year
    path = tmp_path / f"anmalda_brott_kommuner_{year}.csv"
    path.write_text("Kommun;Antal;Per 100 000 inv.\nEkerö;12;1,0\n", encoding="utf-8")
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"line 2: the year {year} has not ended yet: import its count once the year is over"
    )
    assert yearly(app) == []
    # Every count '..': refused for what it is, not as a file with no counts below its header.
    path.write_text("Kommun;Antal;Per 100 000 inv.\nEkerö;..;..\nBromma;..;..\n", encoding="utf-8")
    assert import_file(cli, path).stderr.splitlines()[0] == (
        "line 2: every count is '..' or empty for a month or year not over yet (2 counts):"
        " nothing is published to import yet"
    )
    export = tmp_path / "export.csv"
    export.write_text(f"Brottskategori;Region;{year - 1};{year}\nRån;Ekerö;5;..\n")
    result = import_file(cli, export)
    assert result.exit_code == 0, result.stderr
    assert yearly(app) == [("ekero", year - 1, "Rån", 5)]


def test_a_year_in_the_future_is_refused(app, cli, tmp_path):
    path = tmp_path / "anmalda_brott_kommuner_2099.csv"
    path.write_text("Kommun;Antal;Per 100 000 inv.\nEkerö;12;1,0\n", encoding="utf-8")
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "line 2: the year 2099 is in the future"


def test_a_yearly_database_export_in_long_form_with_tabs(app, cli, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Anmälda brott\nRegion\tBrott\tÅr\tAntal\n"
        "Bromma stadsdelsområde\tRån\t2022\t41.0\nBromma\tRån\t2023\t..\n"
        "0125 Ekerö kommun\tRån\t2023\t5\nSolna\tRån\t2023\t12\n",
        encoding="utf-8",
    )
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert yearly(app) == [
        ("bromma", 2022, "Rån", 41),  # 'stadsdelsområde' and a region code are left out
        ("bromma", 2023, "Rån", None),
        ("ekero", 2023, "Rån", 5),
    ]


def test_months_in_columns_without_any_year_are_refused(app, cli, tmp_path):
    path = tmp_path / "manader.csv"
    path.write_text("Region;Brott;Januari;Februari\nBromma;Rån;3;4\n", encoding="utf-8")
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "the months have no year: add a column År, put the year in the file name or give it"
        " with --year"
    )
    assert import_file(cli, path, "--year", "2024").exit_code == 0
    assert [(m, n) for _a, _p, m, _c, n, _s in stored(app)] == [("2024-01", 3), ("2024-02", 4)]


@pytest.mark.parametrize(("titles", "imports"), [(10, True), (11, False)])
def test_up_to_ten_title_lines_before_the_header(app, cli, tmp_path, titles, imports):
    path = tmp_path / "export.csv"
    path.write_text(
        "Anmälda brott;;;\n" * titles + "Region;Brott;År;Antal\nBromma;Rån;2022;5\n",
        encoding="utf-8",
    )
    result = import_file(cli, path)
    assert (result.exit_code == 0) is imports, result.stderr
    assert yearly(app) == ([("bromma", 2022, "Rån", 5)] if imports else [])


def test_a_year_that_disagrees_with_the_file_is_refused(app, cli, tmp_path):
    named = DATA / "anmalda_brott_kommuner_2023.csv"
    result = import_file(cli, named, "--year", "2020")
    assert result.exit_code == 1
    assert "--year says 2020, but the file name says 2023" in result.stderr
    assert import_file(cli, named, "--year", "2023").exit_code == 0
    # A table whose rows or month columns say their year.
    path = tmp_path / "manadstabell.csv"
    path.write_text("Region;Brott;År;Januari\nBromma;Rån;2024;3\n", encoding="utf-8")
    result = import_file(cli, path, "--year", "2023")
    assert result.exit_code == 1
    assert "line 2: the year column says 2024, but --year says 2023" in result.stderr
    path.write_text("Region;Brott;2024M01;2024M02\nBromma;Rån;3;4\n", encoding="utf-8")
    result = import_file(cli, path, "--year", "2023")
    assert result.exit_code == 1
    assert "line 2: the column 2024M01 is of 2024, but --year says 2023" in result.stderr
    assert stored(app) == []
    assert yearly(app) == [("ekero", 2023, "Samtliga brott", 1234)]


def test_month_codes_may_span_the_years_of_the_file_name(app, cli, tmp_path):
    path = tmp_path / "manadstabell_2024_2025.csv"
    shutil.copy(DATA / "manadstabell_kolumner_kodade.csv", path)
    assert import_file(cli, path).exit_code == 0
    assert {m for _a, _p, m, _c, _n, _s in stored(app)} == {
        "2024-10",
        "2024-11",
        "2024-12",
        "2025-01",
    }


def test_an_indented_category_needs_a_parent_above(app, cli, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Brottskategori;Region;2019\n  i bostad;Bromma;12\n", encoding="utf-8")
    result = import_file(cli, path)
    assert result.exit_code == 1
    assert "line 2: 'i bostad' is indented with no parent above" in result.stderr
    assert yearly(app) == []


def test_another_column_with_a_year_is_left_out(app, cli, tmp_path):
    path = tmp_path / "manadstabell.csv"
    path.write_text("Region;Brott;2024M01;Totalt 2024\nBromma;Rån;1;99\n", encoding="utf-8")
    assert import_file(cli, path, "--format", "bra-months").exit_code == 0
    assert [(m, n) for _a, _p, m, _c, n, _s in stored(app)] == [("2024-01", 1)]


@pytest.mark.parametrize("column", ["2024M13", "Marz 2024"])
def test_a_column_with_a_year_that_is_no_month_is_refused(app, cli, tmp_path, column):
    path = tmp_path / "manadstabell.csv"
    path.write_text(f"Region;Brott;2024M01;{column}\nBromma;Rån;1;99\n", encoding="utf-8")
    result = import_file(cli, path, "--format", "bra-months")
    assert result.exit_code == 1
    assert f"line 1: the column '{column}' is not a month" in result.stderr
    assert stored(app) == []


def test_a_year_column_may_span_the_years_of_the_file_name(app, cli, tmp_path):
    path = tmp_path / "manadstabell_2023_2024.csv"
    path.write_text(
        "Region;Brott;År;Januari\nBromma;Rån;2023;3\nBromma;Rån;2024;4\n", encoding="utf-8"
    )
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert {m for _a, _p, m, _c, _n, _s in stored(app)} == {"2023-01", "2024-01"}


@pytest.mark.parametrize(
    ("name", "text", "cells", "width"),
    [
        # 1 310 split by the separator: the count would have been stored as 1.
        ("anmalda_brott_kommuner_2021.csv", "Solna;1502.0;3,0\r\nEkerö;1;310.0;4 270,2\r\n", 4, 3),
        ("anmalda_brott_kommuner_2023.csv", "Kommun;Antal;Per 100 000 inv.\nEkerö;1;234;5\n", 4, 3),
        ("export.csv", "Brottskategori;Region;2022;2023\nMisshandel;Bromma;1;2;99\n", 5, 4),
        ("export.csv", "Region;Brott;Månad;Antal\nBromma;Rån;2024M01;1;300\n", 5, 4),
        ("manadstabell_2024.csv", "Region;Brott;Januari;Februari\nBromma;Rån;1;2;3\n", 5, 4),
    ],
)
def test_a_row_longer_than_the_file_is_refused(app, cli, tmp_path, name, text, cells, width):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    result = import_file(cli, path)
    assert result.exit_code == 1
    line = text.count("\n")
    assert f"line {line}: {cells} cells, but the file has {width} columns" in result.stderr
    assert yearly(app) == []
    assert stored(app) == []


def test_empty_cells_after_the_last_column_are_no_error(app, cli, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Brottskategori;Region;2022\nMisshandel;Bromma;12;;\n", encoding="utf-8")
    assert import_file(cli, path).exit_code == 0
    assert yearly(app) == [("bromma", 2022, "Misshandel", 12)]

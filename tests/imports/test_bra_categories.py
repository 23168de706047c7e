"""A crime file replaces only what it covers: its categories, in its months, for its areas.

Brå's statistics database gives one table per crime category; imported one after the other for
the same months, each must leave the categories of the others as they were, and undo must give
back exactly the state before it.
"""

import datetime as dt

from sqlalchemy import text

from analysis.crime_series import read_series
from survey.extensions import db

from ..services.test_crime_imports import ok, state
from .test_crime import stored, write

MONTHS = (
    "Region;Brott;Januari;Februari;Mars;April;Maj;Juni;Juli;Augusti;September;Oktober;"
    "November;December\r\n"
)
BOTH = (
    "\ufeff" + MONTHS + "Bromma;Misshandel;25.0;22;31;27;30;35;41;33;29;26;24;30\r\n"
    "Bromma;Skadegörelsebrott;70;66;81;77;90;95;88;79;72;68;61;..\r\n"
    "Ekerö;Misshandel;4;3;-;5;6;4;7;5;3;4;2;1\r\n"
)
ONE = "\ufeff" + MONTHS + "Bromma;Misshandel;5;6;7;8;9;10;11;12;13;14;15;16\r\n"


def series(app, slug, first, last):
    with app.app_context():
        return read_series(db.session.connection(), slug, first, last)


def test_a_one_category_table_leaves_the_other_categories_of_its_months(app, cli, tmp_path):
    ok(cli("import", "crime", str(write(tmp_path, BOTH, "brott_2024.csv"))))
    before = state(app)
    others = [row for row in stored(app) if row[3] != "Misshandel" or row[0] != "bromma"]
    assert len(stored(app)) == 36
    out = ok(cli("import", "crime", str(write(tmp_path, ONE, "misshandel_2024.csv"))))
    assert "imported 12 monthly counts (12 months, 1 area) from" in out[0]
    after = stored(app)
    # Bromma's Skadegörelsebrott and Ekerö's Misshandel, the same months: as they were.
    assert [row for row in after if row[3] != "Misshandel" or row[0] != "bromma"] == others
    assert len(after) == 36
    assert [row[4] for row in after if row[:2] == ("bromma", None) and row[3] == "Misshandel"] == [
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        15,
        16,
    ]
    # The series every crime figure reads agrees: December's suppressed figure stays missing
    # (not a 0 filled in because the second file covered December for Misshandel).
    read = series(app, "bromma", dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    assert read[("bromma", "Skadegörelsebrott")][dt.date(2024, 12, 1)] is None
    assert read[("bromma", "Skadegörelsebrott")][dt.date(2024, 3, 1)] == 81
    assert read[("bromma", "Misshandel")][dt.date(2024, 12, 1)] == 16
    ok(cli("import", "undo-crime", "--yes"))
    assert state(app) == before


def test_a_category_not_in_the_file_is_no_zero_in_its_months(app, cli, tmp_path):
    """Brå's tables imported one per category: a month the other category's table has not
    given yet is missing for it, not 0."""
    header = "month;area;category;count\n"
    ok(cli("import", "crime", str(write(tmp_path, header + "2024-01;Bromma;Rån;3\n", "a.csv"))))
    later = header + "2024-02;Bromma;Stöld;7\n2024-03;Bromma;Stöld;8\n"
    ok(cli("import", "crime", str(write(tmp_path, later, "b.csv"))))
    read = series(app, "bromma", dt.date(2024, 1, 1), dt.date(2024, 3, 1))
    assert read[("bromma", "Rån")] == {dt.date(2024, 1, 1): 3}
    # Stöld's file covered February and March only: January is missing for it, too.
    assert read[("bromma", "Stöld")] == {dt.date(2024, 2, 1): 7, dt.date(2024, 3, 1): 8}


def test_within_a_file_a_month_without_a_row_for_its_category_is_zero(app, cli, tmp_path):
    content = (
        "month;area;category;count\n2024-01;Bromma;Rån;3\n2024-03;Bromma;Rån;1\n"
        "2024-02;Bromma;Stöld;7\n"
    )
    ok(cli("import", "crime", str(write(tmp_path, content))))
    read = series(app, "bromma", dt.date(2024, 1, 1), dt.date(2024, 4, 1))
    zero = {dt.date(2024, 1, 1): 3, dt.date(2024, 2, 1): 0, dt.date(2024, 3, 1): 1}
    assert read[("bromma", "Rån")] == zero
    assert read[("bromma", "Stöld")] == {
        dt.date(2024, 1, 1): 0,
        dt.date(2024, 2, 1): 7,
        dt.date(2024, 3, 1): 0,
    }


def test_a_category_written_in_another_case_replaces_the_earlier_spelling(app, cli, tmp_path):
    header = "month;area;category;count\n"
    ok(cli("import", "crime", str(write(tmp_path, header + "2024-01;Bromma;rån;3\n", "a.csv"))))
    ok(cli("import", "crime", str(write(tmp_path, header + "2024-01;Bromma;Rån;4\n", "b.csv"))))
    assert stored(app) == [("bromma", None, "2024-01", "Rån", 4, "csv")]
    with app.app_context():
        covered = db.session.execute(text("SELECT category FROM crime_coverage")).scalars().all()
    assert covered == ["Rån"]
    ok(cli("import", "undo-crime", "--yes"))
    assert stored(app) == [("bromma", None, "2024-01", "rån", 3, "csv")]


def test_a_month_covered_whole_before_this_version_still_covers_every_category(app, cli, tmp_path):
    """Coverage stored without a category (files imported before they were replaced per
    category) covers the whole month, as it did; a later file of one category leaves it."""
    header = "month;area;category;count\n"
    ok(cli("import", "crime", str(write(tmp_path, header + "2024-01;Bromma;Rån;3\n", "a.csv"))))
    with app.app_context():
        db.session.execute(text("UPDATE crime_coverage SET category = NULL"))
        db.session.execute(
            text(
                "INSERT INTO crime_count (area_id, month, category, count, source, by_text,"
                " imported_at) SELECT area_id, '2023-12-01', 'Stöld', 2, 'csv', false,"
                " imported_at FROM crime_count"
            )
        )
        db.session.commit()
    ok(cli("import", "crime", str(write(tmp_path, header + "2024-01;Bromma;Rån;5\n", "b.csv"))))
    read = series(app, "bromma", dt.date(2023, 12, 1), dt.date(2024, 1, 1))
    assert read[("bromma", "Rån")] == {dt.date(2024, 1, 1): 5}
    assert read[("bromma", "Stöld")] == {dt.date(2023, 12, 1): 2, dt.date(2024, 1, 1): 0}

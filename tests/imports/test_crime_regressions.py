"""Crime data kept right through imports, undos and changes of the areas' names, in orders
that once went wrong."""

from sqlalchemy import select

from survey.extensions import db
from survey.models import Area, CrimeCount
from tests.imports.test_crime_events import MARCH_2023, REAL, counts, ok


def csv_counts(app, slug):
    """{(YYYY-MM, category): count} of the area's CSV counts."""
    with app.app_context():
        rows = db.session.execute(
            select(CrimeCount.month, CrimeCount.category, CrimeCount.count)
            .join(Area, Area.id == CrimeCount.area_id)
            .where(Area.slug == slug, CrimeCount.source == "csv")
        ).all()
    return {(m.strftime("%Y-%m"), c): n for m, c, n in rows}


def test_a_csv_import_is_undone_after_an_area_change_rebuilt_the_event_counts(app, cli, tmp_path):
    """The counts a CSV replaced came back with their old ids. On SQLite the event counts
    derived again in between (an alias added) may have taken those ids, and the undo failed
    ("UNIQUE constraint failed: crime_count.id")."""
    first = tmp_path / "first.csv"
    first.write_text(
        "month;area;category;count\n"
        "2023-03;Hässelby-Vällingby;Misshandel;1\n2023-03;Hässelby-Vällingby;Stöld;2\n"
        "2023-04;Hässelby-Vällingby;Misshandel;3\n2023-04;Hässelby-Vällingby;Stöld;4\n",
        encoding="utf-8",
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "month;area;category;count\n"
        "2023-03;Hässelby-Vällingby;Misshandel;5\n2023-04;Hässelby-Vällingby;Stöld;6\n",
        encoding="utf-8",
    )
    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    events = {("2023-03", "Misshandel"): (1, True)}  # "... i Vällingby centrum"
    assert counts(app, "hasselby-vallingby") == events
    ok(cli("import", "crime", str(first)))
    ok(cli("import", "crime", str(second)))  # its block: two months × two categories
    ok(cli("area", "alias", "bromma", "Beckomberga"))  # every event count derived again
    ok(cli("import", "undo-crime", "--yes"))
    assert csv_counts(app, "hasselby-vallingby") == {
        ("2023-03", "Misshandel"): 1,
        ("2023-03", "Stöld"): 2,
        ("2023-04", "Misshandel"): 3,
        ("2023-04", "Stöld"): 4,
    }
    assert counts(app, "hasselby-vallingby") == events
    assert counts(app, "bromma") == {("2023-03", "Inbrott"): (1, True)}

"""Undo of crime imports at the edges: long files, names changed between, retention, time."""

from tests.services.test_crime_imports import ok, state


def _monthly_csv(path, years, count):
    lines = ["month;area;category;count"]
    for year in years:
        for month in range(1, 13):
            for area in ("Bromma", "Hässelby-Vällingby", "Ekerö"):
                lines.append(f"{year}-{month:02d};{area};Stöld;{count}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_long_history_imports_again_and_its_undo_gives_the_first_back(app, cli, tmp_path):
    # 30 years of months for 3 areas: 1,080 (area, month) cells, past SQLite's 1000 terms.
    years = range(1995, 2025)
    ok(cli("import", "crime", str(_monthly_csv(tmp_path / "a.csv", years, 4))))
    after_a = state(app)
    assert len(after_a["csv_counts"]) == 1080
    ok(cli("import", "crime", str(_monthly_csv(tmp_path / "b.csv", years, 5))))
    assert state(app) != after_a
    ok(cli("import", "undo-crime", "--yes"))
    assert state(app) == after_a

"""Undo of crime imports at the edges: long files, names changed between, retention, time."""

import datetime as dt
import threading
import time

from sqlalchemy.orm import Session

from survey.extensions import db
from survey.imports.crime import import_crime_data
from survey.services.crime_imports import UndoRefused, undo_run
from tests.services.test_crime_imports import MARCH_2023, ok, runs, state


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


def test_an_undo_waits_for_an_import_under_way_and_is_then_refused(app, cli):
    # An admin undoes import A while the next download (B, the same events) is being stored.
    # The undo must wait for B and then refuse (B is the newest); checked before B stood,
    # it would take away A's events under B, which then stands with none of them.
    ok(cli("import", "crime", str(MARCH_2023)))
    [(a, *_rest)] = runs(app)
    outcome = []

    def undo() -> None:
        with app.app_context(), Session(db.engine) as other:
            try:
                undo_run(other, a, dt.date(2026, 12, 1))
                other.commit()
                outcome.append("undone")
            except UndoRefused:
                outcome.append("refused")

    with app.app_context(), Session(db.engine) as importing:
        data = MARCH_2023.read_bytes()
        import_crime_data(importing, data, "again.json", "events", dt.date(2026, 12, 1))
        waiting = threading.Thread(target=undo)
        waiting.start()
        time.sleep(1)
        importing.commit()
    waiting.join(10)
    assert outcome == ["refused"]
    assert [(r[1], r[-1]) for r in runs(app)] == [(MARCH_2023.name, False), ("again.json", False)]
    assert len(state(app)["crime_event"]) == 500

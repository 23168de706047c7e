"""Undo of crime imports, on the police's REAL responses (../shared/data/real/) as they are.

Undo restores exactly the state before an import: its new events go, the events it updated
get their earlier values, the counts and coverage it replaced come back, and the counts
derived from events are derived again. Newest first; an older import waits.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from survey.extensions import db
from survey.models import Area, AuditEvent, DeviationAlert, DeviationMail
from survey.models.crime_imports import CrimeImportRow, CrimeImportRun

ROOT = Path(__file__).resolve().parents[2]
#: The real responses live beside the repository; a machine without them must fail, not skip.
REAL = ROOT.parent / "shared" / "data" / "real"
MARCH_2023 = REAL / "police-events-2023-03-25.json"
AUGUST_2026 = REAL / "police-events-2026-08-22.json"
BRA = ROOT / "tests" / "imports" / "data" / "bra"

#: What an import may change, as plain rows. Counts derived from events are compared without
#: their ids and moments (they are derived again), CSV counts without their ids (an undo puts
#: them back under new ones); everything else to the letter.
TABLES = {
    "crime_event": "SELECT * FROM crime_event ORDER BY id",
    "crime_event_area": "SELECT * FROM crime_event_area ORDER BY event_id, area_id",
    "events_counts": "SELECT area_id, place_id, month, category, count, by_text"
    " FROM crime_count WHERE source = 'events' ORDER BY area_id, month, category",
    "csv_counts": "SELECT area_id, place_id, month, category, count, by_text, imported_at"
    " FROM crime_count WHERE source = 'csv' ORDER BY area_id, month, category, place_id",
    "crime_year_count": "SELECT * FROM crime_year_count ORDER BY id",
    "crime_coverage": "SELECT * FROM crime_coverage ORDER BY id",
}


def state(app):
    with app.app_context():
        return {
            name: [tuple(row) for row in db.session.execute(text(query))]
            for name, query in TABLES.items()
        }


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def runs(app):
    with app.app_context():
        return [
            (r.id, r.origin, r.added, r.changed, r.unchanged, r.skipped, r.undone_at is not None)
            for r in db.session.scalars(select(CrimeImportRun).order_by(CrimeImportRun.id))
        ]


@pytest.fixture
def stockholm(cli):
    """An area for the whole municipality of Stockholm, and Bromma a district of it."""
    ok(cli("area", "add", "stockholm", "Stockholm"))
    ok(cli("area", "add", "goteborg", "Göteborg"))
    ok(cli("area", "district", "bromma", "Stockholm"))
    ok(cli("area", "district", "hasselby-vallingby", "Stockholm"))


def test_undo_the_later_real_response_then_the_earlier_one(app, cli, stockholm):
    for path in (MARCH_2023, AUGUST_2026):
        assert path.is_file(), f"the real response {path} is missing (see SOURCES.md there)"
    before = state(app)
    outside_a = _outside(ok(cli("import", "crime", str(MARCH_2023))))
    after_a = state(app)
    outside_b = _outside(ok(cli("import", "crime", str(AUGUST_2026))))
    after_b = state(app)
    assert len(after_b["crime_event"]) == 1000
    assert after_b["events_counts"] != after_a["events_counts"]
    assert 0 < outside_a < 500
    assert 0 < outside_b < 500
    a, b = (run[0] for run in runs(app))
    assert runs(app) == [
        (a, MARCH_2023.name, 500, 0, 0, outside_a, False),
        (b, AUGUST_2026.name, 500, 0, 0, outside_b, False),
    ]
    lines = ok(cli("import", "undo-crime", "--lang", "sv", "--yes"))
    assert lines[0] == f"ångrade import {b} från {AUGUST_2026.name}"
    assert state(app) == after_a
    ok(cli("import", "undo-crime", "--lang", "sv", str(a), "--yes"))
    assert state(app) == before
    with app.app_context():
        # What undo needed is let go once used; the runs stay listed, marked undone.
        assert db.session.scalars(select(CrimeImportRow)).all() == []
        undone = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "crime.undo_import")
        ).all()
    assert [d["filename"] for d in undone] == [AUGUST_2026.name, MARCH_2023.name]
    assert [r[-1] for r in runs(app)] == [True, True]
    result = cli("import", "undo-crime", "--lang", "sv", "--yes")
    assert result.exit_code == 1
    assert "Det finns ingen brottsimport att ångra." in result.stderr


def _outside(lines):
    """How many events the import's summary line says are outside every area."""
    return int(lines[0].split(" unchanged, ")[1].split(" outside")[0])


def _write(tmp_path, events, name):
    path = tmp_path / name
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


def test_undo_an_overlapping_download_gives_the_updated_events_their_values_back(
    app, cli, tmp_path, stockholm
):
    events = json.loads(MARCH_2023.read_text(encoding="utf-8"))  # newest first
    stockholm_events = [i for i, e in enumerate(events) if e["name"].endswith("Stockholm")]
    shared = stockholm_events[len(stockholm_events) // 2]  # an event in both downloads
    first, second = events[: shared + 1], events[shared:]
    # The police rewrote the shared event between the downloads, and moved it to Bromma.
    second[0] = {
        **second[0],
        "summary": "Bråk vid Brommaplan.",
        "datetime": "2023-02-28 23:00:00 +01:00",
    }
    ok(cli("import", "crime", str(_write(tmp_path, first, "a.json"))))
    after_a = state(app)
    lines = ok(cli("import", "crime", str(_write(tmp_path, second, "b.json"))))
    assert "1 updated, 0 unchanged" in lines[0]
    after_b = state(app)
    earlier = {row[0]: row for row in after_a["crime_event"]}
    changed = [
        row for row in after_b["crime_event"] if row[0] in earlier and row != earlier[row[0]]
    ]
    assert [row[1] for row in changed] == [str(events[shared]["id"])]
    ok(cli("import", "undo-crime", "--lang", "sv", str(runs(app)[1][0]), "--yes"))
    # The summary, month, moment and last download of the shared event are as after A, and
    # so are its areas and the counts of February and March.
    assert state(app) == after_a


def test_undo_a_csv_gives_the_replaced_counts_and_coverage_back(app, cli, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text(
        "month;area;category;count\n2024-01;Bromma;Stöld;10\n2024-02;Bromma;Stöld;12\n"
        "2024-02;Bromma;Rån;3\n",
        encoding="utf-8",
    )
    b = tmp_path / "b.csv"
    # A wrong file: February's Stöld again (another figure) and March; Rån is not in it.
    b.write_text(
        "month;area;category;count\n2024-02;Bromma;Stöld;99\n2024-03;Bromma;Stöld;1\n",
        encoding="utf-8",
    )
    before = state(app)
    ok(cli("import", "crime", str(a)))
    after_a = state(app)
    ok(cli("import", "crime", str(b)))
    assert state(app)["csv_counts"] != after_a["csv_counts"]
    # Added: March; changed: February's Stöld (12 -> 99); Rån, not in the file, stays.
    assert runs(app)[1][2:6] == (1, 1, 0, 0)
    ok(cli("import", "undo-crime", "--lang", "sv", "--yes"))
    assert state(app) == after_a
    ok(cli("import", "undo-crime", "--lang", "sv", "--yes"))
    assert state(app) == before


def test_undo_a_bra_file_gives_the_yearly_counts_back(app, cli, tmp_path):
    path = tmp_path / "anmalda_brott_kommuner_2023.csv"
    path.write_bytes((BRA / "anmalda_brott_kommuner_2023.csv").read_bytes())
    ok(cli("import", "crime", str(path)))
    after_a = state(app)
    assert after_a["crime_year_count"]
    again = tmp_path / "kommuner" / "anmalda_brott_kommuner_2023.csv"
    again.parent.mkdir()
    again.write_text(
        "\ufeffKommun;Antal;Per 100 000 inv.\r\nEkerö;7;1,0\r\n", encoding="utf-8", newline=""
    )
    ok(cli("import", "crime", str(again)))
    assert state(app)["crime_year_count"] != after_a["crime_year_count"]
    assert runs(app)[1][2:6] == (0, 1, 0, 0)
    ok(cli("import", "undo-crime", "--lang", "sv", "--yes"))
    assert state(app) == after_a


def test_an_older_import_is_refused_while_a_later_one_stands(app, cli, tmp_path, stockholm):
    ok(cli("import", "crime", str(MARCH_2023)))
    ok(cli("import", "crime", str(AUGUST_2026)))
    after_b = state(app)
    a, b = (run[0] for run in runs(app))
    result = cli("import", "undo-crime", "--lang", "sv", str(a), "--yes")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    message = result.stderr.splitlines()[-1]
    assert message.startswith(
        f"Error: Import {a} kan inte ångras än: den senare importen {b} ({AUGUST_2026.name}, "
    )
    assert message.endswith(f"Ångra import {b} först.")
    assert state(app) == after_b
    assert [r[-1] for r in runs(app)] == [False, False]
    for wrong, says in [(str(b + 1), f"Det finns ingen brottsimport {b + 1}."), ("0", "0")]:
        result = cli("import", "undo-crime", "--lang", "sv", wrong, "--yes")
        assert result.exit_code != 0
        assert says in result.stderr
    ok(cli("import", "undo-crime", "--lang", "sv", str(b), "--yes"))
    result = cli("import", "undo-crime", "--lang", "sv", str(b), "--yes")
    assert result.exit_code == 1
    assert f"Import {b} är redan ångrad" in result.stderr
    listed = ok(cli("import", "crime-runs", "--lang", "sv"))
    assert listed[0].startswith(f"import {b}: {AUGUST_2026.name} (events), ")
    assert ": tillagda 500, ändrade 0, oförändrade 0, " in listed[0]
    assert "; ångrad " in listed[0]
    assert listed[1].startswith(f"import {a}: {MARCH_2023.name} (events), ")
    assert "ångrad" not in listed[1]


def test_undo_forgets_unsent_deviations_and_keeps_those_mailed(app, cli, stockholm):
    ok(cli("import", "crime", str(MARCH_2023)))
    ok(cli("import", "crime", str(AUGUST_2026)))
    with app.app_context():
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        figures = {"count": 9, "expected": 1.0, "upper_limit": 4.0, "score": 3.0, "attempts": 0}
        # As the alert run after the second import would store them: one not yet told, one mailed.
        pending = DeviationAlert(area=bromma, category="Rån", month=dt.date(2026, 8, 1), **figures)
        mailed = DeviationAlert(area=bromma, category="Stöld", month=dt.date(2026, 8, 1), **figures)
        mailed.mail_sent_at = dt.datetime.now(dt.UTC)
        db.session.add_all([pending, mailed])
        db.session.commit()
        mailed_id = mailed.id
    ok(cli("import", "undo-crime", "--lang", "sv", "--yes"))
    with app.app_context():
        left = db.session.scalars(select(DeviationAlert.category)).all()
        assert db.session.scalars(select(DeviationMail)).all() == []
    assert left == ["Stöld"]
    with app.app_context():
        assert db.session.get(DeviationAlert, mailed_id).mail_sent_at is not None


def test_past_the_kept_imports_an_import_keeps_nothing_and_is_too_old(
    app, cli, tmp_path, stockholm, monkeypatch
):
    from survey.imports import crime_journal

    monkeypatch.setattr(crime_journal, "KEEP_UNDOABLE", 2)
    events = json.loads(MARCH_2023.read_text(encoding="utf-8"))
    for n in range(3):
        ok(
            cli(
                "import",
                "crime",
                str(_write(tmp_path, events[n * 100 : n * 100 + 100], f"{n}.json")),
            )
        )
    first, second, third = (run[0] for run in runs(app))
    with app.app_context():
        kept = {
            run.id: (run.undoable, run.scope) for run in db.session.scalars(select(CrimeImportRun))
        }
        rows = set(db.session.scalars(select(CrimeImportRow.import_id)))
    # The oldest keeps neither its rows nor what they covered (a Brå file's can be thousands).
    assert kept[first] == (False, {})
    assert kept[second][0]
    assert kept[second][1]
    assert rows == {second, third}
    ok(cli("import", "undo-crime", "--lang", "sv", "--yes"))
    ok(cli("import", "undo-crime", "--lang", "sv", "--yes"))
    result = cli("import", "undo-crime", "--lang", "sv", "--yes")
    assert result.exit_code == 1
    assert f"Import {first}" in result.stderr
    assert "för gammal" in result.stderr


@pytest.mark.parametrize(
    ("typed", "undone"),
    [("j\n", True), ("ja\n", True), ("y\n", True), ("\n", False), ("nej\n", False)],
)
def test_the_swedish_question_takes_a_swedish_yes(app, cli, tmp_path, stockholm, typed, undone):
    events = json.loads(MARCH_2023.read_text(encoding="utf-8"))[:50]
    ok(cli("import", "crime", str(_write(tmp_path, events, "a.json"))))
    result = cli("import", "undo-crime", "--lang", "sv", input=typed)
    assert "Ångra den här importen? [j/N]" in result.stderr
    assert (result.exit_code == 0) is undone
    assert [r[-1] for r in runs(app)] == [undone]
    if not undone:  # said in the question's language, not click's "Aborted!"
        assert result.exit_code == 1
        assert "Avbrutet: inget har ändrats." in result.stderr
        assert "Aborted!" not in result.stderr

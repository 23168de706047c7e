"""trygghet export dialogues: JSON with nested issues, CSV with one row per issue."""

import csv
import io
import json

from sqlalchemy import event

from survey.extensions import db
from survey.reports.raw_data import DIALOGUE_COLUMNS, ISSUE_COLUMNS, write_dialogues
from tests.common.dialogues import make_dialogue, org_fixture, ref_fixture  # noqa: F401 (fixtures)


def _two_dialogues(app, ref):
    make_dialogue(
        app,
        ref,
        issues=[
            {
                "problem": "alcohol",
                "place_id": "place:akeshov",
                "times": "evening;night",
                "raised_by": 3,
                "quote": 'Sa "hej" på Åkeshov',
                "measure": "Mer belysning",
            },
            {"problem": "other", "weight": 2},
        ],
    )
    make_dialogue(
        app,
        ref,
        held_on="2026-04-01",
        place_id="",
        organizer="Närpolis Ekerö",
        area_id="area:ekero",
    )


def test_export_dialogues_as_json(app, cli, ref):
    _two_dialogues(app, ref)
    result = cli("export", "dialogues", "--format", "json")
    assert result.exit_code == 0
    first, second = json.loads(result.output)
    assert first | {"issues": None, "id": None} == {
        "id": None,
        "held_on": "2026-03-10",
        "area": "bromma",
        "place": "brommaplan",
        "kind": "medborgardialog",
        "participants": {"residents": 12, "partners": 0, "staff": 0},
        "organizer": "Kommunpolis Bromma",
        "notes": None,
        "issues": None,
    }
    assert first["issues"] == [
        {
            "position": 1,
            "place": "akeshov",
            "problem": "alcohol",
            "times": ["evening", "night"],
            "raised_by": 3,
            "weight": None,
            "quote": 'Sa "hej" på Åkeshov',
            "measure": "Mer belysning",
        },
        {
            "position": 2,
            "place": None,
            "problem": "other",
            "times": [],
            "raised_by": None,
            "weight": 2,
            "quote": None,
            "measure": None,
        },
    ]
    assert (second["area"], second["place"], second["issues"]) == ("ekero", None, [])
    assert second["organizer"] == "Närpolis Ekerö"


def test_export_dialogues_as_csv_to_a_file(app, cli, ref, tmp_path):
    _two_dialogues(app, ref)
    out = tmp_path / "dialogues.csv"
    result = cli("export", "dialogues", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0
    assert "2 dialogues written" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert list(rows[0]) == DIALOGUE_COLUMNS + ISSUE_COLUMNS
    assert len(rows) == 3  # two issues, and one row for the dialogue without any
    assert [r["area"] for r in rows] == ["bromma", "bromma", "ekero"]
    assert rows[0]["dialogue_id"] == rows[1]["dialogue_id"] != rows[2]["dialogue_id"]
    assert (rows[0]["issue_place"], rows[0]["times"], rows[0]["raised_by"]) == (
        "akeshov",
        "evening;night",
        "3",
    )
    assert rows[0]["quote"] == 'Sa "hej" på Åkeshov'
    assert (rows[1]["issue_position"], rows[1]["weight"], rows[1]["raised_by"]) == ("2", "2", "")
    assert all(rows[2][c] == "" for c in ISSUE_COLUMNS)
    assert rows[2]["organizer"] == "Närpolis Ekerö"


def test_export_of_no_dialogues(cli):
    assert json.loads(cli("export", "dialogues", "--format", "json").output) == []
    header = cli("export", "dialogues").output.strip().removeprefix("\ufeff")
    assert header == ",".join(DIALOGUE_COLUMNS + ISSUE_COLUMNS)


def test_export_queries_do_not_grow_with_the_dialogues(app, ref):
    def statements():
        seen = []
        with app.app_context():
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                write_dialogues(db.session, io.StringIO(), "json")
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    make_dialogue(app, ref, issues=[{"problem": "theft", "place_id": "place:alvik"}])
    few = statements()
    for _ in range(5):
        make_dialogue(app, ref, issues=[{"problem": "theft", "place_id": "place:nockeby"}])
    assert statements() == few

"""`trygghet import batches` and `trygghet import undo BATCH_ID`."""

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, CommentTag, ImportBatch
from survey.models.responses import batch_not_undone
from tests.common import factories
from tests.common.invitations import invitation_round
from tests.common.web import count_responses, stored_responses
from tests.imports.test_responses_codes import HEADER, TODAY, _used


def imported(cli, tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("submitted_on,place,relation\n" + rows, encoding="utf-8")
    result = cli("import", "responses", str(path))
    assert result.exit_code == 0, result.stderr
    return path


def batch_ids(app):
    """The ids of the batches not undone."""
    with app.app_context():
        query = select(ImportBatch.id).where(batch_not_undone()).order_by(ImportBatch.id)
        return db.session.scalars(query).all()


def test_batches_are_listed_newest_first(app, cli, tmp_path):
    assert cli("import", "batches").stderr == "no import batches\n"
    imported(cli, tmp_path, "first.csv", "2025-03-01,alvik,live\n")
    imported(cli, tmp_path, "second.csv", "2025-03-01,alvik,live\n2025-03-02,alvik,work\n")
    first, second = batch_ids(app)
    lines = cli("import", "batches").stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"batch {second}: second.csv, ")
    assert re.search(r", \d{4}-\d\d-\d\d \d\d:\d\d CES?T by cli, 2 answers sha256 ", lines[0])
    assert lines[1].startswith(f"batch {first}: first.csv, ")


def test_undo_deletes_the_batch_and_only_its_answers_in_one_go(app, cli, tmp_path):
    path = imported(cli, tmp_path, "mistake.csv", "2025-03-01,alvik,live\n")
    imported(cli, tmp_path, "good.csv", "2025-03-05,alvik,work\n")
    mistake, good = batch_ids(app)
    [answer] = [r for r in stored_responses(app) if r.import_batch_id == mistake]
    with app.app_context():
        factories.answer("brommaplan")
        db.session.add(CommentTag(response_id=answer.id, tag="trafik"))
        db.session.commit()
    refused = cli("import", "undo", str(mistake), input="n\n")
    assert refused.exit_code == 1
    assert count_responses(app) == 3
    result = cli("import", "undo", str(mistake), input="y\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"undone batch {mistake}: 1 answers deleted\n"
    assert f"batch {mistake}: mistake.csv" in result.stderr
    assert sorted((r.import_batch_id or 0) for r in stored_responses(app)) == [0, good]
    assert batch_ids(app) == [good]
    with app.app_context():
        assert db.session.scalars(select(CommentTag)).all() == []
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "responses.undo_import")
        )
    assert (event.actor, event.target_type, event.target_id) == ("cli", "ImportBatch", mistake)
    assert event.details["filename"] == "mistake.csv"
    assert event.details["deleted"] == 1
    assert len(event.details["checksum"]) == 64
    # The same file may come in again once its batch is undone.
    assert cli("import", "responses", str(path)).exit_code == 0


def test_the_batch_after_an_undone_one_never_gets_its_id(app, cli, tmp_path):
    # SQLite gives the highest id + 1: with the undone row deleted, the next batch got its
    # id, and the audit trail's "batch N" named two batches.
    imported(cli, tmp_path, "first.csv", "2025-03-01,alvik,live\n")
    [undone] = batch_ids(app)
    assert cli("import", "undo", str(undone), "--yes").exit_code == 0
    imported(cli, tmp_path, "second.csv", "2025-03-02,alvik,work\n")
    [new] = batch_ids(app)
    assert new > undone
    assert cli("import", "batches").stdout.startswith(f"batch {new}: second.csv, ")
    again = cli("import", "undo", str(undone), "--yes")
    assert again.exit_code == 1
    assert re.search(
        rf"Error: import batch {undone} \(first\.csv\) was already undone on"
        r" \d{4}-\d\d-\d\d \d\d:\d\d CES?T by cli: nothing changed\n",
        again.stderr,
    ), again.stderr


def test_undo_of_an_unknown_batch_is_an_error(app, cli):
    result = cli("import", "undo", "999", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: there is no import batch 999; 'trygghet import batches' lists them\n"
    )
    assert cli("import", "undo", "x").exit_code == 2


def test_undoing_answers_by_invitation_says_their_codes_stay_used(app, cli, tmp_path):
    _round_id, codes = invitation_round(app, count=3)
    path = tmp_path / "letters.csv"
    path.write_text(
        HEADER + f"{TODAY},brommaplan,3,{codes[0]}\n{TODAY},alvik,2,{codes[2]}\n", encoding="utf-8"
    )
    assert cli("import", "responses", str(path)).exit_code == 0
    [batch] = batch_ids(app)
    assert _used(app) == [True, False, True]
    result = cli("import", "undo", str(batch), "--yes")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"undone batch {batch}: 2 answers deleted"
    assert lines[1].startswith("2 invitation codes stay used: ")
    assert "nothing records which code an answer used" in lines[1]
    assert "2 invitation codes stay used" in result.stderr  # said before, too
    assert count_responses(app) == 0
    # The answers are gone, the codes are not freed: neither letter can answer again.
    assert _used(app) == [True, False, True]
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "responses.undo_import")
        )
    assert event.details["codes_kept_used"] == 2

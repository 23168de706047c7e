"""`trygghet backup FILE`: a consistent online copy of SQLite; pg_dump told for PostgreSQL.

The SQLite tests make their own SQLite database, so they run (and mean the same) on the
PostgreSQL run of the suite too; the PostgreSQL refusal is checked on both runs.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.backup import BackupRefused, backup, pg_dump_commands
from survey.cli import main
from survey.db import make_engine
from survey.extensions import db
from survey.migrate import upgrade
from survey.models import Place, Response
from survey.seed import load_defaults
from survey.services.responses import record_response
from tests.common.web import VALID_ANSWER, local_today, submit

TODAY = local_today()
PG_URL = "postgresql+psycopg://trygghet:s3cret@db.example:5432/trygghet?options=-csearch_path%3Dapp"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite database with the default places, whatever TEST_DATABASE_URL is."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine) as session:
        load_defaults(session)
        session.commit()
    engine.dispose()
    return url


def run_backup(tmp_path: Path, url: str, *args: str):
    runner = CliRunner(
        env={
            "DATABASE_URL": url,
            "TRYGGHET_INSTANCE": str(tmp_path / "instance"),
            "SECRET_KEY": "",
        }
    )
    return runner.invoke(main, ["backup", *args])


def response_ids(url: str) -> list[int]:
    engine = make_engine(url)
    with Session(engine) as session:
        ids = list(session.scalars(select(Response.id).order_by(Response.id)))
    engine.dispose()
    return ids


def test_a_restored_backup_holds_every_answer(make_app, sqlite_url, tmp_path):
    app = make_app(DATABASE_URL=sqlite_url)
    client = app.test_client()
    for slug in ("alvik", "brommaplan", "alvik"):
        assert submit(client, slug, VALID_ANSWER | {"comment": f"vid {slug}"}).status_code == 303
    target = tmp_path / "backup.db"

    result = run_backup(tmp_path, sqlite_url, str(target))

    assert result.exit_code == 0, result.output
    assert f"written to {target}" in result.output
    assert "3 responses" in result.output
    assert target.stat().st_mode & 0o077 == 0  # the answers are readable by the owner only
    assert not Path(f"{target}-wal").exists()  # one self-contained file
    # Restore: point an app at the copy, as after copying it over the database file.
    restored = make_app(DATABASE_URL=f"sqlite:///{target}")
    with restored.app_context():
        rows = db.session.execute(
            select(Place.slug, Response.comment).join(Place).order_by(Response.id)
        ).all()
    assert rows == [
        ("alvik", "vid alvik"),
        ("brommaplan", "vid brommaplan"),
        ("alvik", "vid alvik"),
    ]
    assert submit(restored.test_client(), "alvik", VALID_ANSWER).status_code == 303


def test_a_backup_while_answers_are_written_is_consistent(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        place = session.scalars(select(Place).where(Place.slug == "alvik")).one()
        for i in range(3000):
            record_response(
                session, place, 1, VALID_ANSWER | {"comment": f"svar {i} " * 20}, submitted_on=TODAY
            )
        session.commit()
        place_id = place.id
    stop = threading.Event()
    committed: list[int] = []
    failures: list[BaseException] = []

    def keep_answering() -> None:
        try:
            with Session(engine) as session:
                place = session.get(Place, place_id)
                while not stop.is_set():
                    answer = record_response(session, place, 1, VALID_ANSWER, submitted_on=TODAY)
                    session.commit()
                    committed.append(answer.id)
        except BaseException as exc:  # noqa: BLE001 (reported by the test below)
            failures.append(exc)

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 30
        while len(committed) < count and not failures and time.monotonic() < deadline:
            time.sleep(0.005)

    writer = threading.Thread(target=keep_answering)
    writer.start()
    try:
        wait_for(20)  # the writer is under way before the backup starts
        before = response_ids(sqlite_url)
        result = backup(sqlite_url, tmp_path / "copy.db")
        wait_for(len(before) - 3000 + 20)  # and goes on after it
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert not failures
    assert len(committed) >= len(before) - 3000 + 20

    copied = response_ids(f"sqlite:///{tmp_path / 'copy.db'}")
    everything = response_ids(sqlite_url)
    assert set(before) <= set(copied)
    # One snapshot: exactly the answers committed up to some moment, none torn or skipped.
    assert copied == everything[: len(copied)]
    assert result.responses == len(copied)
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_an_existing_file_is_kept_unless_forced(sqlite_url, tmp_path):
    target = tmp_path / "backup.db"
    target.write_bytes(b"an older backup")

    refused = run_backup(tmp_path, sqlite_url, str(target))
    assert refused.exit_code == 1
    assert "exists already; give --force to overwrite it" in refused.output
    assert target.read_bytes() == b"an older backup"

    forced = run_backup(tmp_path, sqlite_url, "--force", str(target))
    assert forced.exit_code == 0, forced.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM place").fetchone()[0] > 0
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///{tmp}/missing.db", "there is no database file at"),
        ("sqlite://", "an in-memory SQLite database has nothing to back up"),
        ("mysql://u@h/d", "cannot back up a mysql database"),
    ],
)
def test_nothing_to_back_up_is_a_message(tmp_path, url, message):
    result = run_backup(tmp_path, url.format(tmp=tmp_path), str(tmp_path / "b.db"))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "missing.db").exists()
    assert not (tmp_path / "b.db").exists()


def test_the_database_itself_is_never_overwritten(sqlite_url, tmp_path):
    with pytest.raises(BackupRefused, match="cannot overwrite the database itself"):
        backup(sqlite_url, tmp_path / "live.db", force=True)


def test_postgresql_is_refused_with_the_pg_dump_and_pg_restore_commands(tmp_path):
    result = run_backup(tmp_path, PG_URL, str(tmp_path / "trygghet.dump"))
    assert result.exit_code == 1
    uri = "'postgresql://trygghet@db.example:5432/trygghet?options=-csearch_path%3Dapp'"
    assert f"pg_dump --format=custom --file {tmp_path}/trygghet.dump {uri}" in result.output
    assert (
        f"pg_restore --clean --if-exists --no-owner --dbname {uri} {tmp_path}/trygghet.dump"
        in result.output
    )
    assert "s3cret" not in result.output  # the password belongs in PGPASSWORD or ~/.pgpass
    assert "PGPASSWORD" in result.output
    assert not (tmp_path / "trygghet.dump").exists()


def test_the_pg_dump_command_quotes_for_the_shell():
    [dump, _restore] = pg_dump_commands("postgresql+psycopg://u@h/d", "my backup.dump")
    assert dump == "pg_dump --format=custom --file 'my backup.dump' postgresql://u@h/d"

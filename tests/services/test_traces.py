"""Traces an erased or expired comment must not leave: database bytes, WAL, file modes, audit."""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from survey.db import FILE_MODE, make_engine
from survey.extensions import db
from survey.models import AuditEvent, CommentTag, Place, Response
from survey.services.comments import add_tag
from tests.common.database import TEST_DATABASE_URL
from tests.common.web import post_form
from tests.services.test_privacy import CONFIRM, ERASE, _answer

sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite files only")


def _files(app) -> list[Path]:
    path = Path(make_url(app.config["DATABASE_URL"]).database)
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def _on_disk(app) -> bytes:
    """The bytes of the database and its -wal and -shm files, read by another process: a
    descriptor of a database file closed in this one would drop every POSIX lock this process
    holds on it, and SQLite's locks with them (later tests then met "disk I/O error")."""
    paths = [str(file) for file in _files(app) if file.exists()]
    reader = "import sys; [sys.stdout.buffer.write(open(p, 'rb').read()) for p in sys.argv[1:]]"
    return subprocess.run(  # noqa: S603 (this interpreter, our own paths)
        [sys.executable, "-c", reader, *paths], check=True, capture_output=True
    ).stdout


@pytest.fixture
def admin(client, auth):
    client.get("/?lang=en")
    auth.login("admin")
    return client


@sqlite_only
def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.is_file()}
    engine.dispose()
    assert set(modes) >= {"new.db", "new.db-wal", "new.db-shm"}
    assert set(modes.values()) == {FILE_MODE} == {0o600}


@sqlite_only
def test_an_existing_world_readable_database_is_made_owner_only(tmp_path):
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_secure_delete_is_on(app):
    if TEST_DATABASE_URL:
        pytest.skip("a SQLite pragma")
    with app.app_context():
        assert db.session.execute(select(1)).scalar() == 1
        assert db.session.connection().exec_driver_sql("PRAGMA secure_delete").scalar() == 1


@sqlite_only
def test_erased_comment_text_is_in_neither_the_database_nor_its_wal(app, make_app, admin):
    secret = f"Hemlig-{uuid.uuid4().hex}"
    resident = make_app().test_client()
    _, _, code = _answer(resident, "brommaplan", comment=f"{secret} vid torget.")
    assert secret.encode() in _on_disk(app)  # the attack: read the files' bytes
    erased = post_form(admin, CONFIRM, {"code": code}, token_from=ERASE)
    assert erased.status_code == 303
    assert secret.encode() not in _on_disk(app)
    assert secret.encode("utf-16-le") not in _on_disk(app)


@sqlite_only
def test_retention_leaves_no_expired_comment_text_on_disk(app, cli):
    secret = f"Gammal-{uuid.uuid4().hex}"
    with app.app_context():
        place = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        db.session.add(
            Response(
                place_id=place.id,
                submitted_on=dt.date(2000, 1, 1),
                questionnaire_version=1,
                source="web",
                comment=secret,
            )
        )
        db.session.commit()
    assert secret.encode() in _on_disk(app)
    result = cli("retention", "--older-than", "24m")
    assert result.exit_code == 0, result.output
    assert secret.encode() not in _on_disk(app)


def _tag_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("comment_tag.%")))
        )


def test_erasure_drops_the_tag_text_from_the_audit_trail(app, make_app, admin):
    resident = make_app().test_client()
    _, _, code = _answer(resident, "brommaplan", comment="Mörkt.")
    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.comment == "Mörkt."))
        add_tag(db.session, response, "knarkhandel-vid-kiosken")
        db.session.commit()
    assert "knarkhandel" in repr([e.details for e in _tag_events(app)])
    post_form(admin, CONFIRM, {"code": code}, token_from=ERASE)
    events = _tag_events(app)
    assert len(events) == 1  # that it was tagged stays on record; with what does not
    assert "knarkhandel" not in repr([(e.details, e.target_id) for e in events])


def test_retention_drops_the_tag_text_from_the_audit_trail(app, cli):
    with app.app_context():
        place = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        response = Response(
            place_id=place.id,
            submitted_on=dt.date(2000, 1, 1),
            questionnaire_version=1,
            source="web",
            comment="Gammal kommentar",
        )
        db.session.add(response)
        db.session.flush()
        add_tag(db.session, response, "hundbajs-på-gården")
        db.session.commit()
    assert cli("retention", "--older-than", "24m").exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(CommentTag.id)) is None
    assert "hundbajs" not in repr([e.details for e in _tag_events(app)])

"""trygghet db upgrade says from which revision to which it moved the schema."""

from __future__ import annotations

from click.testing import CliRunner

from survey.cli import main
from survey.db import make_engine
from survey.migrate import current_revision, upgrade
from tests.common.apps import SECRET_KEY


def _newest() -> str:
    from alembic.script import ScriptDirectory

    from survey.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _runner(tmp_path) -> CliRunner:
    return CliRunner(env={"TRYGGHET_DATA_DIR": str(tmp_path), "SECRET_KEY": SECRET_KEY})


def _revision(tmp_path) -> str | None:
    engine = make_engine(f"sqlite:///{tmp_path / 'trygghet.db'}")
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def test_an_upgrade_names_both_revisions_then_says_nothing_was_done(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'trygghet.db'}")
    with engine.begin() as connection:
        upgrade(connection, "0024")
    engine.dispose()
    runner, newest = _runner(tmp_path), _newest()

    first = runner.invoke(main, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"database upgraded from revision 0024 to {newest}, the newest" in first.stdout
    assert _revision(tmp_path) == newest

    again = runner.invoke(main, ["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert f"database is up to date: already at the newest revision {newest}" in again.stdout
    assert "upgraded" not in again.stdout


def test_a_new_database_is_created_at_the_newest_revision(tmp_path):
    result = _runner(tmp_path).invoke(main, ["db", "init"])
    assert result.exit_code == 0, result.output
    assert "a new, empty database" in result.stderr
    assert f"database created at the newest revision {_newest()}" in result.stdout
    assert "default data loaded" in result.stdout

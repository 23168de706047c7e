"""A setting that cannot work stops every command at start: one message naming it and what is
allowed, exit code 1, no traceback, and nothing written (no folder, database or key)."""

from __future__ import annotations

import os
import socket

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from survey.cli import main

#: Variables of the test process that would choose another data folder or database.
CHOOSERS = ("DATABASE_URL", "TRYGGHET_DATA_DIR", "TRYGGHET_INSTANCE", "SECRET_KEY")


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run ``trygghet ARGS`` with the data folder tmp_path/data and ``env``; the result."""
    for name in CHOOSERS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRYGGHET_DATA_DIR", str(tmp_path / "data"))

    def invoke(*args: str, env: dict[str, str] | None = None, stdin: str = ""):
        return CliRunner().invoke(main, list(args), env=env or {}, input=stdin)

    return invoke


BAD_SETTINGS = [
    ({"TRYGGHET_BASE_URL": "trygghet.example.se"}, "TRYGGHET_BASE_URL='trygghet.example.se'"),
    ({"TRYGGHET_SUPPRESS_BELOW": "0"}, "TRYGGHET_SUPPRESS_BELOW='0' is not valid"),
    ({"SURVEY_RATE_LIMIT": "lots"}, "SURVEY_RATE_LIMIT='lots' is not valid"),
    ({"RATELIMIT_ENABLED": "maybe"}, "RATELIMIT_ENABLED='maybe' is not valid"),
    ({"TRYGGHET_ALERT_WEBHOOK_URL": "notaurl"}, "TRYGGHET_ALERT_WEBHOOK_URL='notaurl'"),
    ({"DATABASE_URL": "garbage"}, "DATABASE_URL is not valid: it is not a database URL"),
    ({"DATABASE_URL": "sqlite:////nonexistent/dir/x.db"}, "/nonexistent/dir"),
]


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@pytest.mark.parametrize("command", [["db", "init"], ["serve", "--port", _free_port()]])
@pytest.mark.parametrize(("env", "message"), BAD_SETTINGS)
def test_a_bad_setting_is_one_message_and_changes_nothing(run, tmp_path, command, env, message):
    done = run(*command, env=env)
    assert done.exit_code == 1, done.output
    assert message in done.output
    assert "Traceback" not in done.output
    assert isinstance(done.exception, SystemExit)
    assert "a new, empty database" not in done.output
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("env", "message"), BAD_SETTINGS[:5])
def test_a_bad_setting_stops_a_command_before_its_work(run, tmp_path, env, message):
    assert run("db", "init").exit_code == 0
    crimes = tmp_path / "crimes.csv"
    crimes.write_text("month;area;category;count\n2024-01;Vällingby;Stöld;12\n")
    done = run("import", "crime", str(crimes), env=env)
    assert done.exit_code == 1
    assert message in done.output
    assert "imported" not in done.output
    assert run("import", "crime-runs").output.count("\n") <= 1  # nothing was imported


def test_a_data_folder_that_is_a_file_is_refused_by_every_command(run, tmp_path):
    (tmp_path / "data").write_text("")
    for command in (["db", "init"], ["user", "list"], ["db", "new-secret-key", "--yes"]):
        done = run(*command)
        assert done.exit_code == 1
        assert "is a file, not a folder" in done.output
        assert "TRYGGHET_DATA_DIR=" in done.output


def test_a_missing_key_beside_a_database_with_data_is_not_made_silently(run, tmp_path):
    assert run("db", "init").exit_code == 0
    key = tmp_path / "data" / "secret_key"
    key.unlink()
    done = run("user", "list")
    assert done.exit_code == 1
    assert f"the secret key {key} is missing" in done.output
    assert "probably not restored with the database" in done.output
    assert "trygghet db new-secret-key" in done.output
    assert "invitation letters" in done.output
    assert not key.exists()
    # Saying no changes nothing; yes makes the key, and the commands run again.
    assert run("db", "new-secret-key", stdin="n\n").exit_code == 1
    assert not key.exists()
    made = run("db", "new-secret-key", stdin="y\n")
    assert made.exit_code == 0, made.output
    assert f"new secret key written to {key}" in made.output
    assert run("user", "list").exit_code == 0
    again = run("db", "new-secret-key", "--yes")
    assert again.exit_code == 1
    assert "exists: nothing changed" in again.output


def test_a_new_instance_still_makes_its_key(run, tmp_path):
    assert run("db", "init").exit_code == 0
    assert len((tmp_path / "data" / "secret_key").read_text().strip()) >= 32


def test_a_missing_postgresql_database_is_named_not_taken_for_missing_tables(run):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL of a PostgreSQL server")
    missing = make_url(url).set(database="trygghet_no_such_db", password="hidden-pw")
    env = {
        "DATABASE_URL": missing.render_as_string(hide_password=False),
        "SECRET_KEY": "k" * 40,
    }
    for command in (["db", "init"], ["user", "list"]):
        done = run(*command, env=env)
        assert done.exit_code == 1
        assert "the database trygghet_no_such_db does not exist" in done.output
        assert "createdb" in done.output
        assert "not set up yet" not in done.output
        assert "hidden-pw" not in done.output

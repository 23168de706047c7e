"""A data folder or database this user cannot write is a message naming them, not
SQLite's "attempt to write a readonly database" from every command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.cli import main, permissions
from tests.common.apps import SECRET_KEY


@pytest.fixture
def data(tmp_path) -> tuple[CliRunner, Path]:
    runner = CliRunner(env={"TRYGGHET_DATA_DIR": str(tmp_path), "SECRET_KEY": SECRET_KEY})
    made = runner.invoke(main, ["db", "init"])
    assert made.exit_code == 0, made.output
    return runner, tmp_path


def _read_only(monkeypatch, *paths: Path) -> None:
    # Root may write anything: the test pretends the modes of a data folder left 555/444.
    monkeypatch.setattr(permissions, "writable", lambda path: Path(path) not in paths)


@pytest.mark.parametrize("args", [["user", "list"], ["import", "batches"], ["db", "upgrade"]])
def test_a_read_only_folder_and_database_are_named(data, monkeypatch, args):
    runner, folder = data
    database = folder / "trygghet.db"
    _read_only(monkeypatch, folder, database)
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert f"cannot write {folder} and {database}: the data folder {folder}" in result.stderr
    assert "must be writable by the user running trygghet" in result.stderr
    assert "SQLite writes files beside the database even to read it" in result.stderr
    assert "readonly database" not in result.output
    assert "sqlalche.me" not in result.output


def test_only_the_database_read_only_names_it(data, monkeypatch):
    runner, folder = data
    _read_only(monkeypatch, folder / "trygghet.db")
    result = runner.invoke(main, ["user", "list"])
    assert result.exit_code == 1
    assert f"cannot write {folder / 'trygghet.db'}: the data folder {folder} and" in result.stderr


def test_a_writable_data_folder_works(data):
    runner, _folder = data
    assert runner.invoke(main, ["import", "batches"]).exit_code == 0


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anything")
def test_real_modes_500_and_444(data):
    runner, folder = data
    os.chmod(folder / "trygghet.db", 0o444)
    os.chmod(folder, 0o500)
    try:
        result = runner.invoke(main, ["user", "list"])
    finally:
        os.chmod(folder, 0o700)
        os.chmod(folder / "trygghet.db", 0o600)
    assert result.exit_code == 1
    assert "must be writable by the user running trygghet" in result.stderr

"""Where the data lives: one folder that survives reinstalling, found by every install.

The data folder is TRYGGHET_DATA_DIR, else ./instance in the working directory; never the
virtualenv. A database left where earlier versions kept it (Flask's instance folder inside
the virtualenv) is reported, or moved on request, never replaced by a new empty one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey import config
from survey.cli import main
from survey.config import data_dir
from tests.common.apps import SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
#: Variables that choose the data folder or the database; each test sets its own.
CHOOSERS = ("DATABASE_URL", "TRYGGHET_DATA_DIR", "TRYGGHET_INSTANCE", "SECRET_KEY")
PASSWORD = "a-long-enough-password"


def test_the_data_folder_is_instance_in_the_working_directory(monkeypatch, tmp_path):
    for name in CHOOSERS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert data_dir() == tmp_path / "instance"
    monkeypatch.setenv("TRYGGHET_DATA_DIR", str(tmp_path / "elsewhere"))
    assert data_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("TRYGGHET_DATA_DIR", "relative")
    assert data_dir() == tmp_path / "relative"  # made absolute now, not at each use


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CHOOSERS and k != "PYTHONPATH"}
    return env | {"PYTHONDONTWRITEBYTECODE": "1"} | extra


def _run(python: Path | str, cwd: Path, *args: str, env=None, stdin: str = ""):
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [str(python), "-m", "survey.cli", *args],
        cwd=cwd,
        env=env or _environment(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _copy_package(to: Path) -> Path:
    for package in ("survey", "analysis"):
        shutil.copytree(ROOT / package, to / package, ignore=shutil.ignore_patterns("__pycache__"))
    return to


def _path(*folders: Path) -> dict[str, str]:
    # The package's folder first, then the test environment's libraries. A PYTHONPATH
    # entry's .pth files are not read, so this repository's own checkout stays off the path.
    libraries = sysconfig.get_paths()["purelib"]
    return _environment(PYTHONPATH=os.pathsep.join([*map(str, folders), libraries]))


def _where(python: Path | str, env: dict[str, str], cwd: Path) -> list[str]:
    code = "import survey, sys; print(survey.__file__); print(sys.prefix)"
    done = subprocess.run(  # noqa: S603
        [str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_a_reinstall_and_an_editable_install_use_the_same_database(tmp_path):
    # An editable install puts the checkout on the path (a .pth file) in this virtualenv ...
    checkout = _copy_package(tmp_path / "checkout")
    python1, env1 = sys.executable, _path(checkout)
    # ... a reinstall is a new virtualenv with its own copy of the package.
    venv = tmp_path / "venv2"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    python2, env2 = venv / "bin" / "python", _path(_copy_package(tmp_path / "site"))
    project = tmp_path / "project"
    project.mkdir()
    assert _where(python1, env1, project) == [str(checkout / "survey/__init__.py"), sys.prefix]
    assert _where(python2, env2, project) == [str(tmp_path / "site/survey/__init__.py"), str(venv)]

    # The editable install creates the database ...
    made = _run(python1, project, "db", "init", env=env1)
    assert made.returncode == 0, made.stderr
    assert f"Data: {project / 'instance'} (a new, empty database)" in made.stderr
    created = _run(
        python1,
        project,
        *("user", "create", "first@example.se", "--role", "admin", "--password-stdin"),
        env=env1,
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    # ... and the other install, in another virtualenv, finds it in the same place.
    listed = _run(python2, project, "user", "list", env=env2)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("first@example.se\tadmin")
    again = _run(python2, project, "db", "init", env=env2)
    assert f"Data: {project / 'instance'}\n" in again.stderr  # not new this time

    # A database where earlier versions kept it (inside the virtualenv) is reported ...
    legacy = venv / "var" / "survey.app-instance"
    legacy.parent.mkdir()
    shutil.move(project / "instance", legacy)
    for command in (("user", "list"), ("db", "init"), ("demo",)):
        refused = _run(python2, project, *command, env=env2)
        assert refused.returncode == 1, command
        assert f"there is one in {legacy}" in refused.stderr
        assert "trygghet db move-legacy" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert not (project / "instance").exists()  # no new, empty database beside it
    # ... and moved on request, with its secret key.
    key = (legacy / "secret_key").read_text()
    moved = _run(python2, project, "db", "move-legacy", env=env2)
    assert moved.returncode == 0, moved.stderr
    assert f"from {legacy} to {project / 'instance'}" in moved.stdout
    assert not legacy.exists()
    assert (project / "instance" / "secret_key").read_text() == key
    listed = _run(python1, project, "user", "list", env=env1)
    assert listed.stdout.startswith("first@example.se\tadmin")


@pytest.fixture
def bare(monkeypatch, tmp_path) -> CliRunner:
    """A CLI in an empty working directory, with no database chosen, the venv at tmp_path."""
    for name in CHOOSERS:
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    monkeypatch.setattr(config, "PACKAGE_PARENT", tmp_path / "checkout")
    return CliRunner()


def test_a_database_in_the_old_folder_is_never_replaced_by_an_empty_one(bare, tmp_path):
    old = tmp_path / "venv" / "var" / "survey-instance"
    old.mkdir(parents=True)
    (old / "trygghet.db").write_bytes(b"")
    for args in (["serve"], ["db", "upgrade"], ["lagesbild"], ["backup", str(tmp_path / "b")]):
        result = bare.invoke(main, args)
        assert result.exit_code == 1, args
        assert f"there is one in {old}" in result.output
        assert not (tmp_path / "work" / "instance").exists()
    # A folder chosen on purpose is used as it is.
    chosen = bare.invoke(main, ["db", "init"], env={"TRYGGHET_DATA_DIR": str(tmp_path / "new")})
    assert chosen.exit_code == 0, chosen.output
    assert f"Data: {tmp_path / 'new'} (a new, empty database)" in chosen.output


def test_move_legacy_refuses_to_overwrite_and_says_when_there_is_nothing(bare, tmp_path):
    result = bare.invoke(main, ["db", "move-legacy"])
    assert result.exit_code == 1
    assert "nothing to move" in result.output
    old = tmp_path / "venv" / "var" / "survey.app-instance"
    old.mkdir(parents=True)
    (old / "trygghet.db").write_bytes(b"old")
    (old / "secret_key").write_text("k" * 40)
    target = tmp_path / "work" / "instance"
    target.mkdir()
    (target / "secret_key").write_text("n" * 40)
    result = bare.invoke(main, ["db", "move-legacy"])
    assert result.exit_code == 1
    assert "already holds secret_key: nothing moved" in result.output
    assert (old / "trygghet.db").read_bytes() == b"old"
    assert not (target / "trygghet.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["lagesbild", "--format", "json"],
        ["export", "responses"],
        ["export", "dialogues", "--format", "json"],
        ["user", "list"],
        ["publish", "--area", "bromma"],
        ["retention", "--dry-run"],
        ["backup", "copy.db"],
    ],
)
def test_commands_that_need_a_database_create_nothing_without_one(bare, tmp_path, args):
    result = bare.invoke(main, args, env={"TRYGGHET_DATA_DIR": str(tmp_path / "missing")})
    assert result.exit_code == 1
    assert f"no database at {tmp_path / 'missing' / 'trygghet.db'}" in result.output
    assert "run 'trygghet db init' first" in result.output
    assert not (tmp_path / "missing").exists()  # no folder, no database, no secret key
    assert list((tmp_path / "work").iterdir()) == []


def test_a_missing_sqlite_file_named_by_database_url_is_not_created(bare, tmp_path):
    url = f"sqlite:///{tmp_path / 'typo.db'}"
    result = bare.invoke(
        main, ["export", "responses"], env={"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
    )
    assert result.exit_code == 1
    assert f"no database at {tmp_path / 'typo.db'}" in result.output
    assert not (tmp_path / "typo.db").exists()

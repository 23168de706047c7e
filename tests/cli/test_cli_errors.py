"""The command line with bad paths and dates, its start-up imports and its progress bars."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

import pytest

from survey.cli import common
from tests.common.apps import SECRET_KEY

HEAVY = (
    *("numpy", "scipy", "matplotlib", "openpyxl", "fpdf", "alembic", "survey.app"),
    # The questionnaire's YAML is parsed where a questionnaire is used.
    *("yaml", "survey.questionnaire"),
    # The models (the package loads all of them).
    "survey.models",
    # Only the pages use these (CSRF and forms, login, rate limits).
    *("flask_wtf", "wtforms", "flask_login", "flask_limiter", "limits"),
)

WRITERS = [
    ["export", "responses"],
    ["export", "dialogues", "--format", "xlsx"],
    ["lagesbild", "--format", "pdf"],
    ["lagesbild", "--format", "csv", "--area", "bromma"],
]


@pytest.mark.parametrize("args", WRITERS)
def test_out_in_a_missing_folder_is_refused_before_any_work(runner, tmp_path, args):
    from survey.cli import main

    out = tmp_path / "no" / "such" / "folder" / "file.out"
    result = runner.invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 2
    assert f"the folder {out.parent} does not exist" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("args", WRITERS)
def test_out_where_nothing_can_be_written_is_a_message(runner, args):
    from survey.cli import main

    # sysfs takes no new files, not even from root.
    result = runner.invoke(main, [*args, "--out", "/sys/trygghet-export.out"])
    assert result.exit_code == 1, result.output
    assert "cannot write /sys/trygghet-export.out" in result.output
    assert "Traceback" not in result.output


def test_out_under_a_file_is_refused(runner, tmp_path):
    from survey.cli import main

    (tmp_path / "a-file").write_text("x")
    result = runner.invoke(main, ["export", "responses", "--out", str(tmp_path / "a-file/x.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_a_bad_date_says_how_to_write_one(cli):
    for bad in ("2026-13-01", "31/12/2026", "yesterday"):
        result = cli("lagesbild", "--from", bad)
        assert result.exit_code == 2
        assert f"'{bad}' is not a date: write it as YYYY-MM-DD, e.g. 2026-05-31" in result.output
        assert "%Y" not in result.output


def test_a_good_date_range_filters_the_picture(cli):
    result = cli("lagesbild", "--area", "bromma", "--from", "2026-01-01", "--to", "2026-01-31")
    assert result.exit_code == 0, result.output
    assert '"date_from": "2026-01-01"' in result.output


def _imported_after(args: list[str], env: dict[str, str]) -> list[str]:
    code = (
        "import sys\nfrom survey.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    assert not exit.code\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-c", code, *args],
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.splitlines()[-1].split()


def test_help_loads_no_heavy_library(fresh_database, tmp_path):
    assert _imported_after(["--help"], {}) == []


def test_user_list_loads_neither_the_pages_nor_the_analysis(fresh_database, tmp_path):
    # A database server needs a configured secret (SQLite makes one in the data folder).
    env = {
        "DATABASE_URL": fresh_database,
        "TRYGGHET_DATA_DIR": str(tmp_path),
        "SECRET_KEY": SECRET_KEY,
    }
    # The app without its pages: only the database layer, no numpy, no matplotlib, none of
    # the extensions only pages use, and no model.
    assert _imported_after(["user", "list"], env) == ["survey.app"]


def _read_all(leader: int) -> str:
    """Everything written to the terminal: one read may return only the first chunk."""
    drawn = b""
    while select.select([leader], [], [], 0.5)[0]:
        try:
            chunk = os.read(leader, 10_000)
        except OSError:  # EIO: the follower is closed and all is read
            break
        if not chunk:
            break
        drawn += chunk
    return drawn.decode()


def test_progress_draws_a_bar_on_a_terminal_only(monkeypatch):
    leader, follower = pty.openpty()
    with open(follower, "w", encoding="utf-8", closefd=True) as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        with common.progress(3, "Working") as update:
            for _ in range(3):
                update(1)
        terminal.flush()
    drawn = _read_all(leader)
    os.close(leader)
    assert "Working" in drawn
    assert "100%" in drawn
    monkeypatch.undo()
    with common.progress(3, "Silent") as update:
        update(1)  # a no-op when stderr is not a terminal (as under pytest)


def test_serve_on_a_taken_port_says_so_before_touching_the_database(runner, tmp_path):
    """gunicorn retried for 5 s, then said "Can't connect to ('[address]', 8000)"."""
    import socket

    from survey.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        data = tmp_path / "data"
        env = {"DATABASE_URL": "", "TRYGGHET_INSTANCE": "", "TRYGGHET_DATA_DIR": str(data)}
        result = runner.invoke(main, ["serve", "--port", str(port)], env=env)
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output
    assert "Traceback" not in result.output
    assert not data.exists()  # no database made for a server that cannot start


@pytest.mark.parametrize(
    "args",
    [
        ["import", "undo", "abc"],
        ["import", "undo-crime", "abc"],
        ["serve", "--port", "abc"],
        ["demo", "--answers", "abc"],
    ],
)
def test_a_number_option_that_is_no_number_says_integer_not_integer_range(runner, args):
    """click's IntRange said "'abc' is not a valid integer range.", as if it wanted 1-5."""
    from survey.cli import main

    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "'abc' is not a valid integer." in result.output

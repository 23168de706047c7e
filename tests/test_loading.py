"""Loading a command's modules with the garbage collector paused, then frozen."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from survey.loading import loading
from tests.common.apps import SECRET_KEY

# Run in a process of its own: freezing this test run's objects would keep its garbage.
ONE_COMMAND = """
import gc
from survey.loading import loading, one_command

one_command()
frozen = gc.get_freeze_count()
with loading():
    assert not gc.isenabled()
    with loading():  # a nested load (a command's modules after the app's) waits for the outer
        pass
    assert not gc.isenabled() and gc.get_freeze_count() == frozen
    loaded = [[index] for index in range(5000)]
assert gc.isenabled()
assert gc.get_freeze_count() >= frozen + 5000, gc.get_freeze_count()
try:
    with loading():
        raise KeyError("a failed import")
except KeyError:
    pass
assert gc.isenabled()
print("ok")
"""


def test_a_command_loads_with_the_collector_paused_then_frozen():
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", ONE_COMMAND], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_outside_a_command_loading_changes_nothing():
    frozen = gc.get_freeze_count()
    with loading():
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_console_script_runs_one_command():
    # The installed ``trygghet`` and ``python -m survey.cli`` enter through console().
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "trygghet"]
    assert script.value == "survey.cli:console"


def test_a_command_runs_through_the_console_entry(fresh_database, tmp_path):
    env = {"DATABASE_URL": fresh_database, "TRYGGHET_DATA_DIR": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "survey.cli", "user", "list"],
        env=os.environ | env | {"SECRET_KEY": SECRET_KEY},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr

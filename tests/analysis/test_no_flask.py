"""The analysis package stays pure: importing any of its modules imports no Flask."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import analysis

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, pkgutil, sys
import analysis
names = [m.name for m in pkgutil.iter_modules(analysis.__path__)]
for name in names:
    importlib.import_module("analysis." + name)
web = sorted(m for m in sys.modules if m.split(".")[0] in {"flask", "flask_login", "survey"}
             or m.startswith("flask_"))
print(len(names), ",".join(web))
"""


def test_analysis_modules_import_no_flask() -> None:
    # A fresh interpreter: this test process has imported Flask already.
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    count, web = done.stdout.rstrip("\n").split(" ", 1)
    assert int(count) == len(list(pkgutil.iter_modules(analysis.__path__)))
    assert int(count) >= 3  # stats, survey, weights at least
    assert web == "", f"analysis imports {web}"

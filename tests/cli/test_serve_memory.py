"""`trygghet serve` keeps freed memory for reuse instead of giving it back to the kernel at
once (survey.cli.serve.keep_freed_memory): measured by the page faults of memory allocated
again, in a thread as in a gunicorn worker."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

# The module, not the click command of the same name that survey.cli exports.
serve = importlib.import_module("survey.cli.serve")

GLIBC = hasattr(os, "confstr") and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
glibc_only = pytest.mark.skipif(not GLIBC, reason="glibc's malloc only")

#: Prints whether the thresholds were set, then the page faults per round of memory allocated
#: again in a thread: a SQLite page cache (2 MB in 4 kB blocks, freed together) or one 1 MB
#: block (a PDF's, say). Each kind in a process of its own: one changes glibc's defaults for
#: the other (freeing a large block raises its thresholds).
PROBE = """
import resource, sys, threading
from survey.cli.serve import keep_freed_memory
print(keep_freed_memory() if sys.argv[1] == "set" else "untouched")
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def cache():
    blocks = [bytearray(4096) for _ in range(512)]
    del blocks
def large():
    block = b"x" * (1 << 20)
    del block
churn = cache if sys.argv[2] == "cache" else large
found = []
def run():
    churn()
    churn()
    before = faults()
    for _ in range(10):
        churn()
    found.append((faults() - before) // 10)
thread = threading.Thread(target=run)
thread.start()
thread.join()
print(found[0])
"""


def _probe(kind: str, set_thresholds: bool = True, env: dict[str, str] | None = None) -> int:
    """Page faults per round of ``kind`` ("cache" or "large"); asserts whether the thresholds
    were set as asked."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", PROBE, "set" if set_thresholds else "untouched", kind],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_"))}
        | (env or {}),
    )
    applied, faults = done.stdout.split()
    assert applied == ("True" if set_thresholds and not env else "False" if env else "untouched")
    return int(faults)


@glibc_only
def test_freed_memory_is_used_again_without_page_faults():
    assert _probe("cache") <= 16  # of the 512 pages of the cache
    assert _probe("large") <= 16  # of the 256 pages of the block


@glibc_only
def test_without_it_glibc_gives_a_page_cache_back_each_time():
    # The cost the setting avoids: each round faults the cache's pages in and zeroes them.
    assert _probe("cache", set_thresholds=False) >= 256


@glibc_only
@pytest.mark.parametrize(
    "env",
    [
        {"MALLOC_TRIM_THRESHOLD_": "131072"},
        {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"},
    ],
)
def test_the_administrators_own_setting_wins(env):
    assert _probe("cache", env=env) >= 256


def test_the_server_sets_it_before_the_workers_fork(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(serve, "keep_freed_memory", lambda: calls.append("thresholds"))
    monkeypatch.setattr(serve._Server, "run", lambda _self: calls.append("gunicorn"))
    serve.serve_wsgi(object(), serve.gunicorn_options("127.0.0.1", 8000, 2, 4))
    assert calls == ["thresholds", "gunicorn"]

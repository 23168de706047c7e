"""`trygghet serve` keeps freed memory for reuse instead of giving it back to the kernel at
once (survey.cli.serve.keep_freed_memory): measured on the process's resident memory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GLIBC = hasattr(os, "confstr") and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
pytestmark = pytest.mark.skipif(not GLIBC, reason="glibc's malloc only")

#: Allocates 16 MB in 64 kB blocks (below malloc's mmap threshold, so from the heap), frees
#: them and prints how much more memory the process holds than before.
PROBE = """
import os
from survey.cli.serve import keep_freed_memory
print(keep_freed_memory())
def resident():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
before = resident()
blocks = [bytes(64 * 1024) for _ in range(256)]
del blocks
print((resident() - before) // 2**20)
"""


def _probe(tuned: bool, env: dict[str, str] | None = None) -> tuple[str, int]:
    code = PROBE if tuned else PROBE.replace("print(keep_freed_memory())", "print('untuned')")
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | (env or {}),
    )
    applied, kept = done.stdout.split()
    return applied, int(kept)


def test_freed_memory_is_kept_for_the_next_request():
    applied, kept = _probe(tuned=True)
    assert applied == "True"
    # Most of the 16 MB freed stay with the process, for the next answer's cache (some of
    # the blocks reuse memory freed earlier, which the process held already).
    assert kept >= 8


def test_without_it_glibc_gives_freed_memory_back():
    # The cost the setting avoids: the same 16 MB are returned to the kernel at once, and
    # must be faulted in and zeroed again page by page when next allocated.
    assert _probe(tuned=False)[1] <= 2


def test_the_administrators_own_threshold_wins():
    applied, kept = _probe(tuned=True, env={"MALLOC_TRIM_THRESHOLD_": "131072"})
    assert applied == "False"
    assert kept <= 2

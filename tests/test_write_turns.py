"""Survey answers take turns writing to a SQLite file: across processes (the server's workers)
and across the threads of one process, a writer waits until the one before it is done, and
goes on as soon as it is."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from contextlib import contextmanager

from survey.db import make_engine, write_turn

#: How long a writer that should wait is watched: if the turns did not hold, it would be
#: through in a few milliseconds.
WATCH_SECONDS = 0.5

HOLDER = textwrap.dedent(
    """
    import sys
    from survey.db import make_engine, write_turn

    engine = make_engine(sys.argv[1])
    with write_turn(engine):
        print("held", flush=True)
        sys.stdin.readline()
    print("released", flush=True)
    """
)


@contextmanager
def _holding(url: str):
    """Another process that holds its turn until told to go ("go" on its input)."""
    with subprocess.Popen(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", HOLDER, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "held"
            yield holder
        finally:
            holder.kill()


def _waiter(engine, **wait):
    """A thread that takes a turn; its event is set once it has one."""
    through = threading.Event()

    def take() -> None:
        with write_turn(engine, **wait):
            through.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    return thread, through


def test_a_writer_waits_for_another_process_and_goes_on_when_it_is_done(tmp_path):
    url = f"sqlite:///{tmp_path / 'survey.db'}"
    engine = make_engine(url)
    with _holding(url) as holder:
        thread, through = _waiter(engine)
        assert not through.wait(WATCH_SECONDS), "a writer did not wait for another process"
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        assert through.wait(10)
        thread.join(10)
    # The turns' file sits beside the database, readable by its owner only, as the database.
    assert (tmp_path / "survey.db-writer").stat().st_mode & 0o777 == 0o600


def test_no_writer_waits_for_its_turn_longer_than_the_busy_timeout(tmp_path):
    """A turn held too long (a writer stuck behind an import's lock, say): the next writer
    goes on without one, and SQLite's own busy timeout decides, rather than a queue of them."""
    url = f"sqlite:///{tmp_path / 'survey.db'}"
    engine = make_engine(url)
    with _holding(url) as holder:
        thread, through = _waiter(engine, wait=0.2)
        assert through.wait(10), "a writer waited on past its limit"
        thread.join(10)
        assert holder.poll() is None  # the other process still holds its turn
    # Nothing was left taken: the next writer has its turn at once (not after 5 s).
    thread, through = _waiter(engine)
    assert through.wait(1)
    thread.join(10)
    # A thread's wait for another thread of its process is bounded the same way.
    with write_turn(engine):
        thread, through = _waiter(engine, wait=0.2)
        assert through.wait(10)
        thread.join(10)


def test_threads_of_one_process_take_turns(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'survey.db'}")
    with write_turn(engine):
        thread, through = _waiter(engine)
        assert not through.wait(WATCH_SECONDS), "a thread did not wait for the other"
    assert through.wait(10)
    thread.join(10)


def test_a_database_in_memory_takes_no_turns():
    """One connection in one process: nothing to order, and no file to lock."""
    engine = make_engine("sqlite://")
    with write_turn(engine):
        thread, through = _waiter(engine)
        assert through.wait(10)
    thread.join(10)

"""Backups: a consistent copy of a SQLite database while the app runs; pg_dump for PostgreSQL.

A SQLite database is copied with SQLite's online backup API, never as a file: a file copy
taken while an answer is written (or with changes still in the -wal file) can be torn or
miss committed answers. The copy is written next to FILE under a temporary name, checked
with ``PRAGMA integrity_check`` and only then renamed to FILE, so FILE is never half written.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

#: How long the backup waits for a writer's lock before giving up (ms).
BUSY_TIMEOUT_MS = 10_000


class BackupRefused(Exception):
    """No backup was written; the message says why and what to do instead."""


@dataclass
class BackupResult:
    source: str
    target: Path
    size: int
    #: Answers in the copy, or None when the database has no response table yet.
    responses: int | None

    def summary(self) -> str:
        """One line for the person who made the backup."""
        answers = "" if self.responses is None else f", {self.responses} responses"
        return f"backup of {self.source} written to {self.target} ({self.size} bytes{answers})"


def pg_dump_commands(url: str, target: str) -> list[str]:
    """The pg_dump and pg_restore commands that back up and restore this PostgreSQL URL."""
    # libpq takes a plain postgresql:// URI (no SQLAlchemy driver); the password stays out of
    # the command line (and shell history): PGPASSWORD or ~/.pgpass supply it.
    parsed = make_url(url)
    libpq = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    uri = libpq.render_as_string(hide_password=False)
    return [
        shlex.join(["pg_dump", "--format=custom", "--file", target, uri]),
        shlex.join(["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", uri, target]),
    ]


def _postgresql_message(url: str, target: str) -> str:
    dump, restore = pg_dump_commands(url, target)
    return (
        "the database is PostgreSQL: back it up with PostgreSQL's own tool, which makes a"
        " consistent copy while the app runs:\n"
        f"  {dump}\n"
        "and restore it (into an upgraded, empty or the same database) with:\n"
        f"  {restore}\n"
        "(give the password in PGPASSWORD or ~/.pgpass)"
    )


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL; refuse other databases and in-memory ones."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise BackupRefused(f"DATABASE_URL is not a database URL: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend != "sqlite":
        raise BackupRefused(f"cannot back up a {backend} database; use its own backup tool")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupRefused("an in-memory SQLite database has nothing to back up")
    return Path(parsed.database)


def _response_count(connection: sqlite3.Connection) -> int | None:
    try:
        return connection.execute("SELECT count(*) FROM response").fetchone()[0]
    except sqlite3.OperationalError:  # no such table: a database not set up yet
        return None


def backup(url: str, target: str | os.PathLike[str], force: bool = False) -> BackupResult:
    """Copy the database of url into target, consistently, while others may write to it."""
    target = Path(target)
    backend = ""
    with contextlib.suppress(ArgumentError):
        backend = make_url(url).get_backend_name()
    if backend == "postgresql":
        raise BackupRefused(_postgresql_message(url, str(target)))
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupRefused(f"there is no database file at {source}")
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists already; give --force to overwrite it")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupRefused("the backup cannot overwrite the database itself")
    if not target.parent.is_dir():
        raise BackupRefused(f"the folder {target.parent} does not exist")
    # mode=rw: a wrong path must not create a new, empty database.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dest = sqlite3.connect(temporary)
        try:
            # All pages in one step: that step reads one snapshot, while in WAL mode writers
            # go on. Copying in several steps would restart whenever the app writes between
            # them, and so might never finish on a busy server.
            src.backup(dest, pages=-1)
            # The copy is one self-contained file, without a -wal beside it.
            dest.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in dest.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupRefused("the copy failed its integrity check: " + "; ".join(problems))
            responses = _response_count(dest)
        finally:
            dest.close()
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise BackupRefused(f"the backup failed: {exc}") from exc
    finally:
        src.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return BackupResult(str(source), target, target.stat().st_size, responses)

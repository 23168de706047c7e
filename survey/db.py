"""The database extension: one engine per app, one session per request or CLI command."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard, TypeVar

from flask import Flask, abort, current_app
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

T = TypeVar("T")

#: How long a SQLite writer waits for a lock before giving up (ms).
SQLITE_BUSY_TIMEOUT_MS = 5000
#: How often a writer waiting for its turn (see _WriteTurns) tries the other processes' lock.
TURN_POLL_S = 0.0002
#: How long a checkpoint after an erasure waits for readers to finish (ms).
CHECKPOINT_WAIT_MS = 1000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings Trygghet relies on for each backend."""
    # Never put bound values (residents' answers and comments) into error messages and logs.
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _owner_only(parsed.database)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args = kwargs.pop("connect_args", {})
        # A server that is down must give a quick 503, not a hanging request.
        connect_args.setdefault("connect_timeout", 3)
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    return create_engine(url, **kwargs)


#: Run on every new SQLite connection (bench/load.py gives its floor the same ones).
SQLITE_PRAGMAS = (
    # A writer waits this long for the write lock before the request gets a 503.
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    # WAL lets readers go on while one answer is written. In WAL mode synchronous=NORMAL
    # syncs at checkpoints, not at every commit: a committed answer survives a crash or kill
    # of the process (it is in the WAL file), but the last commits may be lost on power loss
    # or an OS crash. FULL fsyncs every answer: bench/load.py's bare insert fell from
    # ~2,300-3,300 to ~1,500 requests/s with it (the survey itself is CPU-bound).
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    # Deleted rows (an erased answer, an expired comment) are overwritten with zeros, not
    # left in free pages of the file.
    "PRAGMA secure_delete = ON",
)

#: The database file, and so its -wal and -shm files (SQLite gives them the database file's
#: permissions), are readable by their owner only: they hold residents' answers.
FILE_MODE = 0o600


def _on_disk(database: str | None) -> TypeGuard[str]:
    """Whether a SQLite URL's database is a plain file path (not memory, not a file: URI)."""
    return bool(database) and database != ":memory:" and not database.startswith("file:")


def driver_error(dialect: Any, exc: Exception, statement: str | None = None) -> DBAPIError:
    """A DB-API error of a statement run outside SQLAlchemy, as SQLAlchemy would raise it
    (an IntegrityError as an IntegrityError), with the parameters hidden."""
    return DBAPIError.instance(
        statement, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
    )


def _owner_only(database: str | None) -> None:
    """Create the SQLite file owner-only before SQLite does, or make an existing one so."""
    if not _on_disk(database):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite's own error says what is wrong
    # Never open an existing file here: closing any descriptor of a database file drops every
    # POSIX lock this process holds on it, and SQLite's locks with them (a corrupt database).
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists() and file.stat().st_mode & 0o777 != FILE_MODE:
            os.chmod(file, FILE_MODE)


def checkpoint(engine: Engine) -> None:
    """Fold SQLite's write-ahead log into the database and empty it; nothing on other backends.

    Called after an erasure or a retention run is committed: until a checkpoint, the deleted
    text still sits in the -wal file.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        # A reader in the middle of a transaction holds the log; wait a moment, not the full
        # busy timeout: whatever is left goes at the next checkpoint.
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        try:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def db_error_summary(exc: SQLAlchemyError) -> str:
    """Describe a database error for the log without any value from the row.

    PostgreSQL puts the failing row (a resident's answers) into its messages, so only the
    error class, the SQLSTATE and the statement without its parameters are logged.
    """
    orig = getattr(exc, "orig", None)
    kind = type(orig).__name__ if orig is not None else type(exc).__name__
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None) or ""
    statement = (getattr(exc, "statement", None) or "").split("\n")[0][:200]
    return f"{kind} {code} in: {statement}".strip()


def or_404(found: T | None, description: str | None = None) -> T:
    """Return what a look-up found, or end the request with 404 Not Found."""
    if found is None:
        abort(404, description=description)
    return found


class _State:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: What sessions bind to: the engine, or in tests one connection in a transaction.
        self.bind: Engine | Connection = engine
        self.join_transaction_mode: str = "conditional_savepoint"


class Database:
    """Unbound extension: ``db.init_app(app)``; ``db.session`` in requests and commands."""

    def __init__(self) -> None:
        self.session = scoped_session(self._new_session)

    def init_app(self, app: Flask) -> None:
        app.extensions["trygghet.db"] = _State(make_engine(app.config["DATABASE_URL"]))
        app.teardown_appcontext(self._remove_session)

    @staticmethod
    def state(app: Flask | None = None) -> _State:
        return (app or current_app).extensions["trygghet.db"]

    @property
    def engine(self) -> Engine:
        return self.state().engine

    def _new_session(self) -> Session:
        state = self.state()
        return Session(
            bind=state.bind,
            expire_on_commit=False,
            join_transaction_mode=state.join_transaction_mode,  # type: ignore[arg-type]
        )

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()

    def get_or_404(self, model: type[T], ident: Any) -> T:
        """The row of ``model`` with this primary key, or 404 Not Found."""
        return or_404(self.session.get(model, ident))

    def ping(self) -> None:
        """Raise if the database does not answer."""
        self.session.execute(text("SELECT 1"))


try:
    import fcntl
except ImportError:  # Windows: SQLite's busy handler alone orders the writers
    fcntl = None  # type: ignore[assignment]


class _WriteTurns:
    """Survey answers written to a SQLite file one at a time, across the threads and the
    processes (the server's workers) that write to it.

    SQLite lets one connection write at a time. Another that finds the lock taken sleeps in
    its busy handler (1, 2, 5, 10, ... 100 ms) and tries again, and whoever comes first
    meanwhile takes the lock: under load an answer could lose a dozen times and wait a third
    of a second while the lock stood free between others' answers. Here a writer first waits
    for its turn: a thread lock (one process's threads), then an flock on a file beside the
    database (the processes; opened once per process, after the fork), tried every
    TURN_POLL_S. No writer waits for its turn longer than the busy timeout: when another
    writer (an import, say) holds SQLite's lock that long, the answers behind it go on
    without a turn, each to its own busy timeout, instead of queueing one timeout after
    another.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[tuple[int, str], int] = {}

    def _file(self, database: str) -> int:
        key = (os.getpid(), database)
        fd = self._files.get(key)
        if fd is None:
            fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, FILE_MODE)
            self._files[key] = fd
        return fd

    @staticmethod
    def _flock(fd: int, deadline: float) -> bool:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(TURN_POLL_S)

    @contextmanager
    def __call__(
        self, engine: Engine, wait: float = SQLITE_BUSY_TIMEOUT_MS / 1000
    ) -> Iterator[None]:
        database = engine.url.database
        if fcntl is None or engine.dialect.name != "sqlite" or not _on_disk(database):
            yield
            return
        deadline = time.monotonic() + wait
        if not self._lock.acquire(timeout=wait):
            yield  # no turn: SQLite's busy handler orders this one
            return
        try:
            fd = self._file(database)
            locked = self._flock(fd, deadline)
            try:
                yield
            finally:
                if locked:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()


#: ``with write_turn(engine):`` around a survey answer's INSERT and COMMIT.
write_turn = _WriteTurns()


class PooledConnection(NamedTuple):
    """A DB-API connection lent by the engine's pool, with its dialect (see ``pooled``)."""

    dialect: Any
    dbapi: Any

    def commit(self) -> None:
        self.dbapi.commit()

    def rollback(self) -> None:
        self.dbapi.rollback()


@contextmanager
def pooled(engine: Engine) -> Iterator[PooledConnection]:
    """A connection from the pool for RawStatements alone, outside any ORM session.

    For a survey POST: a Session, its transaction and a Connection cost more than the
    statements. The caller commits; whatever it did not commit is rolled back when the
    connection goes back to the pool. Errors are raised as SQLAlchemy's (a server that is
    down: an OperationalError, a 503).
    """
    dialect = engine.dialect
    try:
        fairy = engine.raw_connection()
    except dialect.loaded_dbapi.Error as exc:
        raise driver_error(dialect, exc) from exc
    try:
        yield PooledConnection(dialect, fairy.driver_connection)
    finally:
        fairy.close()


class RawStatement:
    """A Core statement compiled once per dialect and run on the session connection's DB-API
    cursor: for the few statements of a survey POST, where SQLAlchemy's per-execution work
    (cache key, parameter processing, result object) cost more than the database.

    Parameters are plain values: dates, booleans, strings, integers, None. Errors are raised
    as SQLAlchemy's (an IntegrityError is an IntegrityError), with the parameters hidden.
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _for(self, dialect: Any) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup) if compiled.positional else None
            # The statement's own constants (a LIMIT, a status compared with).
            fixed = {
                compiled.bind_names[bind]: bind.effective_value
                for bind in compiled.binds.values()
                if not bind.required
            }
            found = self._compiled[dialect.name] = (compiled.string, names, fixed)
        return found

    def execute(self, session: Session | PooledConnection, params: dict[str, Any]) -> Any:
        """Run in the session's (or pooled connection's) transaction; return the DB-API
        cursor (rows, lastrowid)."""
        if isinstance(session, PooledConnection):
            dialect, dbapi = session
        else:
            connection = session.connection()
            dialect = connection.dialect
            dbapi = connection.connection.driver_connection
        sql, names, fixed = self._for(dialect)
        params = fixed | params
        if dialect.name == "sqlite":
            # As SQLAlchemy's SQLite types store them: ISO dates, booleans as 0/1.
            params = {
                k: v.isoformat() if isinstance(v, dt.date) else int(v) if isinstance(v, bool) else v
                for k, v in params.items()
            }
        values: Any = [params[name] for name in names] if names is not None else params
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql, values)
        except dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise driver_error(dialect, exc, sql) from exc
        return cursor

"""What every command shares: the app it runs in, and how an expected error ends it.

Kept apart from ``__init__`` (which imports every command module to register it), so that
the command modules can import this without an import circle. Flask, SQLAlchemy and the app
are imported inside the functions: ``trygghet --help`` must not wait for them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from ..loading import loading
from ..locales import available_locales
from .permissions import refuse_read_only

if TYPE_CHECKING:
    from flask import Flask


class IntRange(click.IntRange):
    """click's IntRange, named as a plain integer: "'abc' is not a valid integer." rather
    than click's "... is not a valid integer range.", which asks for a range (1-5)."""

    name = "integer"


def _writable_out(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    # Checked before any work starts, so a long report never ends in a missing folder.
    if value == "-":
        return value
    folder = Path(value).parent
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.BadParameter(f"cannot write in the folder {folder}")
    return value


#: ``--out FILE`` of every command that writes a file; '-' is standard output.
out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    callback=_writable_out,
    help="File to write; '-' (the default) writes to standard output.",
)


def lang_option(
    help_text: str, default: str = "sv"
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--lang`` of a command that writes in the interface languages; Swedish by default
    (a document's language), English for messages where the rest of the CLI speaks English."""
    return click.option(
        "--lang",
        type=click.Choice(available_locales()),
        default=default,
        show_default=True,
        help=help_text,
    )


@contextmanager
def output_file(
    path: str, binary: bool, then: Callable[[], object] | None = None
) -> Iterator[IO[Any]]:
    """Write ``path`` through a temporary file beside it, moved into place only when all of
    it is written: a failure or Ctrl-C leaves no half-written file and an earlier one as it was.
    ``then`` (a commit) runs once the file is written and before it is moved into place.

    A new file is readable by its owner only (exports and reports hold answers); a file
    replaced keeps its owner's and group's permissions, never those for everyone else.
    """
    target = os.path.realpath(path)  # through a symbolic link, as open() wrote
    if os.path.exists(target) and not os.path.isfile(target):
        # A pipe or a device (/dev/stdout): nothing to replace, nothing to leave behind.
        with _opened(path, binary, lambda: open(path, "wb")) as stream:
            yield stream
        return
    folder, name = os.path.split(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) & 0o770
    except FileNotFoundError:
        mode = 0o600
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with _opened(path, binary, lambda: os.fdopen(handle, "wb")) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if then is not None:
            then()
        try:
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except OSError as exc:
            raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


@contextmanager
def _opened(path: str, binary: bool, opener: Callable[[], IO[bytes]]) -> Iterator[IO[Any]]:
    """A stream from ``opener`` (as text in UTF-8 unless ``binary``), closed after use; an
    OSError on the way is a message naming ``path``."""
    try:
        raw = opener()
        stream: IO[Any] = raw if binary else io.TextIOWrapper(raw, encoding="utf-8", newline="")
        with stream:
            yield stream
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc


class IsoDate(click.ParamType):
    """A date written YYYY-MM-DD, with a message a person understands when it is not one."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-05-31")


@contextmanager
def progress(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal: yields its ``update`` (or a no-op)."""
    if length <= 1 or not sys.stderr.isatty():
        yield lambda _steps: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def database_file(url: str | None) -> Path | None:
    """The SQLite file the app would open (``url`` unset: the data folder's); else None."""
    from ..config import DATABASE_FILE, data_dir

    if not url:
        return data_dir() / DATABASE_FILE
    from sqlalchemy.exc import ArgumentError

    from ..config.values import sqlite_file

    try:
        return sqlite_file(url)
    except ArgumentError:
        return None  # create_app names the bad URL


def check_database(creates: bool) -> bool:
    """Refuse a database left in an earlier default folder, and (unless the command
    ``creates`` one) a missing one, before anything is written. True if it exists."""
    from ..config import DATABASE_FILE, data_dir, refuse_moved_database, refuse_unusable_data_dir

    url = os.environ.get("DATABASE_URL")
    try:
        refuse_unusable_data_dir(data_dir())
        if not url:
            refuse_moved_database(data_dir())
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    path = database_file(url)
    if path is not None:
        refuse_read_only(path)
    if path is None or path.is_file():
        return True
    if not path.parent.is_dir() and url:
        raise click.ClickException(
            f"DATABASE_URL names a SQLite file in {path.parent}, a folder that does not exist"
        )
    if not creates:
        raise click.ClickException(
            f"no database at {path}: run 'trygghet db init' first, or set TRYGGHET_DATA_DIR"
            f" to the folder that holds {DATABASE_FILE}"
        )
    return False


def data_line(app: Flask, new: bool) -> str:
    """Where the data lives, as printed when the app starts or creates its database."""
    from sqlalchemy.engine import make_url

    line = f"Data: {app.instance_path}"
    url = app.config["DATABASE_URL"]
    path = database_file(url)
    if path is None or path.parent != Path(app.instance_path):
        line += f"; database {make_url(url).render_as_string(hide_password=True)}"
    return line + (" (a new, empty database)" if new else "")


def make_app(web: bool = False) -> Flask:
    """Create the app, or exit with a message saying what is wrong with the setup.

    Commands get the app without its pages (``web=False``), which load far more code.
    """
    # Only the pages' rate limiter checks its storage; its library loads with the pages.
    from sqlalchemy.exc import ArgumentError

    storage_errors: tuple[type[Exception], ...] = ()
    if web:
        from limits.errors import ConfigurationError

        storage_errors = (ConfigurationError,)
    try:
        with loading():  # flask, sqlalchemy, the models: for the whole command
            from ..app import create_app

            return create_app(web=web)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    except ArgumentError as exc:  # also NoSuchModuleError: a URL config.py let through
        raise click.ClickException(f"DATABASE_URL cannot be used: {exc}") from exc
    except ModuleNotFoundError as exc:
        extra = {"psycopg": "postgresql", "redis": "redis"}.get((exc.name or "").split(".")[0])
        hint = f"; install it with: pip install 'trygghet[{extra}]'" if extra else ""
        raise click.ClickException(f"missing Python package {exc.name!r}{hint}") from exc
    except storage_errors as exc:
        raise click.ClickException(f"rate limit storage: {exc}") from exc


def with_app(
    func: Callable[..., Any] | None = None, *, creates: bool = False, web: bool = False
) -> Callable[..., Any]:
    """Run a command inside an app context; turn known failures into a message, not a trace.

    Only commands that ``creates`` a database (and then print where it lives) may start
    without one; the others refuse, creating nothing, not even the data folder. ``web``: the
    command builds addresses of pages (url_for), so the app needs its pages.
    """
    if func is None:
        return lambda f: with_app(f, creates=creates, web=web)

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        existed = check_database(creates)
        with loading():
            from flask_babel import force_locale
            from sqlalchemy.exc import SQLAlchemyError

            from ..extensions import db

            app = make_app(web=web)
        if creates:
            click.echo(data_line(app, new=not existed), err=True)
        with app.app_context(), force_locale("en"):
            try:
                return func(*args, **kwargs)
            except SQLAlchemyError as exc:
                raise click.ClickException(database_problem(exc, db.engine)) from exc
            finally:
                db.session.remove()
                db.engine.dispose()

    return wrapper


#: Answers that say yes to confirm(), whatever the language of its question.
YES = {"y", "yes", "j", "ja"}


def confirm(question: str, swedish: bool) -> None:
    """Ask a yes/no question on stderr; anything but yes (j/ja or y/yes) aborts.

    click.confirm takes only y/yes and shows [y/N], even under a Swedish question."""
    answer = click.prompt(
        f"{question} [{'j' if swedish else 'y'}/N]", default="", show_default=False, err=True
    )
    if answer.strip().lower() not in YES:
        # Not click's Abort, whose "Aborted!" is English under a Swedish question.
        click.echo(
            "Avbrutet: inget har ändrats." if swedish else "Aborted: nothing changed.", err=True
        )
        raise click.exceptions.Exit(1)


def database_problem(exc: Exception, engine: Any) -> str:
    """What a database error means for the person running the command."""
    text = str(exc)
    missing = re.search(r'database "([^"]+)" does not exist', text)
    if missing:
        url = engine.url
        where = f" -h {url.host}" if url.host else ""
        where += f" -p {url.port}" if url.port else ""
        where += f" -U {url.username}" if url.username else ""
        return (
            f"the database {missing.group(1)} does not exist on the server"
            f" {url.host or 'localhost'}: create it (e.g. createdb{where} {missing.group(1)},"
            " or CREATE DATABASE in psql), then run 'trygghet db init'"
        )
    lowered = text.lower()
    if (
        "no such table" in lowered
        or "undefinedtable" in lowered
        or ("relation" in lowered and "does not exist" in lowered)
    ):
        return _missing_table(engine)
    return f"database error: {exc}"


def _missing_table(engine: Any) -> str:
    """Why a table is missing: no schema at all, or the schema of an earlier version."""
    from sqlalchemy import inspect

    try:
        migrated = "alembic_version" in inspect(engine).get_table_names()
    except Exception:  # noqa: BLE001 (only the wording of the message depends on it)
        migrated = False
    if migrated:
        return (
            "the database was set up by an earlier version of Trygghet: run"
            " 'trygghet db upgrade' first (trygghet serve does it when it starts)"
        )
    return "the database is not set up yet: run 'trygghet db init' first"


@contextmanager
def expected_errors(*expected: type[Exception], file: str | None = None) -> Iterator[None]:
    """End the command with exit code 1 and a message on stderr, never a traceback.

    Catches a refused import (ImportRefused: each of its errors on a line, then that nothing
    was imported from ``file``) and the ``expected`` errors (their message, as click prints
    any error). The session is rolled back first, so nothing half done is committed.
    """
    from flask_babel import gettext as _

    from ..imports import ImportRefused

    try:
        yield
    except ImportRefused as exc:
        _rollback()
        for line in exc.lines():
            click.echo(line, err=True)
        # In the command's language: English unless it has a --lang (import population).
        click.echo(_("nothing imported from %(file)s", file=file), err=True)
        raise click.exceptions.Exit(1) from None
    except expected as exc:
        _rollback()
        raise click.ClickException(str(exc)) from exc


def _rollback() -> None:
    from flask import has_app_context

    from ..extensions import db

    # Commands that build no app (backup of a PostgreSQL URL) have no session to roll back.
    if has_app_context():
        db.session.rollback()

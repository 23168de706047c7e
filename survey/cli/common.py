"""What every command shares: the app it runs in, and how an expected error ends it.

Kept apart from ``__init__`` (which imports every command module to register it), so that
the command modules can import this without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click
from flask import Flask, has_app_context
from flask_babel import force_locale
from limits.errors import ConfigurationError
from sqlalchemy.exc import SQLAlchemyError

from .. import create_app
from ..extensions import db
from ..imports import ImportRefused

#: ``--out FILE`` of every command that writes a file; '-' is standard output.
out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="File to write; '-' (the default) writes to standard output.",
)


def make_app() -> Flask:
    """Create the app, or exit with a message saying what is wrong with the setup."""
    try:
        return create_app()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    except ModuleNotFoundError as exc:
        extra = {"psycopg": "postgresql", "redis": "redis"}.get((exc.name or "").split(".")[0])
        hint = f"; install it with: pip install 'trygghet[{extra}]'" if extra else ""
        raise click.ClickException(f"missing Python package {exc.name!r}{hint}") from exc
    except ConfigurationError as exc:
        raise click.ClickException(f"rate limit storage: {exc}") from exc


def with_app(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command inside an app context; turn known failures into a message, not a trace."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        app = make_app()
        with app.app_context(), force_locale("en"):
            try:
                return func(*args, **kwargs)
            except SQLAlchemyError as exc:
                text = str(exc).lower()
                if "no such table" in text or "undefinedtable" in text or "does not exist" in text:
                    raise click.ClickException(
                        "the database is not set up yet: run 'trygghet db init' first"
                    ) from exc
                raise click.ClickException(f"database error: {exc}") from exc
            finally:
                db.session.remove()
                db.engine.dispose()

    return wrapper


@contextmanager
def expected_errors(*expected: type[Exception], file: str | None = None) -> Iterator[None]:
    """End the command with exit code 1 and a message on stderr, never a traceback.

    Catches a refused import (ImportRefused: each of its errors on a line, then that nothing
    was imported from ``file``) and the ``expected`` errors (their message, as click prints
    any error). The session is rolled back first, so nothing half done is committed.
    """
    try:
        yield
    except ImportRefused as exc:
        _rollback()
        for line in exc.lines():
            click.echo(line, err=True)
        click.echo(f"nothing imported from {file}", err=True)
        raise click.exceptions.Exit(1) from None
    except expected as exc:
        _rollback()
        raise click.ClickException(str(exc)) from exc


def _rollback() -> None:
    # Commands that build no app (backup of a PostgreSQL URL) have no session to roll back.
    if has_app_context():
        db.session.rollback()

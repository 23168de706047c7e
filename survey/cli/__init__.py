"""The ``trygghet`` command: serve the app, manage the database, export answers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import Flask
from flask_babel import force_locale
from limits.errors import ConfigurationError
from sqlalchemy.exc import SQLAlchemyError

from .. import clock, create_app
from ..extensions import db
from ..reports.raw_data import FORMATS as EXPORT_FORMATS
from ..reports.raw_data import write_dialogues, write_responses


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Trygghet: perceived-safety surveys and the local situation picture."""


@main.group("db")
def db_group() -> None:
    """Create, upgrade and fill the database."""


def upgrade_database() -> None:
    from ..migrate import upgrade

    with db.engine.begin() as connection:
        upgrade(connection)


def prepare_database() -> bool:
    """Upgrade the schema to the newest migration and load default data if empty."""
    from ..seed import load_defaults

    upgrade_database()
    seeded = load_defaults(db.session)
    db.session.commit()
    return seeded


@db_group.command("upgrade")
@with_app
def db_upgrade() -> None:
    """Run the migrations up to the newest schema."""
    upgrade_database()
    click.echo("database is up to date")


@db_group.command("init")
@with_app
def db_init() -> None:
    """Upgrade the schema and load the default places if the database is empty."""
    seeded = prepare_database()
    click.echo("database is up to date" + ("; default data loaded" if seeded else ""))


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_app
def db_revision(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    from ..migrate import revision

    with db.engine.begin() as connection:
        revision(connection, message)


@main.group("user")
def user_group() -> None:
    """Manage organizer accounts."""


def _user_or_fail(email: str):
    from ..services.accounts import find_user

    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


def _account_change(change: Callable[[], Any], done: str) -> None:
    from ..services.accounts import AccountError

    try:
        change()
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(done)


ROLE_CHOICE = click.Choice(["admin", "organizer"])


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_app
def user_create(email: str, role: str, password_stdin: bool) -> None:
    """Create an account (asks for the password unless --password-stdin)."""
    from ..services.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _account_change(
        lambda: create_user(db.session, email, role, password), f"created {role} {email.lower()}"
    )


@user_group.command("list")
@with_app
def user_list() -> None:
    """List accounts: e-mail, role, status, last login."""
    from sqlalchemy import select

    from ..models import User

    for user in db.session.scalars(select(User).order_by(User.email)):
        status = "active" if user.active else "disabled"
        if user.password_hash is None:
            status += ", invited"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.email}\t{user.role}\t{status}\tlast login {last}")


@user_group.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@with_app
def user_set_role(email: str, role: str) -> None:
    """Change an account's role."""
    from ..services.accounts import set_role

    user = _user_or_fail(email)
    _account_change(lambda: set_role(db.session, user, role), f"{user.email} is now {role}")


@user_group.command("disable")
@click.argument("email")
@with_app
def user_disable(email: str) -> None:
    """Disable an account; its sessions end at their next request."""
    from ..services.accounts import set_active

    user = _user_or_fail(email)
    _account_change(lambda: set_active(db.session, user, False), f"{user.email} is disabled")


@main.group("export")
def export_group() -> None:
    """Export stored data."""


def _text_export(noun: str, writer: Callable[..., int]) -> Callable[..., None]:
    """An export command: --format csv|json|xlsx, --out FILE (or '-' for standard output).

    The files are those of the organizer pages' downloads: CSV with a byte-order mark and
    formula-like text neutralised, XLSX with text kept as text.
    """

    @click.option(
        "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True
    )
    @click.option(
        "--out",
        type=click.Path(dir_okay=False, allow_dash=True),
        default="-",
        help="File to write; '-' (the default) writes to standard output.",
    )
    @with_app
    def command(fmt: str, out: str) -> None:
        binary = fmt == "xlsx"
        if out == "-":
            if binary and sys.stdout.isatty():
                raise click.UsageError("xlsx is a binary format: give --out FILE")
            sys.stdout.flush()
            writer(db.session, sys.stdout.buffer if binary else sys.stdout, fmt)
            return
        text = {} if binary else {"encoding": "utf-8", "newline": ""}
        with open(out, "wb" if binary else "w", **text) as stream:
            count = writer(db.session, stream, fmt)
        click.echo(f"{count} {noun} written to {out}", err=True)

    return command


export_group.command("responses", help="Write every stored answer, one row per response.")(
    _text_export("responses", write_responses)
)
export_group.command(
    "dialogues", help="Write every dialogue with its issues (CSV: one row per issue)."
)(_text_export("dialogues", write_dialogues))


@main.group("import")
def import_group() -> None:
    """Import data from files."""


#: Files from this size on show progress bars (smaller ones are done before a bar would draw).
IMPORT_PROGRESS_FROM_BYTES = 1_000_000


def _progressbar(label: str, length: int) -> Any:
    return click.progressbar(length=length, label=label, file=sys.stderr)


@import_group.command("responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_app
def import_responses(file: str) -> None:
    """Import answers from a responses CSV, all or nothing.

    Required columns: submitted_on (YYYY-MM-DD) and place (slug). Optional: the
    questionnaire's item codes (';' between the choices of a multi-choice item) and the
    export's questionnaire_version, source and round. Every error is listed as
    "line N, column NAME: ..."; the same file is imported only once.
    """
    from pathlib import Path

    from ..imports.responses import ImportRefused
    from ..imports.responses import import_responses as import_file

    big = Path(file).stat().st_size >= IMPORT_PROGRESS_FROM_BYTES
    try:
        batch = import_file(
            db.session, file, progress=_progressbar if big else None, today=clock.today()
        )
    except ImportRefused as exc:
        db.session.rollback()
        for line in exc.lines():
            click.echo(line, err=True)
        click.echo(f"nothing imported from {file}", err=True)
        raise click.exceptions.Exit(1) from None
    db.session.commit()
    click.echo(f"imported {batch.rows} responses from {file} (batch {batch.id})")


@import_group.command("crime")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "events"]),
    default=None,
    help="csv (Brå-style monthly counts) or events (a police event list, JSON)"
    " [default: events for a .json file, else csv].",
)
@with_app
def import_crime(file: str, fmt: str | None) -> None:
    """Import monthly crime counts, all or nothing; the months in the file are replaced."""
    from flask import current_app

    from ..imports.crime import import_crime as import_file
    from ..imports.responses import ImportRefused

    try:
        result = import_file(
            db.session,
            file,
            fmt,
            today=clock.today(),
            timezone=current_app.config["TRYGGHET_TIMEZONE"],
        )
    except ImportRefused as exc:
        db.session.rollback()
        for line in exc.lines():
            click.echo(line, err=True)
        click.echo(f"nothing imported from {file}", err=True)
        raise click.exceptions.Exit(1) from None
    db.session.commit()
    click.echo(f"imported {result.summary()} from {file}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes [default: number of CPU cores, at least 2].",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Threads per worker.",
)
def serve(host: str, port: int, workers: int | None, threads: int) -> None:
    """Run the app with gunicorn, after upgrading the database and loading defaults."""
    from .serve import run

    app = make_app()
    with app.app_context():
        try:
            prepare_database()
        except SQLAlchemyError as exc:
            raise click.ClickException(f"cannot prepare the database: {exc}") from exc
    run(app, host=host, port=port, workers=workers, threads=threads)


LAGESBILD_FORMATS = ("json", "csv", "xlsx", "html", "pdf")


@main.command()
@click.option("--area", "area_slug", help="Area slug; every area if left out.")
@click.option("--round", "round_id", type=int, help="Only answers from this survey round.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First answer date.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last answer date.")
@click.option("--weighted", is_flag=True, help="Weight answers to the area's population.")
@click.option(
    "--format", "fmt", type=click.Choice(LAGESBILD_FORMATS), default="json", show_default=True
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of explanations and reports.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="File to write; '-' (the default) is standard output.",
)
@with_app
def lagesbild(area_slug, round_id, date_from, date_to, weighted, fmt, lang, out) -> None:
    """Compute the local situation picture and write it as JSON, CSV, XLSX, HTML or PDF."""
    from flask import current_app

    from analysis.picture import area_slugs
    from analysis.survey import Filters

    from ..models import SurveyRound
    from ..reports.pictures import build_pictures
    from ..reports.writers import write_pictures

    if out == "-" and fmt in ("xlsx", "pdf") and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is a binary format: give --out FILE")
    if date_from and date_to and date_from > date_to:
        raise click.UsageError("--from is after --to")
    filters = Filters(
        round_id=round_id,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
    )
    suppress_below = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    if round_id is not None and db.session.get(SurveyRound, round_id) is None:
        raise click.UsageError(f"there is no survey round {round_id}")
    with db.engine.connect() as conn:
        slugs = [area_slug] if area_slug else area_slugs(conn)
        try:
            # The same builder as the organizer pages' downloads, so the files are the same.
            pictures = build_pictures(conn, slugs, filters, suppress_below, weighted, lang)
        except (LookupError, ValueError) as exc:
            raise click.ClickException(str(exc.args[0] if exc.args else exc)) from exc
    if out == "-":
        binary = fmt in ("xlsx", "pdf")
        write_pictures(pictures, fmt, sys.stdout.buffer if binary else sys.stdout, lang)
        return
    with open(
        out,
        "wb" if fmt in ("xlsx", "pdf") else "w",
        **({} if fmt in ("xlsx", "pdf") else {"encoding": "utf-8", "newline": ""}),
    ) as stream:
        write_pictures(pictures, fmt, stream, lang)
    click.echo(f"situation picture of {len(pictures)} area(s) written to {out}", err=True)


@main.command()
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--answers",
    type=click.IntRange(200, 50_000),
    default=1500,
    show_default=True,
    help="Survey answers over both demo rounds.",
)
@with_app
def demo(seed: int, answers: int) -> None:
    """Fill an EMPTY database with SYNTHETIC demo data, to see a full situation picture."""
    from flask import current_app

    from ..demo import DemoRefused, load_demo, report

    upgrade_database()
    try:
        summary = load_demo(db.session, clock.today(), seed=seed, answers=answers)
    except DemoRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    with db.engine.connect() as conn:
        lines = report(summary, conn, current_app.config["TRYGGHET_SUPPRESS_BELOW"])
    for line in lines:
        click.echo(line)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def backup(file: str, force: bool) -> None:
    """Copy the SQLite database to FILE while the app runs (PostgreSQL: shows pg_dump)."""
    import os

    from ..backup import BackupRefused
    from ..backup import backup as make_backup

    # A PostgreSQL URL is answered without building the app, which would ask for SECRET_KEY.
    url = os.environ.get("DATABASE_URL") or make_app().config["DATABASE_URL"]
    try:
        result = make_backup(url, file, force=force)
    except BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result.summary())


def _period_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    from ..services.retention import parse_period

    try:
        return parse_period(value) if value is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.option(
    "--older-than",
    callback=_period_option,
    help="Age as Nm (months) or Nd (days), e.g. 24m"
    " [default: TRYGGHET_COMMENT_RETENTION_MONTHS, for comments only].",
)
@click.option("--whole-answers", is_flag=True, help="Delete whole answers, not only comments.")
@click.option("--dry-run", is_flag=True, help="Only print what would be deleted.")
@with_app
def retention(older_than: Any, whole_answers: bool, dry_run: bool) -> None:
    """Delete comments (or whole answers) dated before today minus the given age."""
    from flask import current_app

    from ..services.retention import Period, apply_retention, summary

    promised = Period(current_app.config["TRYGGHET_COMMENT_RETENTION_MONTHS"], "m")
    if older_than is None:
        if whole_answers:
            raise click.UsageError("--whole-answers needs --older-than, e.g. --older-than 60m")
        older_than = promised
    today = clock.today()
    cutoff = older_than.cutoff(today)
    if not whole_answers and cutoff < promised.cutoff(today):
        click.echo(
            f"warning: the privacy notice promises to delete comments after {promised}", err=True
        )
    result = apply_retention(db.session, cutoff, whole_answers=whole_answers, dry_run=dry_run)
    db.session.commit()
    click.echo(summary(result, older_than))

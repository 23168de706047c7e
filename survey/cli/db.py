"""``trygghet db``: create, upgrade, fill and move the database."""

from __future__ import annotations

import contextlib
import os
import shutil

import click

from .common import with_app


@click.group("db")
def db_group() -> None:
    """Create, upgrade and fill the database."""


def upgrade_database() -> tuple[str | None, str | None]:
    """Run the migrations up to the newest schema (Alembic is imported only here); the
    revisions before and after (None before: a new, empty database)."""
    from ..extensions import db
    from ..migrate import current_revision, upgrade

    with db.engine.begin() as connection:
        before = current_revision(connection)
        upgrade(connection)
        return before, current_revision(connection)


def upgrade_line(before: str | None, after: str | None) -> str:
    """What an upgrade did, in one line."""
    if before == after:
        return f"database is up to date: already at the newest revision {after}"
    if before is None:
        return f"database created at the newest revision {after}"
    return f"database upgraded from revision {before} to {after}, the newest"


def prepare_database() -> tuple[str, bool]:
    """Upgrade the schema to the newest migration and load default data if empty; what the
    upgrade did (upgrade_line), and whether default data was loaded."""
    from .. import clock
    from ..extensions import db
    from ..seed import load_defaults

    done = upgrade_line(*upgrade_database())
    # The round opens on the configured time zone's date: on a server in UTC, between
    # midnight in Stockholm and midnight in UTC, the server's date is still yesterday.
    seeded = load_defaults(db.session, clock.today())
    db.session.commit()
    return done, seeded


@db_group.command("upgrade")
@with_app(creates=True)
def db_upgrade() -> None:
    """Run the migrations up to the newest schema."""
    click.echo(upgrade_line(*upgrade_database()))


@db_group.command("init")
@with_app(creates=True)
def db_init() -> None:
    """Upgrade the schema and load the default places if the database is empty."""
    done, seeded = prepare_database()
    click.echo(done + ("; default data loaded" if seeded else ""))


@db_group.command("rebuild-aggregates")
@with_app()
def db_rebuild_aggregates() -> None:
    """Recompute the answer counts the situation picture reads from the stored answers.

    Triggers keep them with every write of answers; this repairs them should they ever be
    changed by hand.
    """
    from ..extensions import db
    from ..services.aggregates import all_counts, rebuild

    before = all_counts(db.session)
    rows = rebuild(db.session)
    after = all_counts(db.session)
    db.session.commit()
    changed = sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    click.echo(f"answer counts rebuilt: {rows} rows, {changed} differed from the stored ones")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_app(creates=True)
def db_revision(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    from ..extensions import db
    from ..migrate import revision

    with db.engine.begin() as connection:
        revision(connection, message)


@db_group.command("move-legacy")
def db_move_legacy() -> None:
    """Move the data from where earlier versions kept it into the data folder.

    Earlier versions kept the database and the secret key inside the Python environment
    (or the checkout), where reinstalling could delete them. Stop the app first.
    """
    from ..config import DATABASE_FILE, data_dir, legacy_data_dirs

    target = data_dir()
    candidates = legacy_data_dirs()
    old = next(
        (
            folder
            for folder in candidates
            if (folder / DATABASE_FILE).is_file() and folder.resolve() != target.resolve()
        ),
        None,
    )
    if old is None:
        raise click.ClickException(
            "no database in the folders earlier versions used ("
            + ", ".join(str(folder) for folder in candidates)
            + "): nothing to move"
        )
    entries = sorted(old.iterdir())
    clashes = [entry.name for entry in entries if (target / entry.name).exists()]
    if clashes:
        raise click.ClickException(
            f"{target} already holds {', '.join(clashes)}: nothing moved. Move those away"
            " first, or keep using the old folder with TRYGGHET_DATA_DIR=" + str(old)
        )
    moved: list[str] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            # The database with its -wal and -shm files, the secret key, the counters.
            shutil.move(entry, target / entry.name)
            moved.append(entry.name)
    except OSError as exc:
        raise click.ClickException(
            f"moving stopped: {exc.strerror or exc}; moved so far to {target}: "
            + (", ".join(moved) or "nothing")
        ) from exc
    with contextlib.suppress(OSError):
        old.rmdir()
    click.echo(f"moved {len(entries)} file(s) from {old} to {target}")
    click.echo(f"Data: {target}")


@db_group.command("new-secret-key")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def db_new_secret_key(yes: bool) -> None:
    """Make a new secret key when the old one is lost (logs everyone out; see README).

    Only where the data folder has no key file: an existing key is never replaced. Restore
    the old key from a backup instead whenever there is one.
    """
    from ..config import (
        NEW_KEY_COSTS,
        SECRET_KEY_FILE,
        data_dir,
        new_secret_key,
        refuse_unusable_data_dir,
    )
    from .common import confirm

    if os.environ.get("SECRET_KEY"):
        raise click.ClickException("SECRET_KEY is set: the app uses it, not a key file")
    folder = data_dir()
    try:
        refuse_unusable_data_dir(folder)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    if (folder / SECRET_KEY_FILE).exists():
        raise click.ClickException(
            f"{folder / SECRET_KEY_FILE} exists: nothing changed (a key is never replaced)"
        )
    if not yes:
        click.echo(NEW_KEY_COSTS, err=True)
        confirm(f"Make a new secret key in {folder}?", swedish=False)
    try:
        path = new_secret_key(folder)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"new secret key written to {path}")

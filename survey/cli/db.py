"""``trygghet db``: create, upgrade and fill the database."""

from __future__ import annotations

import click

from ..extensions import db
from .common import with_app


@click.group("db")
def db_group() -> None:
    """Create, upgrade and fill the database."""


def upgrade_database() -> None:
    """Run the migrations up to the newest schema (Alembic is imported only here)."""
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

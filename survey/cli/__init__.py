"""The ``trygghet`` command: serve the app, manage the database, export answers.

One click group with a module per area: ``db``, ``users`` (``trygghet user``), ``data``
(import, export, demo, backup, retention) and ``lagesbild``; what they share (the app they
run in, how an expected error ends a command) is in ``common``. Heavy libraries load inside
the commands that use them, so ``trygghet --help`` starts quickly.
"""

from __future__ import annotations

import click

from ..loading import one_command
from . import (
    batches,  # noqa: F401  (adds import batches and import undo)
    crime_undo,  # noqa: F401  (adds import crime-runs and import undo-crime)
)
from .alerts import alerts_group
from .common import IntRange, check_database, data_line, database_problem, make_app
from .crime import area_group, fetch_group
from .data import backup, demo, export_group, import_group, retention
from .db import db_group, prepare_database
from .invitations import invitations_group
from .lagesbild import lagesbild
from .paper import paper
from .releases import publish
from .users import user_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Trygghet: perceived-safety surveys and the local situation picture."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=IntRange(1, 65535))
@click.option(
    "--workers",
    type=IntRange(1, 64),
    default=None,
    help="Worker processes [default: number of CPU cores, at least 2].",
)
@click.option(
    "--threads",
    type=IntRange(1, 64),
    default=4,
    show_default=True,
    help="Threads per worker.",
)
def serve(host: str, port: int, workers: int | None, threads: int) -> None:
    """Run the app with gunicorn, after upgrading the database and loading defaults."""
    from sqlalchemy.exc import SQLAlchemyError

    # gunicorn needs fcntl, which Windows lacks: the other commands must not import it.
    from .serve import port_problem, run

    # Before the database is made or migrated: a taken port changes nothing.
    problem = port_problem(host, port)
    if problem:
        raise click.ClickException(problem)
    existed = check_database(creates=True)
    app = make_app(web=True)
    click.echo(data_line(app, new=not existed), err=True)
    with app.app_context():
        try:
            click.echo(prepare_database()[0], err=True)
        except SQLAlchemyError as exc:
            from ..extensions import db

            problem = database_problem(exc, db.engine)
            raise click.ClickException(f"cannot prepare the database: {problem}") from exc
    run(app, host=host, port=port, workers=workers, threads=threads)


for subcommand in (
    db_group,
    user_group,
    import_group,
    export_group,
    lagesbild,
    publish,
    paper,
    demo,
    backup,
    retention,
    fetch_group,
    area_group,
    alerts_group,
    invitations_group,
):
    main.add_command(subcommand)


def console() -> None:
    """The ``trygghet`` console script: one command, in a process of its own."""
    one_command()
    main()

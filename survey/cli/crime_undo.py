"""``trygghet import crime-runs`` and ``trygghet import undo-crime [ID]``: crime imports
listed, and the latest taken back (``import undo`` takes back a batch of answers).

Added to the ``import`` group of ``data``; the app's modules are imported inside the
commands, so that ``trygghet --help`` does not wait for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import IntRange, confirm, expected_errors, lang_option, with_app
from .data import import_group

if TYPE_CHECKING:
    from ..models.crime_imports import CrimeImportRun


def describe(run: CrimeImportRun) -> str:
    """One line: the run, where from, when and by whom, what it did, whether undone."""
    from flask_babel import gettext as _

    from ..dates import zoned_datetime

    line = _(
        "import %(id)d: %(origin)s (%(source)s), %(when)s by %(who)s: %(added)d added,"
        " %(changed)d changed, %(unchanged)d unchanged, %(skipped)d outside every area",
        id=run.id,
        origin=run.origin,
        source=run.source,
        when=zoned_datetime(run.imported_at),
        who=run.imported_by,
        added=run.added,
        changed=run.changed,
        unchanged=run.unchanged,
        skipped=run.skipped,
    )
    if run.undone_at is not None:
        return line + "; " + _("undone %(when)s", when=zoned_datetime(run.undone_at))
    return line


@import_group.command("crime-runs")
@lang_option("Language of the list.", default="en")
@with_app
def crime_runs(lang: str) -> None:
    """List the latest crime imports (files and downloads), newest first."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from ..extensions import db
    from ..services.crime_imports import recent_runs

    with force_locale(lang):
        runs = recent_runs(db.session)
        if not runs:
            click.echo(_("no crime imports"), err=True)
        for run in runs:
            click.echo(describe(run))


@import_group.command("undo-crime")
@click.argument("run_id", metavar="[ID]", required=False, type=IntRange(min=1))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@lang_option("Language of the messages.", default="en")
@with_app
def undo_crime(run_id: int | None, yes: bool, lang: str) -> None:
    """Undo the latest crime import (or import ID, if it is the latest not undone).

    Events it stored first are removed, events it updated get their earlier values, and the
    counts and coverage it replaced come back; the monthly counts are derived again.
    """
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from .. import clock
    from ..extensions import db
    from ..services.crime_imports import UndoRefused, undo_run, undoable_run

    with force_locale(lang):
        with expected_errors(UndoRefused):
            run = undoable_run(db.session, run_id)
            click.echo(describe(run), err=True)
            if not yes:
                confirm(_("Undo this import?"), swedish=lang == "sv")
            undo_run(db.session, run.id, clock.today())
        db.session.commit()
        click.echo(_("undone import %(id)d from %(origin)s", id=run.id, origin=run.origin))
    from .alerts import run_alerts

    run_alerts()  # as after an import: the counts put back may deviate

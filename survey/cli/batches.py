"""``trygghet import batches`` and ``trygghet import undo BATCH_ID``: what came in, and out again.

Added to the ``import`` group of ``data``; the app's modules are imported inside the
commands, so that ``trygghet --help`` does not wait for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import IntRange, with_app
from .data import import_group

if TYPE_CHECKING:
    from ..services.batches import BatchSummary


#: Why undoing an import into a round by invitation frees no code (services.batches).
_CODES_KEPT = (
    "{kept} invitation codes stay used: these answers were to a round by invitation, each"
    " with a code, but nothing records which code an answer used (so that no code leads to an"
    " answer), so no code can be freed; those letters cannot answer again"
)


def _describe(batch: BatchSummary) -> str:
    from ..dates import zoned_datetime

    what = "paper forms" if batch.kind == "paper" else batch.filename
    when = zoned_datetime(batch.imported_at)
    return f"batch {batch.id}: {what}, {when} by {batch.imported_by}, {batch.answers} answers"


def _not_found(batch_id: int) -> str:
    """Why there is no batch to undo: it never was, or it was undone (when, by whom)."""
    from sqlalchemy import select

    from ..dates import zoned_datetime
    from ..extensions import db
    from ..models import AuditEvent, ImportBatch

    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or not batch.undone:
        return f"there is no import batch {batch_id}; 'trygghet import batches' lists them"
    undone = db.session.execute(
        select(AuditEvent.at, AuditEvent.actor)
        .where(
            AuditEvent.action == "responses.undo_import",
            AuditEvent.target_type == "ImportBatch",
            AuditEvent.target_id == batch_id,
        )
        .order_by(AuditEvent.at.desc())
        .limit(1)
    ).first()
    when = f" on {zoned_datetime(undone.at)} by {undone.actor}" if undone else ""
    what = "paper forms" if batch.kind == "paper" else batch.filename
    return f"import batch {batch_id} ({what}) was already undone{when}: nothing changed"


@import_group.command("batches")
@with_app
def list_batches() -> None:
    """List the import batches, newest first: imported files and paper key-in sittings."""
    from ..extensions import db
    from ..services.batches import list_batches as batches

    found = batches(db.session)
    if not found:
        click.echo("no import batches", err=True)
    for batch in found:
        checksum = f" sha256 {batch.checksum}" if batch.checksum else ""
        click.echo(f"{_describe(batch)}{checksum}")


@import_group.command("undo")
@click.argument("batch_id", type=IntRange(min=1))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_app
def undo(batch_id: int, yes: bool) -> None:
    """Delete an import batch and all its answers, in one transaction (audited)."""
    from ..extensions import db
    from ..services.batches import batch_summary, codes_kept, undo_batch

    batch = batch_summary(db.session, batch_id)
    if batch is None:
        raise click.ClickException(_not_found(batch_id))
    kept = codes_kept(db.session, batch_id)
    click.echo(_describe(batch), err=True)
    if kept:
        click.echo(_CODES_KEPT.format(kept=kept), err=True)
    if not yes:
        click.confirm(f"Delete these {batch.answers} answers?", abort=True, err=True)
    undo_batch(db.session, batch_id)
    db.session.commit()
    click.echo(f"undone batch {batch_id}: {batch.answers} answers deleted")
    if kept:
        click.echo(_CODES_KEPT.format(kept=kept))

"""Crime import runs listed, and the latest undone: the state before it comes back.

Undo goes newest first: a run can only be undone when every later run is undone, since a
later run may have changed the same events or replaced the same counts, and the rows kept by
the older run describe the state before it, not before the later one.

Undoing a run removes the events it stored first and gives the events it updated their earlier
values (matched to the areas again); it puts back the monthly counts, yearly counts and
coverage it replaced, removes the coverage of its download, and derives the event counts of
the months it touched again from the stored events, as the import does. Deviations are read
from the counts, so they follow; a deviation the run brought to light and that nobody has been
told of yet (not mailed, not posted, not handled) is forgotten when it is no longer one, while
one already mailed stays recorded as sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.orm import Session

from analysis.deviations import deviations

from ..i18n import local_datetime
from ..imports.crime_events import CHUNK, match_again, rebuild_counts
from ..imports.crime_journal import (
    decode,
    decode_blocks,
    grouped_in,
    in_block,
    lock_crime_data,
    table_of,
)
from ..models import Area
from ..models.accounts import utcnow
from ..models.alerts import DeviationAlert, DeviationMail
from ..models.crime import CrimeCount, CrimeCoverage, CrimeEvent, CrimeEventArea, CrimeYearCount
from ..models.crime_imports import CrimeImportRow, CrimeImportRun
from . import audit


class UndoRefused(ValueError):
    """An import run that cannot be undone (the message says why, in the reader's language)."""


def recent_runs(session: Session, limit: int = 30) -> list[CrimeImportRun]:
    """The latest import runs, newest first."""
    query = select(CrimeImportRun).order_by(CrimeImportRun.id.desc()).limit(limit)
    return list(session.scalars(query))


def latest_open(session: Session) -> CrimeImportRun | None:
    """The newest run not undone: the only one that can be undone now."""
    query = select(CrimeImportRun).where(CrimeImportRun.undone_at.is_(None))
    return session.scalar(query.order_by(CrimeImportRun.id.desc()).limit(1))


def undoable_run(session: Session, run_id: int | None) -> CrimeImportRun:
    """The run to undo (None: the latest not undone); UndoRefused saying why it cannot be."""
    latest = latest_open(session)
    if run_id is None:
        if latest is None:
            raise UndoRefused(_("There is no crime import to undo."))
        run = latest
    else:
        found = session.get(CrimeImportRun, run_id)
        if found is None:
            raise UndoRefused(_("There is no crime import %(id)d.", id=run_id))
        run = found
    if run.undone_at is not None:
        raise UndoRefused(
            _(
                "Import %(id)d is already undone (%(when)s).",
                id=run.id,
                when=local_datetime(run.undone_at),
            )
        )
    if latest is not None and latest.id != run.id:
        raise UndoRefused(
            _(
                "Import %(id)d cannot be undone yet: the later import %(later)d (%(origin)s,"
                " %(when)s) changed crime data after it. Undo import %(later)d first.",
                id=run.id,
                later=latest.id,
                origin=latest.origin,
                when=local_datetime(latest.imported_at),
            )
        )
    if not run.undoable:
        raise UndoRefused(
            _(
                "Import %(id)d is too old to undo: what it replaced is no longer kept.",
                id=run.id,
            )
        )
    return run


def undo_run(session: Session, run_id: int | None, today: dt.date) -> CrimeImportRun:
    """Undo a run (None: the latest not undone), audited, and flush; UndoRefused if it can't be.

    Nothing is written before every check has passed; the checks wait for any import or
    undo under way.
    """
    lock_crime_data(session)
    run = undoable_run(session, run_id)
    # Marked first, only if still not undone: of two admins undoing it at once, the second
    # waits for the first (PostgreSQL locks the row) and then finds it undone.
    marked = session.execute(
        update(CrimeImportRun)
        .where(CrimeImportRun.id == run.id, CrimeImportRun.undone_at.is_(None))
        .values(undone_at=utcnow(), undone_by=audit.current_actor_name())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise UndoRefused(_("Import %(id)d is already undone.", id=run.id))
    session.refresh(run)
    kept: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, data in session.execute(
        select(CrimeImportRow.kind, CrimeImportRow.data)
        .where(CrimeImportRow.import_id == run.id)
        .order_by(CrimeImportRow.id)
    ):
        kept[kind].append(data)
    _events_back(session, run, kept)
    _counts_back(session, run, kept)
    _coverage_back(session, run, kept)
    forgotten = _forget_alerts(session, run.imported_at, today)
    session.execute(delete(CrimeImportRow).where(CrimeImportRow.import_id == run.id))
    details = {
        "source": run.source,
        "filename": run.origin,
        "imported_at": run.imported_at.isoformat(),
        "new": run.added,
        "updated": run.changed,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "alerts_forgotten": forgotten,
    }
    audit.record(session, "crime.undo_import", run, details)
    session.flush()
    return run


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _events_back(session: Session, run: CrimeImportRun, kept: dict[str, list[Any]]) -> None:
    new = [data["id"] for data in kept["new_event"]]
    for chunk in _chunks(new):
        session.execute(delete(CrimeEventArea).where(CrimeEventArea.event_id.in_(chunk)))
        session.execute(delete(CrimeEvent).where(CrimeEvent.id.in_(chunk)))
    table = table_of(CrimeEvent)
    # Grouped by the columns kept: a changed event keeps them all, one left as it was only
    # the moment of its last download.
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for data in kept["event"]:
        row = decode(table, data)
        by_columns[tuple(sorted(row))].append({f"old_{k}": v for k, v in row.items()})
    for columns, rows in by_columns.items():
        values: dict[str, Any] = {n: bindparam(f"old_{n}") for n in columns if n != "id"}
        statement = update(table).where(table.c.id == bindparam("old_id")).values(values)
        session.connection().execute(statement, rows)
    match_again(session, [data["id"] for data in kept["event"]])
    months = {dt.date.fromisoformat(month) for month in run.scope.get("months", [])}
    if months:
        rebuild_counts(session, months)


def _counts_back(session: Session, run: CrimeImportRun, kept: dict[str, list[Any]]) -> None:
    table = table_of(CrimeCount)
    for block in decode_blocks(run.scope.get("count_blocks", []), dt.date):
        session.execute(
            table.delete().where(
                table.c.source == run.scope["count_source"], in_block(table, table.c.month, block)
            )
        )
    # A run recorded before files were replaced per category replaced whole months.
    if cells := run.scope.get("count_cells", []):
        session.execute(
            table.delete().where(
                table.c.source == run.scope["count_source"],
                grouped_in(
                    (table.c.area_id, table.c.month),
                    [(area, dt.date.fromisoformat(month)) for area, month in cells],
                ),
            )
        )
    # Under new ids: the event counts are derived again, under new ids, whenever an area's
    # names change, and SQLite gives a deleted row's id to the next row, so the old ids of
    # the counts the run replaced may be taken by now (nothing refers to a count by its id).
    _insert(session, table, kept["count"], new_ids=True)
    years = table_of(CrimeYearCount)
    if cells := run.scope.get("year_cells", []):
        session.execute(
            years.delete().where(
                grouped_in((years.c.area_id, years.c.year, years.c.category), cells)
            )
        )
    _insert(session, years, kept["year_count"])


def _coverage_back(session: Session, run: CrimeImportRun, kept: dict[str, list[Any]]) -> None:
    table = table_of(CrimeCoverage)
    # One stretch of coverage per run before a file's events could be split at their gaps.
    single = run.scope.get("coverage_id")
    if ids := run.scope.get("coverage_ids", [] if single is None else [single]):
        session.execute(table.delete().where(table.c.id.in_(ids)))
    for block in decode_blocks(run.scope.get("coverage_blocks", []), dt.datetime):
        session.execute(
            table.delete().where(table.c.source == "csv", in_block(table, table.c.starts, block))
        )
    if cells := run.scope.get("coverage_cells", []):
        session.execute(
            table.delete().where(
                table.c.source == "csv",
                grouped_in(
                    (table.c.area_id, table.c.starts),
                    [(area, dt.datetime.fromisoformat(starts)) for area, starts in cells],
                ),
            )
        )
    _insert(session, table, kept["coverage"])


def _insert(
    session: Session, table: Any, kept: list[dict[str, Any]], new_ids: bool = False
) -> None:
    """Put rows back as they were, ids included (``new_ids``: under new ids)."""
    rows = [decode(table, data) for data in kept]
    if new_ids:
        rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[start : start + CHUNK])


def _forget_alerts(session: Session, since: dt.datetime, today: dt.date) -> int:
    """Forget the deviations first seen since the run that nobody was told of and that are
    no longer deviations; how many. One mailed or posted (to anyone) or handled stays."""
    told = exists().where(DeviationMail.alert_id == DeviationAlert.id)
    candidates = session.execute(
        select(DeviationAlert.id, Area.slug, DeviationAlert.category, DeviationAlert.month)
        .join(Area, Area.id == DeviationAlert.area_id)
        .where(
            DeviationAlert.first_seen_at >= since,
            DeviationAlert.mail_sent_at.is_(None),
            DeviationAlert.webhook_sent_at.is_(None),
            DeviationAlert.handled_at.is_(None),
            ~told,
        )
    ).all()
    if not candidates:
        return 0
    months = (min(c.month for c in candidates), max(c.month for c in candidates))
    still = {
        (alarm["area"], alarm["category"], alarm["month"])
        for alarm in deviations(session.connection(), None, months=months, today=today)
    }
    gone = [
        alert_id
        for alert_id, slug, category, month in candidates
        if (slug, category, month.strftime("%Y-%m")) not in still
    ]
    if gone:
        session.execute(delete(DeviationAlert).where(DeviationAlert.id.in_(gone)))
    return len(gone)

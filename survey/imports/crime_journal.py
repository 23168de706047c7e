"""What a crime import replaces, kept while it runs, so that the import can be undone.

An import run is recorded (survey.models.crime_imports) with the rows as they were before it:
the values of each stored police event it changed (of one it left as it was, the moment it
was last downloaded), the ids of the events it stored first, and the monthly counts, yearly
counts and coverage it replaced, with the cells it wrote. survey.services.crime_imports puts
them back. Only the latest KEEP_UNDOABLE runs keep these rows: undo goes newest first, and
a feed fetched every few hours would otherwise keep every event many times over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from ..models.crime import CrimeCount, CrimeCoverage, CrimeEvent, CrimeYearCount
from ..models.crime_imports import CrimeImportRow, CrimeImportRun
from ..services import audit

#: How many of the latest runs that are not undone keep what undo needs.
KEEP_UNDOABLE = 20
#: Rows written in chunks of this many (SQL parameter limits).
CHUNK = 500
#: PostgreSQL's advisory lock that every crime import and undo takes (any fixed number).
LOCK_KEY = 4_470_020


def lock_crime_data(session: Session) -> None:
    """Wait for any other crime import or undo to end, and keep others waiting until commit.

    What an import keeps for undo, and the checks an undo makes (is this the newest run?),
    are only right if no other import or undo writes in between. PostgreSQL takes an advisory
    lock for the transaction; SQLite its write lock, by a write that changes nothing, before
    anything is read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
    else:
        session.execute(
            update(CrimeImportRun)
            .where(false())
            .values(undoable=False)
            .execution_options(synchronize_session=False)
        )


def table_of(model: Any) -> Table:
    """A mapped class's table (declarative types ``__table__`` as any FromClause)."""
    table: Table = model.__table__
    return table


def encode(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as JSON keeps it: dates and moments in ISO 8601."""
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in row.items()
    }


def decode(table: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    """A row kept by ``encode`` with its dates and moments read back, for ``table``."""
    row = {}
    for key, value in data.items():
        kind = table.c[key].type.python_type
        if value is not None and kind is dt.datetime:
            value = dt.datetime.fromisoformat(value)
        elif value is not None and kind is dt.date:
            value = dt.date.fromisoformat(value)
        row[key] = value
    return row


def grouped_in(columns: Sequence[Any], cells: Iterable[Sequence[Any]]) -> ColumnElement[bool]:
    """``(a = x AND b IN (...)) OR ...``: the cells grouped by all but their last value.

    One term per cell would pass SQLite's limit of 1000 nested terms (a file of some years
    of months for a few areas).
    """
    *keys, last = columns
    grouped: dict[tuple[Any, ...], set[Any]] = {}
    for cell in cells:
        grouped.setdefault(tuple(cell[:-1]), set()).add(cell[-1])
    return or_(
        *(
            and_(*(c == v for c, v in zip(keys, key, strict=True)), last.in_(sorted(values)))
            for key, values in grouped.items()
        )
    )


#: Per area: the months (or the moments they start) and the categories a file covers.
Block = tuple[int, list[Any], list[str]]


def in_block(table: Table, when: ColumnElement[Any], block: Block) -> ColumnElement[bool]:
    """The rows of ``table`` in one area's block: its months (by ``when``) and categories."""
    area_id, moments, categories = block
    return and_(table.c.area_id == area_id, when.in_(moments), table.c.category.in_(categories))


def encode_blocks(blocks: Iterable[Block]) -> list[list[Any]]:
    """Blocks as a run's scope keeps them: [area id, [ISO months or moments], [categories]]."""
    return [[a, [m.isoformat() for m in moments], list(c)] for a, moments, c in blocks]


def decode_blocks(kept: Iterable[Sequence[Any]], kind: type[dt.date]) -> list[Block]:
    """Blocks kept by ``encode_blocks``, their months (dt.date) or moments (dt.datetime) read."""
    return [(a, [kind.fromisoformat(m) for m in moments], list(c)) for a, moments, c in kept]


@dataclass
class Journal:
    """The rows an import replaces, gathered as it writes; ``save`` records the run."""

    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def _keep(self, kind: str, rows: Iterable[Mapping[Any, Any]]) -> list[dict[str, Any]]:
        kept = [dict(row) for row in rows]
        self.rows += [(kind, encode(row)) for row in kept]
        return kept

    def _compare(
        self,
        before: list[dict[str, Any]],
        after: list[dict[str, Any]],
        key: Callable[[Mapping[str, Any]], Hashable],
    ) -> None:
        old = {key(row): row["count"] for row in before}
        new = {key(row) for row in after}
        for row in after:
            if key(row) not in old:
                self.added += 1
            elif old[key(row)] == row["count"]:
                self.unchanged += 1
            else:
                self.changed += 1
        self.changed += len(old.keys() - new)  # a month replaced holds them no more

    def counts_before(
        self,
        session: Session,
        source: str,
        blocks: list[Block],
        records: list[dict[str, Any]],
    ) -> None:
        """Keep the monthly counts of ``source`` in the blocks a file replaces."""
        table = table_of(CrimeCount)
        if not blocks:
            return
        before = self._keep(
            "count",
            session.execute(
                select(table).where(
                    table.c.source == source,
                    or_(*(in_block(table, table.c.month, block) for block in blocks)),
                )
            ).mappings(),
        )
        self.scope["count_blocks"] = encode_blocks(blocks)
        self.scope["count_source"] = source

        def key(row: Mapping[str, Any]) -> Hashable:
            return (row["area_id"], row["month"], row["category"], row["place_id"])

        self._compare(before, records, key)

    def coverage_before(self, session: Session, blocks: list[Block]) -> None:
        """Keep the CSV coverage in the blocks (months by their start) about to be replaced."""
        table = table_of(CrimeCoverage)
        if not blocks:
            return
        self._keep(
            "coverage",
            session.execute(
                select(table).where(
                    table.c.source == "csv",
                    or_(*(in_block(table, table.c.starts, block) for block in blocks)),
                )
            ).mappings(),
        )
        self.scope["coverage_blocks"] = encode_blocks(blocks)

    def years_before(
        self,
        session: Session,
        cells: Mapping[tuple[int, int], list[str]],
        records: list[dict[str, Any]],
    ) -> None:
        """Keep the yearly counts of the (area, year, category) cells a Brå file replaces."""
        table = table_of(CrimeYearCount)
        if not cells:
            return
        conditions = [
            and_(table.c.area_id == a, table.c.year == y, table.c.category.in_(categories))
            for (a, y), categories in cells.items()
        ]
        before = self._keep(
            "year_count", session.execute(select(table).where(or_(*conditions))).mappings()
        )
        self.scope["year_cells"] = [
            [area_id, year, category]
            for (area_id, year), found in cells.items()
            for category in found
        ]

        def key(row: Mapping[str, Any]) -> Hashable:
            return (row["area_id"], row["year"], row["category"])

        self._compare(before, records, key)

    def event_before(self, event: CrimeEvent, changed: bool) -> None:
        """Keep a stored event as it is; of one left as it was, its last download's moment."""
        columns = table_of(CrimeEvent).c.keys() if changed else ["id", "updated_at"]
        self._keep("event", [{name: getattr(event, name) for name in columns}])

    def new_events(self, ids: Iterable[int]) -> None:
        self._keep("new_event", ({"id": event_id} for event_id in ids))

    def events_stored(
        self, new: int, updated: int, unchanged: int, months: set[dt.date], coverage: list[int]
    ) -> None:
        """What storing a download did: the months whose counts it derived, its coverage."""
        self.added, self.changed, self.unchanged = new, updated, unchanged
        self.scope["months"] = sorted(month.isoformat() for month in months)
        self.scope["coverage_ids"] = coverage

    def save(self, session: Session, source: str, origin: str, skipped: int) -> CrimeImportRun:
        """Record the run with the rows kept; let go of those of runs past KEEP_UNDOABLE."""
        run = CrimeImportRun(
            source=source,
            origin=origin,
            imported_by=audit.current_actor_name(),
            added=self.added,
            changed=self.changed,
            unchanged=self.unchanged,
            skipped=skipped,
            scope=self.scope,
        )
        session.add(run)
        session.flush()
        rows = [{"import_id": run.id, "kind": kind, "data": data} for kind, data in self.rows]
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(CrimeImportRow), rows[start : start + CHUNK])
        _let_go(session)
        return run


def _let_go(session: Session) -> None:
    """Past the latest KEEP_UNDOABLE runs not undone, a run keeps no rows and no scope and is
    not undoable."""
    older = list(
        session.scalars(
            select(CrimeImportRun.id)
            .where(CrimeImportRun.undoable.is_(True), CrimeImportRun.undone_at.is_(None))
            .order_by(CrimeImportRun.id.desc())
            .offset(KEEP_UNDOABLE)
        )
    )
    if older:
        session.execute(delete(CrimeImportRow).where(CrimeImportRow.import_id.in_(older)))
        session.execute(
            update(CrimeImportRun)
            .where(CrimeImportRun.id.in_(older))
            .values(undoable=False, scope={})  # what undo would have read: no longer needed
        )

"""Answers from responses CSV files (keyed-in paper forms are in services.paper).

Plain Python and SQLAlchemy (no Flask request), so the CLI and the benchmark share it. A
responses CSV (DESIGN §6) is read once: each row is checked and stored in chunks as it comes,
in the caller's transaction, so memory stays flat however long the file is. From the first
error on nothing more is stored, the rest of the file is still checked for its errors, and
the caller's rollback takes back what was stored: a file with any error stores nothing. (A
first pass that only checked cost a fifth of a million-row import.) The same error on many
rows (a round id from another database, say) is listed once, with the lines it is on and how
many rows.

The separator is found from the header: ',' or ';' (Swedish Excel's default), or a tab.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..models import ImportBatch
from ..models.aggregates import add_batch_sql
from ..services import audit
from . import (
    MAX_ERRORS,
    ImportRefused,
    NotUtf8,
    decoded_lines,
    file_checksum,
    packed_advice,
    sniff_separator,
)
from .response_lookups import Lookups, mark_codes_used
from .response_rows import ResponseColumns, RowError, Stored
from .response_store import BATCH, RowWriter

#: Rows per INSERT round trip.
CHUNK_ROWS = 2000

Progress = Callable[[str, int], AbstractContextManager[Any]]


#: Line ranges listed for one grouped error; more are shown as "…".
SHOWN_RANGES = 5


class GroupedErrors:
    """Errors in file order, each distinct (column, message) once with the lines it is on."""

    def __init__(self) -> None:
        #: (column, message) -> [first line, last line, last row number] per run of rows.
        self.groups: dict[RowError, list[list[int]]] = {}
        self.counts: dict[RowError, int] = {}
        #: Errors not kept because MAX_ERRORS distinct ones were found before them.
        self.dropped = 0
        self.total = 0

    def add(self, line: int, row: int, error: RowError) -> None:
        """Count an error on the file's line ``line``, the ``row``-th row of the file."""
        self.total += 1
        runs = self.groups.get(error)
        if runs is None:
            if len(self.groups) >= MAX_ERRORS:
                self.dropped += 1
                return
            self.groups[error] = [[line, line, row]]
            self.counts[error] = 1
            return
        last = runs[-1]
        if row == last[2]:  # the same error twice in one row
            return
        self.counts[error] += 1
        if row == last[2] + 1:
            last[1], last[2] = line, row
        elif len(runs) <= SHOWN_RANGES:
            runs.append([line, line, row])

    def lines(self) -> list[str]:
        """Each distinct error once: 'lines 2–1501 (1500 rows), column round: ...'."""
        return [self._line(error, runs) for error, runs in self.groups.items()]

    def _line(self, error: RowError, runs: list[list[int]]) -> str:
        column, message = error
        count = self.counts[error]
        if count == 1:
            where = _("line %(line)d", line=runs[0][0])
        else:
            shown = [f"{a}–{b}" if a != b else str(a) for a, b, _row in runs[:SHOWN_RANGES]]
            if len(runs) > SHOWN_RANGES:
                shown.append("…")
            where = _("lines %(lines)s (%(count)d rows)", lines=", ".join(shown), count=count)
        if column:
            return _(
                "%(where)s, column %(column)s: %(message)s",
                where=where,
                column=column,
                message=message,
            )
        return _("%(where)s: %(message)s", where=where, message=message)


@dataclass
class CheckResult:
    rows: int = 0
    #: Each distinct error once, with its lines, in file order (at most MAX_ERRORS).
    errors: list[str] = field(default_factory=list)
    #: Every error found, each row counted.
    error_count: int = 0
    #: Distinct errors left out of ``errors``.
    more: int = 0


def separator(path: str | os.PathLike[str]) -> str:
    """The file's separator, from its header: the most frequent of ',', ';' and tab."""
    with open(path, "rb") as stream:
        header = stream.readline()
    # Latin-1 reads any byte: only the separators, all ASCII, are counted.
    return sniff_separator(header.decode("latin-1"))


def parse_rows(
    path: str | os.PathLike[str],
    lookups: Lookups,
    advance: Callable[[int], Any] | None = None,
    build: bool = True,
) -> Iterator[tuple[int, Stored | None, list[RowError]]]:
    """Yield (line, stored values or None, errors) per row; file-level problems come as errors.

    The line is the file's line where the row starts (a quoted cell may span lines). Without
    build the rows are only checked, which is faster.
    """
    delimiter = separator(path)
    with open(path, "rb") as stream:
        reader = csv.reader(decoded_lines(stream, advance), strict=True, delimiter=delimiter)
        line = 1
        try:
            header = next(reader, None)
            if header is None:
                yield 1, None, [(None, _("the file is empty; it needs a header row and answers"))]
                return
            rows = ResponseColumns(header, lookups)
            if rows.errors:
                yield 1, None, rows.errors
                return
            line = reader.line_num + 1
            for cells in reader:
                # Blank lines, and rows of only empty cells (spreadsheets leave them), are not
                # answers.
                if any(cells):
                    yield (line, *rows.convert(line, cells, build))
                line = reader.line_num + 1
        except NotUtf8 as exc:
            if exc.packed:
                message = packed_advice(exc.packed)
            else:
                message = _(
                    "the file is not UTF-8 text (byte %(byte)s cannot be read); save it as UTF-8"
                    " (in Excel: CSV UTF-8) and import it again",
                    byte=exc.byte,
                )
            yield exc.line, None, [(None, message)]
        except csv.Error as exc:
            yield line, None, [(None, _("the CSV cannot be read: %(problem)s", problem=exc))]


def check_rows(
    path: str | os.PathLike[str],
    lookups: Lookups,
    advance: Callable[[int], Any] | None = None,
    store: _Store | None = None,
) -> CheckResult:
    """Check every row of a responses CSV; return how many rows and the errors, grouped.

    With ``store``, the rows are stored as they are checked, until the first error.
    """
    result = CheckResult()
    found = GroupedErrors()
    rows = parse_rows(path, lookups, advance, build=store is not None)
    for row, (line, record, errors) in enumerate(rows):
        if errors:
            for error in errors:
                found.add(line, row, error)
        else:
            result.rows += 1
            if store is not None and not found.total and record is not None:
                store.add(record)
    if not found.total and not result.rows:
        found.add(2, 0, (None, _("there are no answers below the header row")))
    result.errors = found.lines()
    result.error_count = found.total
    result.more = found.dropped
    return result


class _Store:
    """Rows of one batch inserted in chunks, without ORM objects.

    The invitation codes the rows carry are marked used after the rows (``finish``), in the
    same transaction; nothing records which row had which code.
    """

    def __init__(self, session: Session, lookups: Lookups, batch_id: int) -> None:
        self.session = session
        self.writer = RowWriter(session)
        self.lookups = lookups
        self.batch_id = batch_id
        self.rows: list[list[Any]] = []
        self.added: list[dict[str, str]] = []
        self.codes: list[str] = []

    def add(self, record: Stored) -> None:
        row, answers, code = record
        if code:
            self.codes.append(code)
        row[BATCH] = self.batch_id
        self.rows.append(row)
        self.added.append(answers)
        if len(self.rows) == CHUNK_ROWS:
            self._insert()

    def _insert(self) -> None:
        """Insert the chunk, then its answers to added items (if any) by the rows' ids."""
        if any(self.added):
            self.writer.insert_with_items(self.rows, self.added, self.lookups)
        else:
            self.writer.insert(self.rows)
        self.rows, self.added = [], []

    def finish(self) -> None:
        if self.rows:
            self._insert()
        mark_codes_used(self.session, self.codes)


class _NoBar:
    def update(self, _n: int) -> None:
        pass


def _no_progress(_label: str, _length: int) -> AbstractContextManager[Any]:
    return nullcontext(_NoBar())


def import_responses(
    session: Session,
    path: str | os.PathLike[str],
    imported_by: str = audit.CLI_ACTOR,
    progress: Progress | None = None,
    today: dt.date | None = None,
    secret: str | None = None,
) -> ImportBatch:
    """Check and store a whole responses CSV as one batch, all or nothing; the caller commits.

    Raises ImportRefused for a file already imported (having added nothing to the session)
    and for a file with any error, or one of whose invitation codes was used meanwhile: then
    the caller's rollback removes what was added. ``secret`` (the app's SECRET_KEY) checks
    the codes of answers to a round by invitation; without it such answers are refused.
    """
    progress = progress or _no_progress
    checksum = file_checksum(path)
    earlier = session.scalar(select(ImportBatch).where(ImportBatch.checksum == checksum))
    if earlier is not None:
        when = earlier.imported_at.strftime("%Y-%m-%d %H:%M")
        raise ImportRefused(
            [
                ngettext(
                    "this file was already imported on %(when)s UTC as batch %(batch)d"
                    " (%(file)s, %(num)d row)",
                    "this file was already imported on %(when)s UTC as batch %(batch)d"
                    " (%(file)s, %(num)d rows)",
                    earlier.rows,
                    when=when,
                    batch=earlier.id,
                    file=earlier.filename,
                )
            ]
        )
    lookups = Lookups(session, today, secret)
    filename = Path(path).name[:255]
    batch = ImportBatch(checksum=checksum, filename=filename, rows=0, imported_by=imported_by)
    session.add(batch)
    session.flush()
    store = _Store(session, lookups, batch.id)
    with progress("importing", os.path.getsize(path)) as bar:
        checked = check_rows(path, lookups, bar.update, store)
    if checked.errors:
        raise ImportRefused(checked.errors, len(checked.errors) + checked.more)
    store.finish()
    batch.rows = checked.rows
    # The answer counts of a file's rows, one statement a grain (their insert trigger skips them).
    for statement in add_batch_sql(session.get_bind().dialect.name, checked.rows):
        session.execute(text(statement), {"batch": batch.id})
    audit.record(session, "responses.import", batch, {"filename": filename, "rows": checked.rows})
    return batch

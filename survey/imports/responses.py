"""Answers from responses CSV files (keyed-in paper forms are in services.paper).

Plain Python and SQLAlchemy (no Flask request), so the CLI and the benchmark share it. A
responses CSV (DESIGN §6) is checked completely in a first pass over the file and stored in
a second one, so memory stays flat however long the file is, and a file with any error
stores nothing. The same error on many rows (a round id from another
database, say) is listed once, with the lines it is on and how many rows.

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
    csv_problem,
    decoded_lines,
    file_checksums,
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
            yield (
                line,
                None,
                [(None, _("the CSV cannot be read: %(problem)s", problem=csv_problem(exc)))],
            )


def check_rows(
    path: str | os.PathLike[str], lookups: Lookups, advance: Callable[[int], Any] | None = None
) -> CheckResult:
    """Check every row of a responses CSV; return how many rows and the errors, grouped."""
    result = CheckResult()
    found = GroupedErrors()
    for row, (line, _record, errors) in enumerate(parse_rows(path, lookups, advance, build=False)):
        if errors:
            for error in errors:
                found.add(line, row, error)
        else:
            result.rows += 1
    if not found.total and not result.rows:
        found.add(2, 0, (None, _("there are no answers below the header row")))
    result.errors = found.lines()
    result.error_count = found.total
    result.more = found.dropped
    return result


def store_rows(
    session: Session,
    path: str | os.PathLike[str],
    lookups: Lookups,
    batch_id: int,
    advance: Callable[[int], Any] | None = None,
) -> int:
    """Insert the rows of a checked file in chunks, without ORM objects; return how many.

    The invitation codes the rows carry are marked used after the rows, in the same
    transaction; nothing records which row had which code.
    """
    writer = RowWriter(session)
    rows: list[list[Any]] = []
    added: list[dict[str, str]] = []
    stored = 0
    codes: list[str] = []
    for _line, record, errors in parse_rows(path, lookups, advance):
        if errors or record is None:  # the file changed after it was checked
            raise ImportRefused([_("the file changed while it was imported")])
        row, answers, code = record
        if code:
            codes.append(code)
        row[BATCH] = batch_id
        rows.append(row)
        added.append(answers)
        if len(rows) == CHUNK_ROWS:
            stored += _insert(writer, rows, added, lookups)
            rows, added = [], []
    if rows:
        stored += _insert(writer, rows, added, lookups)
    mark_codes_used(session, codes)
    return stored


def _insert(
    writer: RowWriter, rows: list[list[Any]], added: list[dict[str, str]], lookups: Lookups
) -> int:
    """Insert a chunk of responses, then their answers to added items (if any) by their ids."""
    if any(added):
        writer.insert_with_items(rows, added, lookups)
    else:
        writer.insert(rows)
    return len(rows)


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
    """Check a whole responses CSV, then store it as one batch; the caller commits.

    Raises ImportRefused, having added nothing to the session, for a file already imported
    or with any error; a file changed between the two passes (or one of its invitation
    codes used meanwhile) is refused too, and then the caller's rollback removes what was
    added. ``secret`` (the app's SECRET_KEY) checks the codes of answers to a round by
    invitation; without it such answers are refused.
    """
    progress = progress or _no_progress
    checksum, raw_checksum = file_checksums(path)
    earlier = session.scalar(
        select(ImportBatch)
        .where(ImportBatch.checksum.in_([checksum, raw_checksum]))
        .order_by(ImportBatch.id)
        .limit(1)
    )
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
    size = os.path.getsize(path)
    with progress("checking", size) as bar:
        checked = check_rows(path, lookups, bar.update)
    if checked.errors:
        raise ImportRefused(checked.errors, len(checked.errors) + checked.more)
    filename = Path(path).name[:255]
    batch = ImportBatch(
        checksum=checksum, filename=filename, rows=checked.rows, imported_by=imported_by
    )
    session.add(batch)
    session.flush()
    with progress("importing", size) as bar:
        store_rows(session, path, lookups, batch.id, bar.update)
    # The answer counts of a file's rows, one statement a grain (their insert trigger skips them).
    for statement in add_batch_sql(session.get_bind().dialect.name, checked.rows):
        session.execute(text(statement), {"batch": batch.id})
    audit.record(session, "responses.import", batch, {"filename": filename, "rows": checked.rows})
    return batch

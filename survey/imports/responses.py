"""Answers from outside the web form: keyed-in paper forms and responses CSV files.

Plain Python and SQLAlchemy (no Flask request), so the CLI, the organizer pages and the
benchmark share it. A responses CSV (DESIGN §6) is checked completely in a first pass over
the file and stored in a second one, so memory stays flat however long the file is, and a
file with any error stores nothing.
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

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..models import ImportBatch, Place, Response
from ..questionnaire import Questionnaire
from ..services import audit
from ..services.responses import open_round, record_response
from . import MAX_ERRORS, ImportRefused, NotUtf8, decoded_lines, file_checksum
from .response_rows import Lookups, ResponseColumns

#: Rows per INSERT round trip.
CHUNK_ROWS = 2000

Progress = Callable[[str, int], AbstractContextManager[Any]]


def record_paper_response(
    session: Session,
    place: Place,
    questionnaire: Questionnaire,
    answers: dict[str, str | None],
    written_on: dt.date,
    round_id: int | None = None,
) -> Response:
    """Store one keyed-in paper form (in the round open on its date unless one is given)."""
    if round_id is None:
        survey_round = open_round(session, place.area_id, written_on)
        round_id = survey_round.id if survey_round else None
    response = record_response(
        session,
        place,
        questionnaire.version,
        answers,
        source="paper",
        submitted_on=written_on,
        round_id=round_id,
    )
    # Never the answers themselves: a comment could identify its writer.
    audit.record(
        session,
        "response.create_paper",
        response,
        {"place": place.slug, "date": written_on.isoformat()},
    )
    return response


@dataclass
class CheckResult:
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0


def parse_rows(
    path: str | os.PathLike[str],
    lookups: Lookups,
    advance: Callable[[int], Any] | None = None,
    build: bool = True,
) -> Iterator[tuple[int, dict[str, Any] | None, list[str]]]:
    """Yield (line, stored values or None, errors) per row; file-level problems come as errors.

    The line is the file's line where the row starts (a quoted cell may span lines). Without
    build the rows are only checked, which is faster.
    """
    with open(path, "rb") as stream:
        reader = csv.reader(decoded_lines(stream, advance), strict=True)
        line = 1
        try:
            header = next(reader, None)
            if header is None:
                yield 1, None, ["line 1: the file is empty; it needs a header row and answers"]
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
            yield line, None, exc.errors
        except csv.Error as exc:
            yield line, None, [f"line {line}: the CSV cannot be read: {exc}"]


def check_rows(
    path: str | os.PathLike[str], lookups: Lookups, advance: Callable[[int], Any] | None = None
) -> CheckResult:
    """Check every row of a responses CSV; return how many rows and the first errors."""
    result = CheckResult()
    for _line, _record, errors in parse_rows(path, lookups, advance, build=False):
        if errors:
            result.error_count += len(errors)
            result.errors.extend(errors[: MAX_ERRORS - len(result.errors)])
        else:
            result.rows += 1
    if not result.error_count and not result.rows:
        result.errors = ["line 2: there are no answers below the header row"]
        result.error_count = 1
    return result


def store_rows(
    session: Session,
    path: str | os.PathLike[str],
    lookups: Lookups,
    batch_id: int,
    advance: Callable[[int], Any] | None = None,
) -> int:
    """Insert the rows of a checked file in chunks, without ORM objects; return how many."""
    statement = insert(Response.__table__)
    chunk: list[dict[str, Any]] = []
    stored = 0
    for _line, record, errors in parse_rows(path, lookups, advance):
        if errors or record is None:  # the file changed after it was checked
            raise ImportRefused(errors or ["the file changed while it was imported"])
        record["import_batch_id"] = batch_id
        chunk.append(record)
        if len(chunk) == CHUNK_ROWS:
            session.execute(statement, chunk)
            stored += len(chunk)
            chunk = []
    if chunk:
        session.execute(statement, chunk)
        stored += len(chunk)
    return stored


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
) -> ImportBatch:
    """Check a whole responses CSV, then store it as one batch; the caller commits.

    Raises ImportRefused, having added nothing to the session, for a file already imported
    or with any error; a file changed between the two passes is refused too, and then the
    caller's rollback removes what was added.
    """
    progress = progress or _no_progress
    checksum = file_checksum(path)
    earlier = session.scalar(select(ImportBatch).where(ImportBatch.checksum == checksum))
    if earlier is not None:
        when = earlier.imported_at.strftime("%Y-%m-%d %H:%M")
        raise ImportRefused(
            [
                f"this file was already imported on {when} UTC as batch {earlier.id}"
                f" ({earlier.filename}, {earlier.rows} {'row' if earlier.rows == 1 else 'rows'})"
            ]
        )
    lookups = Lookups(session, today)
    size = os.path.getsize(path)
    with progress("checking", size) as bar:
        checked = check_rows(path, lookups, bar.update)
    if checked.errors:
        raise ImportRefused(checked.errors, checked.error_count)
    filename = Path(path).name[:255]
    batch = ImportBatch(
        checksum=checksum, filename=filename, rows=checked.rows, imported_by=imported_by
    )
    session.add(batch)
    session.flush()
    with progress("importing", size) as bar:
        store_rows(session, path, lookups, batch.id, bar.update)
    audit.record(session, "responses.import", batch, {"filename": filename, "rows": checked.rows})
    return batch

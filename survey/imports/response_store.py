"""Storing a checked responses file's rows: many rows per INSERT statement, no ORM objects.

A row per statement costs SQLite dearly here: each execution of the statement builds again
the lookup tables of the ``response`` table's CHECK constraints (``gender IN (...)`` and the
like, one per answer column), which made a row about 25 times dearer than the row itself.
One statement with many rows builds them once for all its rows (bench/import_responses.py
measures it). On PostgreSQL the rows go through COPY instead: psycopg parses a statement's
placeholders again at every execution when it has more than 50 of them, which took half the
import's CPU (bench/lagesbild.py: 4,300 rows/s before, 18,100 after). Either way the rows go
over the session's connection, in the import's one transaction; the insert trigger of the
answer counts skips a file's rows, which the import counts at the end (add_batch_sql).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import Any, cast

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..db import driver_error
from ..models import Response
from ..questionnaire import Questionnaire
from ..services import item_answers
from ..services.item_answers import CATALOGUE_CODES
from .response_lookups import Lookups

#: The columns an imported row fills, in the order of a stored row's values.
COLUMNS: tuple[str, ...] = (
    "place_id",
    "submitted_on",
    "questionnaire_version",
    "source",
    "round_id",
    "import_batch_id",
    *CATALOGUE_CODES,
)
#: The position of the date among COLUMNS (SQLite is given it as text, as SQLAlchemy does).
DATE = COLUMNS.index("submitted_on")
#: The position of the import batch's id among COLUMNS.
BATCH = COLUMNS.index("import_batch_id")
#: Rows per statement: enough that building the statement's CHECK tables is paid rarely.
ROWS_PER_STATEMENT = 250
#: The most bound values one statement may have: SQLite before 3.32 allowed 999.
_MAX_VALUES = 32766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999

Row = list[Any]


class RowWriter:
    """Inserts stored rows (lists in COLUMNS order) on the session's connection."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.connection = session.connection()
        dialect = self.connection.dialect
        self.sqlite = dialect.name == "sqlite"
        # COPY as psycopg (3) offers it; another driver gets the INSERT statements.
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.per_statement = min(ROWS_PER_STATEMENT, _MAX_VALUES // len(COLUMNS))
        self._statements: dict[int, str] = {}

    def _statement(self, rows: int) -> str:
        statement = self._statements.get(rows)
        if statement is None:
            one = "(" + ", ".join([self.mark] * len(COLUMNS)) + ")"
            statement = (
                f"INSERT INTO response ({', '.join(COLUMNS)}) VALUES "  # noqa: S608  # nosec B608 (column names of the model, no input)
                + ", ".join([one] * rows)
            )
            self._statements[rows] = statement
        return statement

    def insert(self, rows: Sequence[Row]) -> None:
        """Insert the rows, as many per statement as allowed (PostgreSQL: by COPY)."""
        if self.copy:
            self._copy(rows)
            return
        if self.sqlite:
            for row in rows:
                row[DATE] = row[DATE].isoformat()
        step = self.per_statement
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            values = tuple(chain.from_iterable(part))
            self.connection.exec_driver_sql(self._statement(len(part)), values)

    def _copy(self, rows: Sequence[Row]) -> None:
        statement = f"COPY response ({', '.join(COLUMNS)}) FROM STDIN"
        dialect = self.connection.dialect
        # psycopg's own connection (the pool's proxy has no COPY), in the session's transaction.
        driver = cast(Any, self.connection.connection.driver_connection)
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy's, as other statements'
            raise driver_error(dialect, exc, statement) from exc

    def insert_with_items(
        self, rows: Sequence[Row], added: Sequence[dict[str, str]], lookups: Lookups
    ) -> None:
        """Insert rows some of which have answers to added items, stored by the rows' ids."""
        table = Response.__table__
        records = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        ids = self.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), records
        ).all()
        version = COLUMNS.index("questionnaire_version")
        items = []
        for row, response_id, answers in zip(rows, ids, added, strict=True):
            if answers:
                # Every row was checked against its (recorded) version.
                questionnaire = cast(Questionnaire, lookups.version(row[version]))
                items.extend(item_answers.item_rows(questionnaire, response_id, answers))
        item_answers.store(self.session, items)

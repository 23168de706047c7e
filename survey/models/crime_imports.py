"""Crime import runs: what each file or download stored, and what it replaced, for undo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from .accounts import utcnow
from .base import Base

#: What a kept row of an import run is: an event's values before the run changed them, an
#: event the run stored first, or a count, yearly count or coverage the run replaced.
JOURNAL_KINDS = ("event", "new_event", "count", "year_count", "coverage")


class CrimeImportRun(Base):
    """One crime import (a file or a download): who, when, from where, and how many rows.

    Undo restores the state before it, newest first (survey.services.crime_imports).
    """

    __tablename__ = "crime_import"
    __table_args__ = (
        CheckConstraint(
            "added >= 0 AND changed >= 0 AND unchanged >= 0 AND skipped >= 0", "counts"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The format: 'csv', 'events' or one of Brå's shapes.
    source: Mapped[str] = mapped_column(String(16))
    #: The file name or URL.
    origin: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The admin's e-mail, or ``cli``.
    imported_by: Mapped[str] = mapped_column(String(254))
    #: Rows (events, counts) stored that were not there before.
    added: Mapped[int] = mapped_column(default=0)
    #: Rows whose earlier values it replaced (or took away: a CSV replaces whole months).
    changed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    #: Rows outside every area: events stored but counted nowhere, Brå rows left out.
    skipped: Mapped[int] = mapped_column(default=0)
    #: Where it wrote: the cells it replaced, the months it derived again, its coverage row.
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: False once what undo needs was let go (only the latest runs keep it).
    undoable: Mapped[bool] = mapped_column(default=True, server_default=true())
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(254))


class CrimeImportRow(Base):
    """A row as it was before an import run changed or replaced it (JSON), or a new event."""

    __tablename__ = "crime_import_row"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('event', 'new_event', 'count', 'year_count', 'coverage')", "kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("crime_import.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    #: The row's columns, dates written YYYY-MM-DD and moments in ISO 8601.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

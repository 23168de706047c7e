"""One anonymous answer to the questionnaire about one place.

The answer columns are the item codes of the catalogue (questionnaire version 1), each with a
named CHECK constraint on its values, so the database itself refuses an impossible answer.
Nothing that identifies the respondent is stored: no IP address, user agent, cookie or time;
a web answer keeps only the hash of a random receipt code that the resident alone holds.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import utcnow
from .base import Base
from .count_tables import CHOICES, MULTI
from .places import Place
from .rounds import SurveyRound

SOURCES = ("web", "paper", "import")
#: What an import batch holds: one imported file, or paper forms keyed in one after another.
BATCH_KINDS = ("file", "paper")
#: How a paper batch's checksum starts (a hex SHA-256 never does).
PAPER_CHECKSUM = "paper:"
#: How an undone batch's checksum starts ("undone:" and its id): its row is kept, so that the
#: next batch never gets its id (SQLite gives the highest id + 1) and the audit trail's
#: "batch 7" always means one batch; the same file can be imported again.
UNDONE_CHECKSUM = "undone:"


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


class AnswerColumn(NamedTuple):
    """One of version 1's items as a column of ``response``."""

    code: str
    type: str
    #: The options of a choice item.
    values: tuple[str, ...] = ()
    #: The longest text a text item takes.
    max_length: int = 0


#: Version 1's items in questionnaire order, written out rather than parsed from v1.yaml at
#: import (the parse slowed the start of every command); they are the columns the migrations
#: created, and a test compares them with v1.yaml.
ANSWER_COLUMNS: tuple[AnswerColumn, ...] = (
    *(
        AnswerColumn(code, "multi" if code == MULTI else "single", values)
        for code, values in CHOICES
    ),
    AnswerColumn("comment", "text", max_length=1000),
    AnswerColumn("age_band", "single", ("16-24", "25-44", "45-64", "65+", "na")),
    AnswerColumn("gender", "single", ("woman", "man", "other", "na")),
)


def _answer_columns() -> list[Column | CheckConstraint]:
    parts: list[Column | CheckConstraint] = []
    for item in ANSWER_COLUMNS:
        if item.type == "single":
            parts.append(Column(item.code, String(16)))
            parts.append(CheckConstraint(f"{item.code} IN ({_sql_list(item.values)})", item.code))
        elif item.type == "multi":
            # Options joined by ';' in questionnaire order, validated by the form and import.
            parts.append(Column(item.code, String(200)))
        else:
            parts.append(Column(item.code, Text))
            parts.append(CheckConstraint(f"length({item.code}) <= {item.max_length}", item.code))
    return parts


response_table = Table(
    "response",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("place_id", ForeignKey("place.id"), nullable=False, index=True),
    # The date only: a time of day could single out a respondent seen at the place.
    Column("submitted_on", Date, nullable=False),
    Column("questionnaire_version", Integer, nullable=False),
    Column("source", String(16), nullable=False),
    # The survey round the answer belongs to; empty for imported answers outside any round.
    Column("round_id", ForeignKey("survey_round.id"), index=True),
    Column("import_batch_id", ForeignKey("import_batch.id"), index=True),
    #: A paper answer's running number in its key-in batch (1, 2, ...): the number the
    #: organizer writes on the paper form, to find it again.
    Column("key_number", Integer),
    #: SHA-256 of the receipt code shown once on the thank-you page (web answers only), so
    #: the answer can be erased on request; the code itself is never stored.
    Column("receipt_hash", String(64)),
    #: Held back from every figure: part of a burst of answers to one place (the burst hold),
    #: until an organizer releases or discards it.
    Column("held", Boolean, nullable=False, default=False, server_default=sa_false()),
    *_answer_columns(),
    CheckConstraint(f"source IN ({_sql_list(SOURCES)})", "source"),
    # The situation picture filters by place (an area's places), round and date.
    Index("ix_response_place_round_date", "place_id", "round_id", "submitted_on"),
    # Unique: one code, one answer; NULL (paper and imported answers) may repeat.
    Index("ix_response_receipt_hash", "receipt_hash", unique=True),
)


class ImportBatch(Base):
    """One imported file of answers (its checksum refuses the same file twice), or one
    sitting of keying in paper forms."""

    __tablename__ = "import_batch"
    __table_args__ = (CheckConstraint(f"kind IN ({_sql_list(BATCH_KINDS)})", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="file", server_default="file")
    #: SHA-256 of the file's bytes; for paper forms "paper:" and a random id (PAPER_CHECKSUM),
    #: which no file's checksum can equal.
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    #: The file's name; empty for paper forms.
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int]
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(254))

    @property
    def undone(self) -> bool:
        return self.checksum.startswith(UNDONE_CHECKSUM)


def batch_not_undone() -> ColumnElement[bool]:
    """The batches that were not undone, for a query's WHERE."""
    return ImportBatch.checksum.not_like(UNDONE_CHECKSUM + "%")


class PaperSheet(Base):
    """One blank paper key-in form that was saved, by the random name its page carried.

    Its primary key refuses the same page saved twice: sent again after Back, or twice at
    once by a double click (two requests in flight, which no session cookie can order). The
    name is random and nothing joins it to the answer; rows older than SHEET_DAYS go.
    """

    __tablename__ = "paper_sheet"

    name: Mapped[str] = mapped_column(String(43), primary_key=True)
    saved_on: Mapped[dt.date] = mapped_column(Date, index=True)


class Response(Base):
    __table__ = response_table

    id: Mapped[int]
    place_id: Mapped[int]
    submitted_on: Mapped[dt.date]
    questionnaire_version: Mapped[int]
    source: Mapped[str]
    round_id: Mapped[int | None]
    import_batch_id: Mapped[int | None]
    key_number: Mapped[int | None]
    receipt_hash: Mapped[str | None]
    #: The resident's free-text comment, an answer column; declared so the type checker sees it.
    comment: Mapped[str | None]
    #: Part of a burst of answers to one place: left out of every figure until reviewed.
    held: Mapped[bool]

    place: Mapped[Place] = relationship()
    round: Mapped[SurveyRound | None] = relationship()
    tags: Mapped[list[CommentTag]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="CommentTag.tag"
    )


class CommentTag(Base):
    """A topic tag an organizer put on a resident's comment (a problem key or a free tag)."""

    __tablename__ = "comment_tag"
    __table_args__ = (UniqueConstraint("response_id", "tag", name="uq_comment_tag_response_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    tag: Mapped[str] = mapped_column(String(64), index=True)

    response: Mapped[Response] = relationship(back_populates="tags")

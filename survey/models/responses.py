"""One anonymous answer to the questionnaire about one place.

The answer columns are the item codes of the catalogue (questionnaire version 1), each with a
named CHECK constraint on its values, so the database itself refuses an impossible answer.
Nothing that identifies the respondent is stored: no IP address, user agent, cookie or time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, relationship

from ..questionnaire import builtin
from .base import Base
from .places import Place

SOURCES = ("web", "paper", "import")


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _answer_columns() -> list[Column | CheckConstraint]:
    parts: list[Column | CheckConstraint] = []
    for item in builtin(1).items:
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
    *_answer_columns(),
    CheckConstraint(f"source IN ({_sql_list(SOURCES)})", "source"),
)


class Response(Base):
    __table__ = response_table

    id: Mapped[int]
    place_id: Mapped[int]
    submitted_on: Mapped[dt.date]
    questionnaire_version: Mapped[int]
    source: Mapped[str]

    place: Mapped[Place] = relationship()

"""The tables of answer counts (kept by the triggers of survey.models.aggregates), in two grains.

Per day (``response_count``, ``answer_count``, migration 0015) and per month
(``response_count_month``, ``answer_count_month``, migration 0016): the same counts, a cell
being (place, round, day or month, gender, age band). The month tables hold at most one row per
place, round, month and group however many answers there are, so a picture over whole months
sums a few thousand rows at 10,000 answers or at 1,000,000; the day tables give the days of a
date range's partial first and last month (analysis.counted).

The counted columns are version 1's choice values, written out here (``CHOICES``) rather than
parsed from v1.yaml at import: they are the columns the migrations created, and a test checks
them against the questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Date, Integer, PrimaryKeyConstraint, String, Table

from .base import Base

_TIMES = ("day", "afternoon", "evening", "night")
_PROBLEMS = (
    *("alcohol", "drug_dealing", "drug_use", "groups", "harassment", "violence"),
    *("theft", "vandalism", "litter", "lighting", "traffic"),
)
_SAFETY = ("1", "2", "3", "4", "avoid", "na", "dk")
_PROBLEM = ("0", "1", "2", "3", "4", "dk")
_SCALE = ("1", "2", "3", "4", "dk")

#: Version 1's choice items other than gender and age band, with their values, in
#: questionnaire order (a test compares them with v1.yaml).
CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("relation", ("live", "work", "study", "visit", "pass")),
    *((f"safety_{t}", _SAFETY) for t in _TIMES),
    *((f"problem_{p}", _PROBLEM) for p in _PROBLEMS),
    ("worry", _SCALE),
    ("avoided", ("yes", "no")),
    ("victim", ("yes", "no", "dk")),
    ("reported", ("yes", "no")),
    ("police_priority", ("presence", "alcohol", "drugs", "youth", "violence", "traffic", "other")),
    ("police_cares", _SCALE),
)
#: The multiple-choice item among them (its options are ticked, several at once).
MULTI = "police_priority"


def _count_columns() -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for code, values in CHOICES:
        if code == MULTI:
            found.append((f"n_{code}_any", code, "*"))
        found += [(f"n_{code}_{v}", code, v) for v in values]
    return found


#: (column, item code, value) per counted value; value "*" of a multi-choice item: any ticked.
COUNT_COLUMNS = _count_columns()


@dataclass(frozen=True)
class Grain:
    """One grain of the counts: its two tables and the column naming a cell's period."""

    wide: str
    items: str
    period: str
    monthly: bool

    def of(self, date: str, dialect: str) -> str:
        """The SQL of the period a date (given as SQL) falls in."""
        if not self.monthly:
            return date
        if dialect == "sqlite":  # dates are stored as YYYY-MM-DD text
            return f"date({date}, 'start of month')"
        # Without a time zone, so no session setting can move the day.
        return f"CAST(date_trunc('month', CAST({date} AS TIMESTAMP)) AS DATE)"

    def cell(self) -> tuple[str, ...]:
        """The key columns of a cell."""
        return ("place_id", "round_key", self.period, "gender", "age_band")


DAY = Grain("response_count", "answer_count", "day", monthly=False)
#: The month of a cell is stored as its first day.
MONTH = Grain("response_count_month", "answer_count_month", "month", monthly=True)
GRAINS = (DAY, MONTH)


def _cell_columns(grain: Grain) -> list[Column]:
    return [
        Column("place_id", Integer, nullable=False),
        #: The survey round's id, 0 for answers outside any round.
        Column("round_key", Integer, nullable=False),
        Column(grain.period, Date, nullable=False),
        #: The answer's gender and age band, "" when not given.
        Column("gender", String(16), nullable=False),
        Column("age_band", String(16), nullable=False),
    ]


def _items_table(grain: Grain) -> Table:
    return Table(
        grain.items,
        Base.metadata,
        *_cell_columns(grain),
        #: An item code, or "*" for the answer itself.
        Column("code", String(40), nullable=False),
        #: An option value (or a number as text); "" for a text; "*" for "answered".
        Column("value", String(64), nullable=False),
        Column("count", Integer, nullable=False),
        # The picture selects by place, then round and period, and sums per cell: the key
        # covers it.
        PrimaryKeyConstraint(*grain.cell(), "code", "value", name=f"pk_{grain.items}"),
        sqlite_with_rowid=False,
    )


def _wide_table(grain: Grain) -> Table:
    return Table(
        grain.wide,
        Base.metadata,
        *_cell_columns(grain),
        #: The answers in the cell.
        Column("answers", Integer, nullable=False),
        *(Column(name, Integer, nullable=False) for name, _code, _value in COUNT_COLUMNS),
        PrimaryKeyConstraint(*grain.cell(), name=f"pk_{grain.wide}"),
        sqlite_with_rowid=False,
    )


answer_count = _items_table(DAY)
response_count = _wide_table(DAY)
answer_count_month = _items_table(MONTH)
response_count_month = _wide_table(MONTH)

"""Many counters in a few SQL sums: small counts packed into bit fields of 64-bit integers.

SQLite evaluates every aggregate and every CASE for every row, and that, not reading the rows,
is what an area's survey figures cost: about seventy ``SUM(CASE ...)`` over 500,000 answers take
seconds. So each answer column is read by ONE ``CASE`` whose value carries all the counters of
that column, each in its own bit field (e.g. ``1 + 2**14`` adds one to "answered" and one to
"unsafe"), and several such CASEs share one ``SUM``. A field holds the counts of at most
``limit`` rows; callers check the group sizes and use a wider layout when a group is larger.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, literal, select
from sqlalchemy.exc import OperationalError

#: Bits used per integer: below the sign bit, with one bit to spare.
WORD_BITS = 62


@dataclass(frozen=True)
class Counts:
    """Counters read from one source, and how to build their per-row SQL value."""

    #: (name, the most one row can add) per counter.
    counters: tuple[tuple[str, int], ...]
    #: Given multipliers for some of the counters, the per-row SQL value adding them up.
    build: Callable[[Mapping[str, int]], ColumnElement[Any]]


def by_value(source: ColumnElement[Any], increments: Mapping[str, Mapping[str, int]]) -> Counts:
    """Counters incremented per stored value of a column: one simple CASE."""
    most: dict[str, int] = {}
    for amounts in increments.values():
        for name, amount in amounts.items():
            most[name] = max(most.get(name, 0), amount)

    def build(multipliers: Mapping[str, int]) -> ColumnElement[Any]:
        whens = {}
        for value, amounts in increments.items():
            packed = sum(a * multipliers[n] for n, a in amounts.items() if n in multipliers)
            if packed:
                whens[value] = packed
        return case(whens, value=source, else_=0) if whens else literal(0)

    return Counts(tuple(most.items()), build)


def when(conditions: Mapping[str, ColumnElement[bool]]) -> Counts:
    """One counter per condition: the rows meeting it."""

    def build(multipliers: Mapping[str, int]) -> ColumnElement[Any]:
        parts = [case((conditions[n], m), else_=0) for n, m in multipliers.items()]
        return reduce(operator.add, parts)

    return Counts(tuple((name, 1) for name in conditions), build)


class Layout:
    """Counters assigned to bit fields of a few SQL sums, for groups of at most `limit` rows."""

    def __init__(self, counts: Sequence[Counts], row_bits: int) -> None:
        self.limit = (1 << row_bits) - 1
        self.slots: dict[str, tuple[int, int, int]] = {}
        words: list[list[ColumnElement[Any]]] = [[]]
        used = [0]

        def place(source: Counts, fields: dict[str, int]) -> None:
            if used[-1] + sum(fields.values()) > WORD_BITS:
                words.append([])
                used.append(0)
            multipliers = {}
            for name, width in fields.items():
                self.slots[name] = (len(words) - 1, used[-1], width)
                multipliers[name] = 1 << used[-1]
                used[-1] += width
            words[-1].append(source.build(multipliers))

        for source in counts:
            fields: dict[str, int] = {}
            for name, most in source.counters:
                width = (self.limit * most).bit_length()
                if sum(fields.values()) + width > WORD_BITS:
                    place(source, fields)
                    fields = {}
                fields[name] = width
            place(source, fields)
        #: The SQL sums to select, in order; `unpack` reads their values back.
        self.columns = [func.sum(reduce(operator.add, parts)) for parts in words if parts]

    def unpack(self, sums: Sequence[Any]) -> dict[str, int]:
        """Each counter's total from the selected sums of one group."""
        totals = [int(value or 0) for value in sums]
        return {
            name: (totals[word] >> offset) & ((1 << width) - 1)
            for name, (word, offset, width) in self.slots.items()
        }


#: Fields for up to 16,383 rows a group: a problem's four counters share one integer.
NARROW = 14
#: Fields for up to 2**31 - 1 rows a group.
WIDE = 31


def grouped(
    conn: Connection,
    keys: Sequence[ColumnElement[Any]],
    where: Sequence[ColumnElement[bool]],
    counts: Sequence[Counts],
) -> list[tuple[tuple[Any, ...], int, dict[str, int]]]:
    """One grouped query: (group key, rows, counter totals) per group."""
    k = len(keys)
    for row_bits in (NARROW, WIDE):
        layout = Layout(counts, row_bits)
        query = select(*keys, func.count(), *layout.columns).where(*where).group_by(*keys)
        try:
            rows = conn.execute(query).all()
        except OperationalError as error:
            # SQLite refuses a sum past 2**63: a group too large for these fields.
            if "overflow" not in str(error):
                raise
            continue
        if all(row[k] <= layout.limit for row in rows):
            return [(tuple(row[:k]), int(row[k]), layout.unpack(row[k + 1 :])) for row in rows]
    raise ValueError(f"a group has more than {(1 << WIDE) - 1} rows")

"""Where the survey indicators' counters come from: the answer counts per cell.

``COUNTERS`` says, per item code and value of the answer counts (``response_count``), which
counters a value adds; ``counted_cells`` sums them per (place, gender, age band) in one query.
``survey_counts`` counts the same counters from the answer rows (packed SQL sums): a test
compares the two.

The counts are kept per day and per month (survey.models.count_tables). ``counted_rows``
reads the month counts for the whole months of the filters' date range and the day counts for
the days of its partial first and last month only, so what a picture reads grows with the
places, months and groups, not with the answers.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    FromClause,
    Integer,
    Select,
    String,
    Subquery,
    TableClause,
    case,
    column,
    func,
    or_,
    select,
    table,
    union_all,
)

from . import packed
from .tables import PROBLEMS, TIMES, response


class Filters(Protocol):
    """What the counts and weighting read of ``survey.Filters`` (named here, where nothing
    imports ``survey``, so that no import goes in a circle)."""

    @property
    def round_id(self) -> int | None: ...
    @property
    def date_from(self) -> dt.date | None: ...
    @property
    def date_to(self) -> dt.date | None: ...
    @property
    def gender(self) -> str | None: ...
    @property
    def age_band(self) -> str | None: ...


PRIORITY_OPTIONS = ("presence", "alcohol", "drugs", "youth", "violence", "traffic", "other")

#: A safety answer 1..4 or avoid is an answer (base); 3, 4 and avoid count as unsafe (hit).
UNSAFE = {v: {"base": 1, "hit": int(v not in ("1", "2"))} for v in ("1", "2", "3", "4", "avoid")}
#: A problem answer 0..4 adds to the answered count, the big-problem count (3, 4), the score sum
#: and the sum of squares (for the score's standard deviation).
PROBLEM = {str(x): {"base": 1, "hit": int(x >= 3), "sum": x, "squares": x * x} for x in range(5)}
PROBLEM_MAX = 4  # the top of the problem scale (0 none at all .. 4 very big)


def _named(prefix: str, increments: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Counter names prefixed with their figure, e.g. evening.hit."""
    return {
        value: {f"{prefix}.{k}": a for k, a in amounts.items()}
        for value, amounts in increments.items()
    }


def _share(column: str, name: str, hit: Sequence[str], miss: Sequence[str]) -> packed.Counts:
    """Counters `name.hit` and `name.base` of a share hit / (hit + miss) of a column."""
    increments = {v: {"base": 1, "hit": 1} for v in hit} | {v: {"base": 1} for v in miss}
    return packed.by_value(response.c[column], _named(name, increments))


def _time_counts() -> list[packed.Counts]:
    """Unsafe (3, 4, avoid) and answered (1..4, avoid) per time; na and dk left out."""
    return [packed.by_value(response.c[f"safety_{t}"], _named(t, UNSAFE)) for t in TIMES]


def survey_counts() -> list[packed.Counts]:
    """Every counter the indicators need; 'base' is a figure's denominator."""
    victims_report = case((response.c.victim == "yes", response.c.reported))
    priority = response.c.police_priority
    return [
        *_time_counts(),
        *(packed.by_value(response.c[f"problem_{k}"], _named(k, PROBLEM)) for k in PROBLEMS),
        _share("avoided", "avoided", ("yes",), ("no",)),
        _share("victim", "victim", ("yes",), ("no",)),
        packed.by_value(
            victims_report, _named("reported", {"yes": {"base": 1, "hit": 1}, "no": {"base": 1}})
        ),
        _share("police_cares", "police_cares", ("1", "2"), ("3", "4")),
        _share("worry", "worry_sometimes_or_often", ("3", "4"), ("1", "2")),
        # No option's name is inside another's (a test checks), so a plain LIKE is exact.
        packed.when(
            {"priorities.base": priority != ""}
            | {f"priority.{o}": priority.like(f"%{o}%") for o in PRIORITY_OPTIONS}
        ),
    ]


def _share_increments(
    name: str, hit: Sequence[str], miss: Sequence[str]
) -> dict[str, dict[str, int]]:
    return _named(name, {v: {"base": 1, "hit": 1} for v in hit} | {v: {"base": 1} for v in miss})


#: Per item code of the answer counts: the counters each value adds, as ``_survey_counts``
#: counts them from the answers (the counts hold ``reported`` for victims only, and
#: ``police_priority`` per option ticked and as "*" for those who ticked any).
COUNTERS: dict[str, dict[str, dict[str, int]]] = {
    **{f"safety_{t}": _named(t, UNSAFE) for t in TIMES},
    **{f"problem_{k}": _named(k, PROBLEM) for k in PROBLEMS},
    "avoided": _share_increments("avoided", ("yes",), ("no",)),
    "victim": _share_increments("victim", ("yes",), ("no",)),
    "reported": _share_increments("reported", ("yes",), ("no",)),
    "police_cares": _share_increments("police_cares", ("1", "2"), ("3", "4")),
    "worry": _share_increments("worry_sometimes_or_often", ("3", "4"), ("1", "2")),
    "police_priority": {"*": {"priorities.base": 1}}
    | {o: {f"priority.{o}": 1} for o in PRIORITY_OPTIONS},
}


def _count_column(code: str, value: str) -> str:
    """The column of ``response_count`` counting this value ("*": any option ticked)."""
    return f"n_{code}_{'any' if value == '*' else value}"


def _wide(table_name: str, period: str) -> TableClause:
    """The answer counts per cell of one grain (survey.models.count_tables): the columns read
    here."""
    return table(
        table_name,
        *(column(name, Integer) for name in ("place_id", "round_key", "answers")),
        column(period, Date),
        *(column(name, String) for name in ("gender", "age_band")),
        *(
            column(_count_column(code, v), Integer)
            for code, values in COUNTERS.items()
            for v in values
        ),
    )


response_count = _wide("response_count", "day")
response_count_month = _wide("response_count_month", "month")


def _month_after(day: dt.date) -> dt.date:
    """The first day of the next month (``date.max`` past the calendar's end)."""
    if (day.year, day.month) == (dt.MAXYEAR, 12):
        return dt.date.max
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def whole_months(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """The whole months inside a date range (both ends included) as [first, end) of month
    starts; None where the range is open. No month when first >= end."""
    first = end = None
    if date_from is not None:
        first = date_from if date_from.day == 1 else _month_after(date_from)
    if date_to is not None:
        month_ends = calendar.monthrange(date_to.year, date_to.month)[1] == date_to.day
        end = _month_after(date_to) if month_ends else date_to.replace(day=1)
    return first, end


def counted_rows(
    days: FromClause,
    months: FromClause,
    place_ids: Sequence[int],
    filters: Filters,
    columns: Sequence[str],
) -> Subquery:
    """The count rows (of these columns, with place_id, gender and age_band) that together
    hold the filters' answers in these places once: the months of ``months`` wholly inside
    the date range, and the days of ``days`` in it outside those months."""
    keys = ("place_id", "gender", "age_band", *columns)

    def part(counts: FromClause, *conditions: ColumnElement[bool]) -> Select[Any]:
        c = counts.c
        where = [c.place_id.in_(list(place_ids)), *conditions]
        if filters.round_id is not None:
            where.append(c.round_key == filters.round_id)
        if filters.gender is not None:
            where.append(c.gender == filters.gender)
        if filters.age_band is not None:
            where.append(c.age_band == filters.age_band)
        return select(*(c[key] for key in keys)).where(*where)

    first, end = whole_months(filters.date_from, filters.date_to)
    parts = []
    any_month = first is None or end is None or first < end
    if any_month:
        m = months.c.month
        parts.append(part(months, *([m >= first] if first else []), *([m < end] if end else [])))
    if filters.date_from is not None or filters.date_to is not None:
        d = days.c.day
        in_range = [
            *([d >= filters.date_from] if filters.date_from else []),
            *([d <= filters.date_to] if filters.date_to else []),
        ]
        if any_month:
            outside = [*([d < first] if first else []), *([d >= end] if end else [])]
            in_range.append(or_(*outside))
        parts.append(part(days, *in_range))
    if len(parts) == 1:
        return parts[0].subquery()
    return union_all(*parts).subquery()


def counted_cells(
    conn: Connection, place_ids: Sequence[int], filters: Filters
) -> list[tuple[tuple[int, str | None, str | None], int, dict[str, int]]]:
    """(place, gender, age band), answers and counter totals per cell, from the answer counts."""
    sources = [(code, value) for code, values in COUNTERS.items() for value in values]
    names = ["answers", *(_count_column(code, value) for code, value in sources)]
    c = counted_rows(response_count, response_count_month, place_ids, filters, names).c
    rows = conn.execute(
        select(
            c.place_id,
            c.gender,
            c.age_band,
            *(func.sum(c[name]) for name in names),
        ).group_by(c.place_id, c.gender, c.age_band)
    )
    cells = []
    for place_id, gender, age_band, answers, *sums in rows:
        counts: dict[str, int] = {}
        for (code, value), total in zip(sources, sums, strict=True):
            if total:
                for name, amount in COUNTERS[code][value].items():
                    counts[name] = counts.get(name, 0) + amount * int(total)
        cells.append(((place_id, gender or None, age_band or None), int(answers), counts))
    return cells


def month_atoms(
    conn: Connection, place_ids: Sequence[int]
) -> dict[tuple[int, int, dt.date, str | None, str | None], int]:
    """Answers per place, round, month, gender and age band (held ones left out): what
    ``disclosure_filters`` checks a filtered view against."""
    c = response_count_month.c
    rows = conn.execute(
        select(c.place_id, c.round_key, c.month, c.gender, c.age_band, func.sum(c.answers))
        .where(c.place_id.in_(list(place_ids)))
        .group_by(c.place_id, c.round_key, c.month, c.gender, c.age_band)
    )
    return {
        (place, round_key, _as_date(month), gender, age_band): int(count)
        for place, round_key, month, gender, age_band, count in rows
    }


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)

"""Where the survey indicators' counters come from: the answer counts per cell.

``COUNTERS`` says, per item code and value of the answer counts (``response_count``), which
counters a value adds; ``counted_cells`` sums them per (place, gender, age band) in one query.
``survey_counts`` counts the same counters from the answer rows (packed SQL sums): a test
compares the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Date, Integer, String, case, column, func, select, table

from . import packed
from .tables import PROBLEMS, TIMES, response


class Filters(Protocol):
    """What the counts need of ``survey.Filters``: its conditions on a table of counts."""

    def count_conditions(self, counts: Any) -> list[Any]: ...


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


#: The answer counts per cell (survey.models.aggregates): only the columns read here.
response_count = table(
    "response_count",
    *(column(name, Integer) for name in ("place_id", "round_key", "answers")),
    column("day", Date),
    *(column(name, String) for name in ("gender", "age_band")),
    *(column(_count_column(code, v), Integer) for code, values in COUNTERS.items() for v in values),
)


def counted_cells(
    conn: Connection, place_ids: Sequence[int], filters: Filters
) -> list[tuple[tuple[int, str | None, str | None], int, dict[str, int]]]:
    """(place, gender, age band), answers and counter totals per cell, from the answer counts."""
    c = response_count.c
    sources = [(code, value) for code, values in COUNTERS.items() for value in values]
    rows = conn.execute(
        select(
            c.place_id,
            c.gender,
            c.age_band,
            func.sum(c.answers),
            *(func.sum(c[_count_column(code, value)]) for code, value in sources),
        )
        .where(c.place_id.in_(list(place_ids)), *filters.count_conditions(response_count))
        .group_by(c.place_id, c.gender, c.age_band)
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

"""The situation picture flattened into named tables, shared by the CSV and XLSX writers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .figures import TIMES
from .item_tables import ITEM_COLUMNS, item_rows

#: The place figures that are one share each (besides times and problems).
SHARES = ("avoided", "victim", "reported", "police_cares", "worry_sometimes_or_often")

Table = tuple[str, list[str], list[list[Any]]]


def _ci(cell: dict[str, Any], key: str = "ci") -> list[Any]:
    interval = cell.get(key)
    return list(interval) if interval else [None, None]


def _figure_rows(picture: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "", "", picture["area_total"]
    for place in picture["places"]:
        yield place["place"], place["name"], place


def tables(picture: dict[str, Any]) -> list[Table]:
    """Name, header and rows of every table; suppressed cells have empty figures."""
    area = picture["area"]
    unsafe: list[list[Any]] = []
    problems: list[list[Any]] = []
    for slug, name, figures in _figure_rows(picture):
        for time in TIMES:
            cell = figures["times"][time]
            unsafe.append(
                [
                    area,
                    slug,
                    name,
                    time,
                    cell["n"],
                    cell["suppressed"],
                    cell.get("unsafe_share"),
                    *_ci(cell),
                ]
            )
        for key, cell in figures["problems"].items():
            problems.append(
                [
                    area,
                    slug,
                    name,
                    key,
                    cell["n"],
                    cell["suppressed"],
                    cell.get("share"),
                    *_ci(cell),
                    cell.get("score"),
                    *_ci(cell, "score_ci"),
                ]
            )
    shares = [
        [area, slug, name, key, cell["n"], cell["suppressed"], cell.get("share"), *_ci(cell)]
        for slug, name, figures in _figure_rows(picture)
        for key in SHARES
        for cell in [figures[key]]
    ]
    police_priorities = [
        [area, slug, name, option["option"], cell["n"], cell["suppressed"], option["share"]]
        if not cell["suppressed"]
        else [area, slug, name, None, cell["n"], True, None]
        for slug, name, figures in _figure_rows(picture)
        for cell in [figures["police_priorities"]]
        for option in (cell.get("options") or [{}])
    ]
    groups = [
        [
            area,
            kind,
            value,
            time,
            cell["n"],
            cell["suppressed"],
            cell.get("unsafe_share"),
            *_ci(cell),
        ]
        for kind, values in picture["by_group"].items()
        for value, group in values.items()
        for time in TIMES
        for cell in [group["times"][time]]
    ]
    priorities = [
        [
            area,
            rank,
            p["place"],
            p["problem"],
            p["time"],
            p["score"],
            p["components"]["survey"],
            p["components"]["dialogue"],
            p["components"]["crime"],
            p["explanation"],
        ]
        for rank, p in enumerate(picture["priorities"], start=1)
    ]
    deviations = [
        [
            d["area"],
            d["category"],
            d["month"],
            d["count"],
            d["expected"],
            d["upper_limit"],
            d["score"],
        ]
        for d in picture["deviations"]
    ]
    mentions = [
        [
            area,
            m.get("place"),
            m["problem"],
            m.get("time"),
            m["dialogues"],
            m["by_group"]["residents"],
            m["by_group"]["partners"],
            m["by_group"]["staff"],
            " | ".join(m.get("quotes") or []),
        ]
        for m in picture["dialogues"].get("mentions", [])
    ]
    followup: list[list[Any]] = []
    for item in picture["followup"]:
        promise = item["promise"]
        for indicator in item["indicators"]:
            before, after = indicator.get("before") or {}, indicator.get("after") or {}
            followup.append(
                [
                    area,
                    promise["title"],
                    _indicator_name(indicator),
                    before.get("n"),
                    before.get("share", before.get("count")),
                    after.get("n"),
                    after.get("share", after.get("count")),
                    indicator.get("diff", indicator.get("rate_ratio")),
                    *_ci(indicator),
                    indicator["status"],
                ]
            )
    return [
        (
            "unsafe_by_time",
            [
                "area",
                "place",
                "name",
                "time",
                "n",
                "suppressed",
                "unsafe_share",
                "ci_low",
                "ci_high",
            ],
            unsafe,
        ),
        (
            "problems",
            [
                "area",
                "place",
                "name",
                "problem",
                "n",
                "suppressed",
                "share",
                "ci_low",
                "ci_high",
                "score",
                "score_ci_low",
                "score_ci_high",
            ],
            problems,
        ),
        (
            "shares",
            ["area", "place", "name", "figure", "n", "suppressed", "share", "ci_low", "ci_high"],
            shares,
        ),
        (
            "police_priorities",
            ["area", "place", "name", "option", "n", "suppressed", "share"],
            police_priorities,
        ),
        (
            "unsafe_by_group",
            [
                "area",
                "group",
                "value",
                "time",
                "n",
                "suppressed",
                "unsafe_share",
                "ci_low",
                "ci_high",
            ],
            groups,
        ),
        (
            "priorities",
            [
                "area",
                "rank",
                "place",
                "problem",
                "time",
                "score",
                "survey",
                "dialogue",
                "crime",
                "explanation",
            ],
            priorities,
        ),
        (
            "deviations",
            ["area", "category", "month", "count", "expected", "upper_limit", "score"],
            deviations,
        ),
        (
            "dialogue_mentions",
            [
                "area",
                "place",
                "problem",
                "time",
                "dialogues",
                "residents",
                "partners",
                "staff",
                "quotes",
            ],
            mentions,
        ),
        (
            "followup",
            [
                "area",
                "promise",
                "indicator",
                "before_n",
                "before",
                "after_n",
                "after",
                "change",
                "ci_low",
                "ci_high",
                "status",
            ],
            followup,
        ),
        # Only when Brå's yearly counts were imported for the area.
        *(
            [("crime_yearly", YEARLY_COLUMNS, yearly_rows(picture))]
            if picture.get("crime_yearly")
            else []
        ),
        # Only when a later questionnaire version added items that were answered.
        *([("items", ITEM_COLUMNS, item_rows(picture))] if picture.get("items") else []),
    ]


#: Brå's yearly counts: one row per category and year; the change on the newest year's row.
YEARLY_COLUMNS = [
    "area",
    "category",
    "year",
    "count",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "change_percent",
    "p_value",
    "changed",
]


def yearly_rows(picture: dict[str, Any]) -> list[list[Any]]:
    """Every year's count per category (empty where Brå suppressed it), and the change."""
    rows = []
    for item in picture.get("crime_yearly") or []:
        change = item["change"] or {}
        for entry in item["years"]:
            on_row = change if change.get("year") == entry["year"] else {}
            rows.append(
                [
                    picture["area"],
                    item["category"],
                    entry["year"],
                    entry["count"],
                    on_row.get("rate_ratio"),
                    on_row.get("low"),
                    on_row.get("high"),
                    on_row.get("change_percent"),
                    on_row.get("p_value"),
                    on_row.get("changed"),
                ]
            )
    return rows


def _indicator_name(indicator: dict[str, Any]) -> str:
    detail = indicator.get("time") or indicator.get("problem") or indicator.get("category") or ""
    return f"{indicator.get('kind', '')}:{detail}"

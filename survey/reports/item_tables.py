"""The figures of added questionnaire items as one flat table (CSV sheet, XLSX sheet)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ITEM_COLUMNS = [
    "area",
    "item",
    "type",
    "place",
    "group",
    "group_value",
    "option",
    "n",
    "suppressed",
    "share",
    "ci_low",
    "ci_high",
    "mean",
    "mean_ci_low",
    "mean_ci_high",
]


def _pair(value: Any) -> list[Any]:
    return list(value) if value else [None, None]


def _units(item: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    yield "", "", "", item["area_total"]
    for slug, cell in item["places"].items():
        yield slug, "", "", cell
    for kind, groups in item["by_group"].items():
        for value, cell in groups.items():
            yield "", kind, value, cell


def item_rows(picture: dict[str, Any]) -> list[list[Any]]:
    """A row per item and unit (area, place, group), and one per option of a shown cell:
    the unit's row carries n, the top-box share of a scale or the mean of a number."""
    area = picture["area"]
    rows: list[list[Any]] = []
    for item in picture.get("items") or []:
        for place, kind, value, cell in _units(item):
            head = [area, item["code"], item["type"], place, kind, value]
            rows.append(
                [
                    *head,
                    "",
                    cell["n"],
                    cell["suppressed"],
                    cell.get("share"),
                    *_pair(cell.get("ci")),
                    cell.get("mean"),
                    *_pair(cell.get("mean_ci")),
                ]
            )
            for option in cell.get("options") or []:
                rows.append(
                    [
                        *head,
                        option["value"],
                        cell["n"],
                        False,
                        option["share"],
                        *_pair(option["ci"]),
                        None,
                        None,
                        None,
                    ]
                )
    return rows

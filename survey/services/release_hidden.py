"""What a release hides besides its small figures, in words, for the publish preview.

A hidden figure that rests on the threshold of answers or more is hidden so that another one,
on fewer, cannot be worked out from it (``analysis.disclosure`` and the disclosure audit).
The preview lists them, so that an organizer can see why a figure with many answers is not
shown.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..imports.population_rows import GENDER_NAMES
from .release_refusals import figure_words


def _group_name(kind: str, value: str) -> str:
    return str(GENDER_NAMES.get(value, value) if kind == "gender" else value)


def _units(picture: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The area, its places and its groups, each with its name as organizers read it."""
    units = [(_("the whole area"), picture.get("area_total") or {})]
    units += [(place.get("name") or place["place"], place) for place in picture.get("places", [])]
    for kind, groups in (picture.get("by_group") or {}).items():
        units += [(_group_name(kind, value), group) for value, group in groups.items()]
    return units


def _item_units(picture: dict[str, Any], item: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """An added item's cells in the area, its places and its groups, named as ``_units``."""
    places = picture.get("places", [])
    names = {place["place"]: place.get("name") or place["place"] for place in places}
    units = [(_("the whole area"), item.get("area_total") or {})]
    units += [(names.get(slug, slug), cell) for slug, cell in (item.get("places") or {}).items()]
    for kind, cells in (item.get("by_group") or {}).items():
        units += [(_group_name(kind, value), cell) for value, cell in cells.items()]
    return units


def _hidden_though_counted(cell: dict[str, Any], threshold: int) -> bool:
    return bool(cell.get("suppressed")) and cell.get("n", 0) >= threshold


def _cell(unit: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    cell: Any = unit
    for key in path:
        cell = cell.get(key) if isinstance(cell, dict) else None
    return cell if isinstance(cell, dict) else {}


def hidden_too(picture: dict[str, Any], threshold: int) -> list[tuple[str, list[str]]]:
    """Each figure hidden somewhere though it rests on ``threshold`` answers or more, with
    where: the whole area first, then the places and the groups, in the picture's order;
    the questionnaire's added items after the survey's own figures, by their questions."""
    from analysis.survey import FIGURE_PATHS  # the picture's figures, in the tables' order

    units = _units(picture)
    found = []
    for path in FIGURE_PATHS:
        cells = [(name, _cell(unit, path)) for name, unit in units]
        where = [name for name, cell in cells if _hidden_though_counted(cell, threshold)]
        if where:
            found.append((figure_words(list(path)), where))
    for item in picture.get("items") or []:
        cells = _item_units(picture, item)
        where = [name for name, cell in cells if _hidden_though_counted(cell, threshold)]
        if where:
            found.append((item.get("label") or item["code"], where))
    return found


def escalated(audit: dict[str, Any], picture: dict[str, Any]) -> list[str]:
    """The figures the audit hid everywhere (every place, group and the area), in words: an
    added item (``items[code]``) by its question."""
    items = picture.get("items") or []
    questions = {item["code"]: item.get("label") or item["code"] for item in items}
    return [
        questions.get(figure.removeprefix("items[").removesuffix("]"), figure)
        if figure.startswith("items[")
        else figure_words(figure.split("."))
        for figure in audit.get("escalated") or []
    ]

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


def _units(picture: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The area, its places and its groups, each with its name as organizers read it."""
    units = [(_("the whole area"), picture.get("area_total") or {})]
    units += [(place.get("name") or place["place"], place) for place in picture.get("places", [])]
    for kind, groups in (picture.get("by_group") or {}).items():
        for value, group in groups.items():
            name = GENDER_NAMES.get(value, value) if kind == "gender" else value
            units.append((str(name), group))
    return units


def _cell(unit: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    cell: Any = unit
    for key in path:
        cell = cell.get(key) if isinstance(cell, dict) else None
    return cell if isinstance(cell, dict) else {}


def hidden_too(picture: dict[str, Any], threshold: int) -> list[tuple[str, list[str]]]:
    """Each figure hidden somewhere though it rests on ``threshold`` answers or more, with
    where: the whole area first, then the places and the groups, in the picture's order."""
    from analysis.survey import FIGURE_PATHS  # the picture's figures, in the tables' order

    units = _units(picture)
    found = []
    for path in FIGURE_PATHS:
        where = [
            name
            for name, unit in units
            if _cell(unit, path).get("suppressed") and _cell(unit, path).get("n", 0) >= threshold
        ]
        if where:
            found.append((figure_words(list(path)), where))
    return found


def escalated(audit: dict[str, Any]) -> list[str]:
    """The figures the audit hid everywhere (every place, group and the area), in words."""
    return [figure_words(figure.split(".")) for figure in audit.get("escalated") or []]

"""One order of problems and places, and one scale of heat levels, for every output.

The dashboard, the charts and the PDF show the same figures of a situation picture; they list
them in the same order, so a reader who goes from one to the other finds them where expected.
Tables and charts of places list them as the picture does (by name); the ranking is here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from analysis.collation import swedish_key
from analysis.tables import TIMES

__all__ = [
    "HEAT_BOUNDS",
    "TIMES",
    "heat_level",
    "hidden_reasons",
    "hidden_words",
    "place_ranking",
    "problem_rows",
    "protects_others",
    "worst_time",
]

#: Unsafe shares at or above these bounds get a darker shade in the heat table.
HEAT_BOUNDS = (0.1, 0.25, 0.4, 0.6)


def _problem_order(item: tuple[int, tuple[str, dict[str, Any]]]) -> tuple[Any, ...]:
    position, (_key, cell) = item
    return (cell["suppressed"], -(cell.get("share") or 0), -(cell["n"] or 0), position)


def problem_rows(
    problems: Mapping[str, dict[str, Any]], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The problems as rows, {"key", "label"} and their figures, in the one order.

    Largest share first; among equal shares the one more people answered; then the
    questionnaire's order (the picture's). Problems with too few answers come last.
    """
    ranked = sorted(enumerate(problems.items()), key=_problem_order)
    return [{"key": key, "label": names.get(key, key), **cell} for _, (key, cell) in ranked]


def worst_time(place: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The time of day with the largest unsafe share shown for a place, if any is shown."""
    shown = [(t, place["times"][t]) for t in TIMES if not place["times"][t]["suppressed"]]
    return max(shown, key=lambda item: item[1]["unsafe_share"]) if shown else None


def place_ranking(picture: dict[str, Any]) -> list[dict[str, Any]]:
    """The places least safe first: by safety index, then by their worst unsafe share, name."""

    def key(place: dict[str, Any]) -> tuple[Any, ...]:
        worst = worst_time(place)
        index = place.get("safety_index")
        return (
            index is None,
            index if index is not None else 0,
            -(worst[1]["unsafe_share"] if worst else -1),
            swedish_key(place["name"]),
        )

    return [{**place, "worst": worst_time(place)} for place in sorted(picture["places"], key=key)]


def heat_level(cell: dict[str, Any]) -> int:
    """0 (lightest) to 4 (darkest) for a shown unsafe share; -1 for a suppressed cell."""
    if cell["suppressed"]:
        return -1
    return sum(cell["unsafe_share"] >= bound for bound in HEAT_BOUNDS)


def any_time_compared(changes: dict[str, Any]) -> bool:
    """Whether at least one place (or the area) has a change by time of day on both sides;
    with none (a round with a handful of answers so far) a table would be all dashes."""
    cells = [changes["area_total"]["times"], *(p["times"] for p in changes["places"])]
    return any("diff" in cell[t] for cell in cells for t in TIMES)


def protects_others(cells: Iterable[Mapping[str, Any] | None], threshold: int | None) -> bool:
    """Whether hidden figures are hidden only to protect others: each rests on enough answers.

    A cell under the threshold is "too few answers". One at or above it was hidden by
    secondary suppression (a hidden neighbour must not be worked out by subtraction), and
    "too few answers" would be untrue. A cell as organizers get it (``organizer_form``) says so
    in ``protects``, its count being gone, and needs no ``threshold``; the public pages show
    no count of a hidden figure.
    """
    hidden = [cell for cell in cells if cell and cell.get("suppressed")]
    return bool(hidden) and all(_protects(cell, threshold) for cell in hidden)


def _protects(cell: Mapping[str, Any], threshold: int | None) -> bool:
    if "protects" in cell:
        return bool(cell["protects"])
    return threshold is not None and (cell.get("n") or 0) >= max(threshold, 1)


def hidden_words(cells: Iterable[Mapping[str, Any] | None], threshold: int | None) -> str:
    """Why figures are hidden, in words: "hidden (protects other cells)" where each hidden
    one rests on enough answers, else "too few answers"."""
    if protects_others(cells, threshold):
        return _("hidden (protects other cells)")
    return _("too few answers")


def hidden_reasons(
    cells: Iterable[Mapping[str, Any] | None], threshold: int | None
) -> tuple[bool, bool]:
    """Whether any of these figures is hidden for too few answers, and whether any to protect
    others: what a legend of their shades has to name."""
    hidden = [cell for cell in cells if cell and cell.get("suppressed")]
    protecting = [protects_others([cell], threshold) for cell in hidden]
    return not all(protecting), any(protecting)

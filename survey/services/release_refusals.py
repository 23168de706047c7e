"""Why a release is not made: the refusals of ``releases.publish`` (re-exported there)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from flask_babel import get_locale
from flask_babel import gettext as _

from .. import labels
from ..imports.population_rows import GENDER_NAMES

if TYPE_CHECKING:
    import datetime as dt

    from ..models import Release, SurveyRound


class PublishRefused(ValueError):
    """A release that cannot be made: an unknown area or round."""


class StalePreview(PublishRefused):
    """The data changed after the preview, so the release would not be what was previewed."""


class Unchanged(PublishRefused):
    """Nothing changed since the round's last release, whose figures it would show: none is
    made."""

    def __init__(self, previous: Release) -> None:
        super().__init__(
            f"nothing to publish: the public figures would be those of release {previous.id}"
            f" (number {previous.sequence} of its round)"
        )
        self.previous = previous


class Unresolved(PublishRefused):
    """The disclosure audit leaves hidden figures that can still be worked out (its
    ``unresolved``), even with their figures hidden everywhere: none is made. ``closed``: the
    round has closed, so only paper answers written while it was open can still come in."""

    def __init__(
        self, cells: list[str], place_names: Mapping[str, str], closed: bool = False
    ) -> None:
        super().__init__(unresolved_text(cells, place_names, closed))
        self.cells = cells
        self.place_names = place_names
        self.closed = closed


def round_closed(survey_round: SurveyRound | None, today: dt.date) -> bool:
    """Whether a release's round has closed (a release of all answers never closes)."""
    return bool(survey_round and survey_round.closes_on and survey_round.closes_on < today)


def unresolved_text(cells: list[str], place_names: Mapping[str, str], closed: bool = False) -> str:
    words = "; ".join(cell_words(cell, place_names) for cell in cells)
    if closed:  # "try again when more answers have come in" would wait for ever
        return _(
            "Publishing is stopped. Even with more figures hidden, some hidden figures can be"
            " worked out from this release together with the earlier ones (%(cells)s), which"
            " could give away what individual people answered. Nothing is published. The round"
            " is closed: only paper questionnaires filled in while it was open can still add"
            " answers. What is already published stays as it is.",
            cells=words,
        )
    return _(
        "Publishing is stopped. Even with more figures hidden, some hidden figures can be worked"
        " out from this release together with the earlier ones (%(cells)s), which could give"
        " away what individual people answered. Nothing is published. Try again when more"
        " answers have come in.",
        cells=words,
    )


_PLACE = re.compile(r"places\[([^\]]+)\]")


def cell_words(path: str, place_names: Mapping[str, str]) -> str:
    """An audit cell as an organizer reads it ("Alvik, Kväll (18–22)", not
    ``places[alvik].times.evening``); a path of another shape stays as written."""
    head, *rest = path.split(".")
    if head == "area_total":
        where = _("the whole area")
    elif (found := _PLACE.fullmatch(head)) is not None:
        where = place_names.get(found.group(1), found.group(1))
    elif head == "by_group" and len(rest) >= 2:
        kind, value, *rest = rest
        where = str(GENDER_NAMES.get(value, value)) if kind == "gender" else value
    else:
        return path
    gained = "(gained)" in rest
    what = figure_words([part for part in rest if part != "(gained)"])
    words = f"{where}, {what}" if what else where
    return _("%(cell)s (the answers added since)", cell=words) if gained else words


def figure_words(path: list[str]) -> str:
    """A figure of the picture as organizers read it ("Kväll (18–22)", not ``times.evening``);
    another path stays as written."""
    if len(path) == 2 and path[0] == "times":
        return str(labels.TIMES.get(path[1], path[1]))
    if len(path) == 2 and path[0] == "problems":
        return labels.problems(str(get_locale())).get(path[1], path[1])
    if path == ["police_priorities"]:
        return _("What residents want the police to prioritise")
    if len(path) == 1 and path[0] in labels.SHARES:
        return str(labels.SHARES[path[0]])
    return ".".join(path)

"""How a picture's survey figures are weighted, in plain words for the dashboard and the PDF."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import i18n
from .organizer_form import few


def weighting_text(picture: dict[str, Any]) -> tuple[str, str | None]:
    """A sentence on the weighting, and a warning when raking did not converge (else None)."""
    weighting = picture.get("weighting") or {}
    if not weighting.get("applied"):
        if weighting.get("reason") == "not_requested":
            return _("Not weighted: unweighted figures were chosen."), None
        return _("Not weighted: there are no population figures for this area."), None
    parts = [
        _("Weighted by age and gender to the population of %(year)s.", year=weighting["year"]),
        ngettext(
            "Design effect %(deff)s: the answers count as much as %(n_eff)s answer without"
            " weighting.",
            "Design effect %(deff)s: the answers count as much as %(n_eff)s answers without"
            " weighting.",
            round(weighting["n_eff"]),
            deff=i18n.format_decimal(weighting["design_effect"], "0.00"),
            n_eff=i18n.format_number(round(weighting["n_eff"])),
        ),
    ]
    n, threshold = picture.get("n") or 0, picture.get("suppress_below") or 1
    parts += _outside(weighting, n, threshold)
    warning = None
    if not weighting.get("converged", True):
        # How far off and after how many rounds are exact functions of the answers per age
        # band and gender (a search over those counts found them), so neither is said.
        warning = _(
            "The weighting did not converge: the weighted answers still differ from the"
            " population by age. The answers by age and gender cannot match the population"
            " figures; check the population figures or show the figures unweighted."
        )
    return " ".join(parts), warning


def _counted(count: Any, n: int, threshold: int) -> bool:
    """Whether a count of answers may be given: neither it nor the rest beside it is a few."""
    return isinstance(count, int) and not few(count, n, threshold)


def _outside(weighting: dict[str, Any], n: int, threshold: int) -> list[str]:
    """What the answers outside the margins (weight 1) lack, counted among the answers shown.

    Under a gender filter every answer has that gender, so none lacks one: the sentence names
    only what its answers do lack, and is left out when none does. A count of 1 to threshold
    - 1 (or one leaving that few beside it) reads "some answers", as a filter to those few
    answers is refused as too small (the organizers' copy of the picture holds None then).
    """
    by = weighting.get("outside_by")
    if by is None:  # a picture stored before the reasons were counted
        outside = weighting.get("outside_margins") or 0
        if not outside:
            return []
        if not _counted(outside, n, threshold):
            return []
        return [
            ngettext(
                "%(num)d answer without age or gender counts with weight 1.",
                "%(num)d answers without age or gender count with weight 1.",
                outside,
            )
        ]
    sentences = []
    for why in ("gender", "age"):
        count = by.get(why)
        if count is None and why in by or count and not _counted(count, n, threshold):
            sentences.append(_some(why))
        elif count:
            sentences.append(_counted_sentence(why, count))
    return sentences


def _some(why: str) -> str:
    if why == "gender":
        return _(
            "Some answers without a gender found in the population figures count with weight 1."
        )
    return _(
        "Some answers without an age band found in the population figures count with weight 1."
    )


def _counted_sentence(why: str, count: int) -> str:
    if why == "gender":
        return ngettext(
            "%(num)d answer without a gender found in the population figures counts with weight 1.",
            "%(num)d answers without a gender found in the population figures count with weight 1.",
            count,
        )
    return ngettext(
        "%(num)d answer without an age band found in the population figures counts with weight 1.",
        "%(num)d answers without an age band found in the population figures count with weight 1.",
        count,
    )

"""How a picture's survey figures are weighted, in plain words for the dashboard and the PDF."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import i18n


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
    parts += _outside(weighting)
    warning = None
    if not weighting.get("converged", True):
        warning = _(
            "The weighting did not converge: after %(k)d rounds the weighted answers still"
            " differ from the population by age (%(gap)s of the answers). The answers by age"
            " and gender cannot match the population figures; check the population figures"
            " or show the figures unweighted.",
            k=weighting["iterations"],
            gap=i18n.percent(weighting["max_gap"], 1),
        )
    return " ".join(parts), warning


def _outside(weighting: dict[str, Any]) -> list[str]:
    """What the answers outside the margins (weight 1) lack, counted among the answers shown.

    Under a gender filter every answer has that gender, so none lacks one: the sentence names
    only what its answers do lack, and is left out when none does.
    """
    by = weighting.get("outside_by")
    if by is None:  # a picture stored before the reasons were counted
        outside = weighting.get("outside_margins") or 0
        if not outside:
            return []
        return [
            ngettext(
                "%(num)d answer without age or gender counts with weight 1.",
                "%(num)d answers without age or gender count with weight 1.",
                outside,
            )
        ]
    sentences = []
    if by.get("gender"):
        sentences.append(
            ngettext(
                "%(num)d answer without a gender found in the population figures counts"
                " with weight 1.",
                "%(num)d answers without a gender found in the population figures count"
                " with weight 1.",
                by["gender"],
            )
        )
    if by.get("age"):
        sentences.append(
            ngettext(
                "%(num)d answer without an age band found in the population figures counts"
                " with weight 1.",
                "%(num)d answers without an age band found in the population figures count"
                " with weight 1.",
                by["age"],
            )
        )
    return sentences

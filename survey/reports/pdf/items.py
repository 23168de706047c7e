"""The report's section on questions a later questionnaire version added (picture ``items``).

Each item as its type summarises itself: a choice item's shares per answer for the whole area
(a chart and a table, with margins of error), then per place its top-box share, its mean (a
number) or how many answered (a free text). A suppressed cell prints why it is hidden ("too
few answers", or that it protects other cells) and no count, as every other figure of the report.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ... import i18n
from .. import charts
from ..figures import hidden_words
from .layout import Report, hidden, number, share_text

CHOICES = ("single", "multi", "area")


def _n(cell: dict[str, Any]) -> str:
    return "–" if hidden(cell) else i18n.format_number(cell["n"])


def _mean_text(cell: dict[str, Any], threshold: int | None) -> str:
    """ "4.2 (3.1–5.3)" with the 95 % interval, or why it is hidden."""
    if hidden(cell) or cell.get("mean") is None:
        return hidden_words([cell], threshold)
    text = number(cell["mean"], "0.0")
    if cell.get("mean_ci"):
        low, high = cell["mean_ci"]
        text += f" ({number(low, '0.0')}–{number(high, '0.0')})"
    return text


def _unit_text(item: dict[str, Any], cell: dict[str, Any], threshold: int | None) -> str:
    """A place's (or the area's) headline figure of an item: its mean or top-box share."""
    if item["type"] == "number":
        return _mean_text(cell, threshold)
    if item.get("top_box"):
        return share_text(cell, threshold=threshold)
    return hidden_words([cell], threshold) if hidden(cell) else "–"


def _options(pdf: Report, item: dict[str, Any], locale: str) -> None:
    """The whole area's share of each answer: a chart and the same figures as a table."""
    total = item["area_total"]
    label = item["label"] or item["code"]
    names = {o["value"]: o["label"] or o["value"] for o in item["options"]}
    alt = _(
        "Shares of the answers to “%(item)s” in the whole area (%(answers)s).",
        item=label,
        answers=ngettext("%(num)d answer", "%(num)d answers", total["n"]),
    )
    pdf.picture(charts.item_shares(item, locale, fmt="png"), alt, width=150, heading=label)
    rows = [[names.get(o["value"], o["value"]), share_text(o)] for o in total.get("options") or []]
    pdf.data_table([_("Answer"), _("Share (margin of error)")], rows, (125, 55), ("LEFT", "RIGHT"))
    pdf.paragraph(
        ngettext(
            "The shares rest on %(num)d answer.",
            "The shares rest on %(num)d answers.",
            total["n"],
        ),
        size=8.5,
        muted=True,
    )


def _by_place(
    pdf: Report, item: dict[str, Any], names: dict[str, str], threshold: int | None
) -> None:
    total = item["area_total"]
    if item["type"] == "text":  # the texts are never figures: only how many answered
        rows = [[names.get(slug, slug), _n(cell)] for slug, cell in item["places"].items()]
        rows.append([_("Whole area"), _n(total)])
        pdf.data_table([_("Place"), _("Answers")], rows, (125, 55), ("LEFT", "RIGHT"))
        return
    if item["type"] == "number":
        column = _("Mean (margin of error)")
    elif item.get("top_box"):
        column = _("Top box (margin of error)")
    else:
        column = _("Answers")
    rows = [
        [names.get(slug, slug), _n(cell), _unit_text(item, cell, threshold)]
        for slug, cell in item["places"].items()
    ]
    rows.append([_("Whole area"), _n(total), _unit_text(item, total, threshold)])
    pdf.data_table(
        [_("Place"), _("Answers"), column], rows, (105, 20, 55), ("LEFT", "RIGHT", "RIGHT")
    )


def item_sections(pdf: Report, p: dict[str, Any], locale: str) -> None:
    """The added questions' figures, one block per item; nothing when there are none."""
    items = p.get("items") or []
    if not items:
        return
    pdf.heading(_("Added questions"))
    pdf.paragraph(
        _(
            "Questions that a later questionnaire version added. Shares leave out answers such "
            "as “don't know”; the range in brackets is the margin of error."
        ),
        muted=True,
    )
    names = {place["place"]: place["name"] for place in p["places"]}
    for item in items:
        total = item["area_total"]
        if item["type"] in CHOICES and not hidden(total) and total.get("options"):
            _options(pdf, item, locale)  # the chart carries the item's heading
        else:
            pdf.heading(item["label"] or item["code"], 11, space=2)
        if item["type"] not in CHOICES or item.get("top_box") or hidden(total):
            _by_place(pdf, item, names, p.get("suppress_below"))

"""The PDF report's section on the change since the previous survey round."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ... import labels
from ..figures import TIMES, any_time_compared, protects_others
from .layout import Report, percent


def _change_text(change: dict[str, Any], arrow: str, threshold: int | None) -> str:
    """'75 % → 10 %, confirmed drop' (← right to left); a dash where a round has too few
    answers, as the paragraph above the table says; a figure hidden though it rests on enough
    answers (to protect others) says so instead."""
    if "diff" not in change:
        if protects_others([change.get("before"), change.get("after")], threshold):
            return _("hidden (protects other cells)")
        return "–"
    text = percent(change["before"]["share"]) + f" {arrow} " + percent(change["after"]["share"])
    if change["direction"] in ("drop", "rise"):
        text += ", " + str(labels.ROUND_DIRECTIONS[change["direction"]])
    return text


def _not_comparable(changes: dict[str, Any]) -> str:
    """Why the two rounds are not compared, as the public follow-up page says it."""
    rounds = {
        "before": labels.display_name(changes["from_round"]["name"]),
        "after": labels.display_name(changes["to_round"]["name"]),
    }
    if changes["not_comparable"] == "one side by invitation":
        return _(
            "The figures from %(before)s and %(after)s cannot be compared: in one survey"
            " people chosen at random got a letter, in the other anyone who wanted could"
            " answer. A difference between them could come from who answered.",
            **rounds,
        )
    return _(
        "The figures from %(before)s and %(after)s cannot be compared: in one survey the"
        " answers are weighted by age and gender, in the other they are not. A difference"
        " between them could come from the weighting alone.",
        **rounds,
    )


def round_changes(pdf: Report, p: dict[str, Any]) -> None:
    """The unsafe share in the round before and in this one, per place and for the area."""
    changes = p.get("round_changes")
    if not changes:
        return
    pdf.heading(_("Change since the previous round"))
    pdf.paragraph(
        _(
            "Share who feel unsafe in %(before)s and in %(after)s. A change is called confirmed"
            " only when it is larger than the margin of error; a dash: too few answers in one"
            " of the rounds.",
            before=labels.display_name(changes["from_round"]["name"]),
            after=labels.display_name(changes["to_round"]["name"]),
        ),
        muted=True,
    )
    if changes.get("comparable") is False:
        pdf.paragraph(_not_comparable(changes))
        return
    if not any_time_compared(changes):
        pdf.paragraph(_("Too few answers so far in one of the rounds to compare any figure."))
        return
    arrow = "←" if pdf.rtl else "→"  # from the earlier figure to the later, in reading order
    k = p.get("suppress_below")
    rows = [
        [place["name"], *[_change_text(place["times"][t], arrow, k) for t in TIMES]]
        for place in changes["places"]
    ]
    total = changes["area_total"]["times"]
    rows.append([_("Whole area"), *[_change_text(total[t], arrow, k) for t in TIMES]])
    pdf.data_table(
        [_("Place"), *[labels.TIMES[t] for t in TIMES]],
        rows,
        (36, 38, 38, 38, 38),
        ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        size=8.5,
    )

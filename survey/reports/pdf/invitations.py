"""The PDF report's table of invitation rounds' response rates."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ... import labels
from .layout import Report, percent


def response_rates(pdf: Report, p: dict[str, Any]) -> None:
    """Invitation rounds: letters sent, answers and their ratio (hidden below the threshold)."""
    rates = p.get("response_rates") or []
    if not rates:
        return
    pdf.heading(_("Response rate of invitation rounds"), 11)
    rows = [
        [
            labels.display_name(r["round_name"]),
            str(r["invitations"]),
            _("too few answers") if r["suppressed"] else str(r["answers"]),
            "" if r["suppressed"] else percent(r["response_rate"]),
        ]
        for r in rates
    ]
    header = [_("Survey round"), _("Letters sent"), _("Answers"), _("Response rate")]
    pdf.data_table(header, rows, (80, 35, 35, 30), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))

"""The PDF report's part on Brå's yearly figures: each category's newest year and its change."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..yearly import has_missing, yearly_rows
from .layout import Report


def yearly_section(pdf: Report, p: dict[str, Any]) -> None:
    """A table of Brå's yearly counts, when the area has any (never monthly deviations)."""
    rows = yearly_rows(p)
    if not rows:
        return
    pdf.heading(_("Reported crimes per year (Brå)"), 11)
    # The templates' messages, written with %% as every catalog has them; "% {}" undoes it.
    pdf.paragraph(
        _(
            "Brå's yearly figures are compared year with year, never month by month. The range"
            " is a 95 %% interval for the change: a change is clear only when the whole range"
            " lies above, or below, no change."
        )
        % {},
        muted=True,
    )
    pdf.data_table(
        [
            _("Category"),
            _("Year"),
            _("Reported crimes"),
            _("The year before"),
            _("Change from the year before"),
            _("95 %% interval") % {},
            _("Assessment"),
        ],
        [
            [
                row["category"],
                row["year"] or "–",
                row["count_text"],
                row["previous_text"],
                row["change"],
                row["interval"],
                row["verdict"],
            ]
            for row in rows
        ],
        (44, 12, 20, 20, 16, 26, 42),
        ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT"),
        size=8.5,
    )
    if has_missing(rows):
        pdf.paragraph(_(".. means that Brå publishes no figure: it is missing, not 0."), muted=True)

"""The PDF report's note on the crime data: how far they go, and where they are missing."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from .layout import Report


def coverage_note(pdf: Report, cov: dict[str, Any]) -> None:
    """How far the crime data go, and where they are missing or old."""
    if not cov.get("data_up_to"):
        return
    pdf.paragraph(_("Crime data up to %(date)s.", date=cov["data_up_to"]))
    days = cov["stale_after_days"]
    if cov["stale"]:
        pdf.paragraph(
            _(
                "No police event for this area for more than %(days)d days, while the feed has"
                " events elsewhere: check the area's names (the feed may have changed how it"
                " names places).",
                days=days,
            )
        )
    elif cov["outdated"] and cov.get("fetches_events", True):
        pdf.paragraph(
            _(
                "The crime data are more than %(days)d days old: is the police event list"
                " still fetched?",
                days=days,
            )
        )
    elif cov["outdated"]:
        pdf.paragraph(
            _(
                "The newest crime table ends %(date)s: import the next month's table when it"
                " is published.",
                date=cov["data_up_to"],
            )
        )
    if cov["months_without_data"]:
        pdf.paragraph(
            _(
                "Months without crime data (no deviation can be seen there): %(months)s.",
                months=", ".join(cov["months_without_data"]),
            ),
            muted=True,
        )
    if cov.get("months_partial"):
        pdf.paragraph(
            _(
                "Months with crime data for only some of their days (not compared, and not"
                " used as earlier years): %(months)s.",
                months=", ".join(cov["months_partial"]),
            ),
            muted=True,
        )
    if cov["events_matched_by_text"]:
        pdf.paragraph(
            ngettext(
                "%(num)d police event was placed in this area by the place names in its text:"
                " such counts are lower bounds.",
                "%(num)d police events were placed in this area by the place names in their"
                " text: such counts are lower bounds.",
                cov["events_matched_by_text"],
            ),
            muted=True,
        )

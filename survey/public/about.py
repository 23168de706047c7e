"""Who asks and who answers for the survey: names and contacts shown to residents.

The defaults fit lokalpolisområde Vällingby; a deployment sets its own in the config (or the
environment, as the other TRYGGHET_* keys). A text the config sets is shown as it is, in any
language: names of organisations are not translated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from .. import labels


@dataclass(frozen=True)
class About:
    asked_by: str
    contact: str
    controller: str
    dpo_contact: str
    legal_basis: str
    accessibility_contact: str
    accessibility_assessed: dt.date | None


def _setting(key: str) -> str:
    return str(current_app.config.get(key) or "").strip()


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def about() -> About:
    """The names and contacts of this deployment, from the config (defaults in config.py)."""
    contact = current_app.config["TRYGGHET_CONTACT"]
    return About(
        asked_by=labels.display_name(_setting("TRYGGHET_ASKED_BY")),
        contact=contact,
        controller=labels.display_name(current_app.config["TRYGGHET_CONTROLLER"]),
        dpo_contact=_setting("TRYGGHET_DPO_CONTACT"),
        legal_basis=_setting("TRYGGHET_LEGAL_BASIS"),
        accessibility_contact=_setting("TRYGGHET_ACCESSIBILITY_CONTACT") or contact,
        accessibility_assessed=_date(_setting("TRYGGHET_ACCESSIBILITY_ASSESSED")),
    )

"""Dates as residents see them: in the configured time zone, not the server's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> dt.date:
    """Today's date in TRYGGHET_TIMEZONE (Europe/Stockholm unless configured)."""
    return dt.datetime.now(ZoneInfo(current_app.config["TRYGGHET_TIMEZONE"])).date()

"""Dates and times in the reader's language, written as residents in Sweden write them.

Babel's English is American: "December 31, 2026", "12/31/26", "4:49 PM". English here is
formatted as in Britain (en_GB): "31 December 2026", "31/12/2026", "16:49". Only dates and
times: numbers keep the language's own formatting (en_GB's numbers are en's anyway, "12,345.5"
and "54%"). Every page, PDF, letter and e-mail formats its dates through this module.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel import Locale, dates
from flask import current_app
from flask_babel import get_locale, get_timezone, to_user_timezone

#: The locale a language's dates are formatted in, where it is not the language's own.
DATE_LOCALES = {"en": "en_GB"}
#: Patterns where the locale's own is written as in the United States: Somali's long date is
#: "Febraayo 1, 2026" in CLDR; Somalis in Sweden write the day first, as Swedes do.
DATE_PATTERNS = {"so": {"long": "d MMMM y"}}

#: Dates organizers type or import must lie in this range: a typo in the year ("0026",
#: "1026") must not reach the analysis.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

#: Dates outside any app (no language chosen): Swedish, as Flask-Babel's default.
DEFAULT_LOCALE = "sv"


def date_locale(code: str | None = None) -> Locale:
    """The locale dates are formatted in for ``code`` (default: the reader's language)."""
    if code is None:
        current = get_locale()
        code = str(current) if current is not None else DEFAULT_LOCALE
    return Locale.parse(DATE_LOCALES.get(code, code))


def format_date(
    value: dt.date | dt.datetime | None = None, format: str = "medium", rebase: bool = True
) -> str:
    """A day in the reader's language, as Flask-Babel's ``format_date`` (a datetime: the day
    in the app's Babel time zone), in day-month-year order in English."""
    if rebase and isinstance(value, dt.datetime):
        value = to_user_timezone(value)
    locale = date_locale()
    pattern = DATE_PATTERNS.get(locale.language, {}).get(format, format)
    return dates.format_date(value, pattern, locale=locale)


def format_datetime(
    value: dt.datetime | None = None, format: str = "medium", rebase: bool = True
) -> str:
    """A day and time in the reader's language, as Flask-Babel's ``format_datetime``."""
    zone = get_timezone() if rebase else None
    return dates.format_datetime(value, format, tzinfo=zone, locale=date_locale())


def format_time(
    value: dt.time | dt.datetime | None = None, format: str = "medium", rebase: bool = True
) -> str:
    """A time of day in the reader's language, as Flask-Babel's ``format_time``."""
    zone = get_timezone() if rebase else None
    return dates.format_time(value, format, tzinfo=zone, locale=date_locale())


def month_year(month: dt.date, code: str) -> str:
    """A month as a sentence names it: "november 2026", "November 2026"."""
    return dates.format_date(month, "LLLL y", locale=date_locale(code))


def long_date(day: dt.date | str) -> str:
    """A day as a sentence writes it: "29 november 2026", "29 November 2026" (ISO text too)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return format_date(day, "long")


def local_datetime(value: dt.datetime | None) -> str:
    """A stored moment in TRYGGHET_TIMEZONE, on one line: "2026-11-29 16:49" (none: a dash).

    Stored times are UTC (SQLite hands them back naive); every page and the CLI show local time.
    """
    if value is None:
        return "–"
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(current_app.config["TRYGGHET_TIMEZONE"])
    return aware.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def zoned_datetime(value: dt.datetime) -> str:
    """A stored moment in TRYGGHET_TIMEZONE with its zone, for the command line, where the
    reader may be on a server in UTC: "2026-11-29 16:49 CET"."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    local = aware.astimezone(ZoneInfo(current_app.config["TRYGGHET_TIMEZONE"]))
    return local.strftime("%Y-%m-%d %H:%M %Z")

"""The words of a deviation alert: the e-mail digest (Swedish, then English) and the
webhook's JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import force_locale, gettext, ngettext

from ..dates import month_year
from ..i18n import format_decimal
from ..labels import CRIME_CATEGORIES, crime_category
from ..models.alerts import DeviationAlert

#: The organizer pages the digest links to (plain paths: the CLI app has no pages).
DASHBOARD_PATH = "/organizer/areas/%s#deviations"
SETTINGS_PATH = "/organizer/alerts"


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment in UTC: SQLite gives it back without its zone (it was stored in UTC),
    PostgreSQL in the session's zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def as_json(alert: DeviationAlert, base_url: str) -> dict[str, Any]:
    """A deviation as the webhook gets it."""
    return {
        "id": alert.id,
        "area": alert.area.slug,
        "area_name": alert.area.name,
        "category": alert.category,
        "month": alert.month.strftime("%Y-%m"),
        "count": alert.count,
        "expected": alert.expected,
        "upper_limit": alert.upper_limit,
        "score": alert.score,
        "matched_by_text": alert.matched_by_text,
        "first_seen_at": _utc(alert.first_seen_at).isoformat(),
        "url": base_url.rstrip("/") + DASHBOARD_PATH % alert.area.slug if base_url else None,
    }


def digest(alerts: list[DeviationAlert], base_url: str) -> tuple[str, str]:
    """The subject (Swedish) and body (Swedish, then English) of one digest."""
    with force_locale("sv"):
        subject = ngettext(
            "Trygghet: %(num)d new deviation in crime",
            "Trygghet: %(num)d new deviations in crime",
            len(alerts),
        )
        swedish = _digest_text(alerts, base_url, "sv")
    with force_locale("en"):
        english = _digest_text(alerts, base_url, "en")
    return subject, f"{swedish}\n\n--- In English ---\n\n{english}\n"


def _digest_text(alerts: list[DeviationAlert], base_url: str, locale: str) -> str:
    base = base_url.rstrip("/")
    lines = [
        ngettext(
            "Trygghet has found %(num)d new deviation in crime:",
            "Trygghet has found %(num)d new deviations in crime:",
            len(alerts),
        ),
        "",
    ]
    by_area: dict[str, list[DeviationAlert]] = {}
    for alert in alerts:
        by_area.setdefault(alert.area.slug, []).append(alert)
    for slug, group in by_area.items():
        lines.append(group[0].area.name)
        lines.extend("- " + _line(alert, locale) for alert in group)
        link = base + DASHBOARD_PATH % slug
        lines += [gettext("See the figures and write what was done: %(link)s", link=link), ""]
    lines.append(
        gettext(
            "A deviation is a month with more reported crimes than the same months in"
            " earlier years lead us to expect."
        )
    )
    lines.append("")
    lines.append(
        gettext(
            "You get this e-mail because you asked for it. To stop it: %(link)s",
            link=base + SETTINGS_PATH,
        )
    )
    return "\n".join(lines)


def _line(alert: DeviationAlert, locale: str) -> str:
    expected = alert.expected
    text = gettext(
        "More reported cases of %(category)s than expected in %(area)s in %(month)s:"
        " %(count)d, expected about %(expected)s.",
        category=_in_sentence(alert.category),
        area=alert.area.name,
        month=month_year(alert.month, locale),
        count=alert.count,
        expected=format_decimal(expected, "0" if expected >= 1 else "0.#"),
    )
    if alert.matched_by_text:
        text += " " + gettext(
            "Some events count here only because their text names a place in the area."
        )
    return text


def _in_sentence(category: str) -> str:
    """A category inside a sentence: Trygghet's own in the reader's language ("misshandel",
    "assault"), any other as stored, in lower case; a tag in front stays ("[DEMO] assault")."""
    tag, space, rest = category.partition("] ")
    if not (category.startswith("[") and space):
        tag, space, rest = "", "", category
    if rest in CRIME_CATEGORIES:
        shown = crime_category(rest)
        return tag + space + shown[:1].lower() + shown[1:]
    return tag + space + rest.lower()

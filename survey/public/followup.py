"""The public follow-up of citizen promises (uppföljning): no login, no filters, no small cells.

Every figure comes from a published release (survey/services/releases.py): the follow-ups
of analysis.followup as the area's newest release (or ``?release=ID``) stored them, in public
form, so new answers change nothing here until the next release. Hidden cells carry no count
at all. Residents' comments and dialogue notes or quotes are never read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, render_template, request
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from analysis.verdicts import IMPROVED, NO_DATA, UNCHANGED, WORSE

from .. import clock, labels
from ..dates import format_date, format_time
from ..db import or_404
from ..extensions import db
from ..i18n import change, format_decimal, format_number, result_said, text_direction
from ..i18n import percent as _percent
from ..models import Area, Release
from ..reports.directions import isolated
from ..reports.share import HEIGHT, WIDTH, card_etag, card_png
from ..services.places import current_places
from ..services.responses import next_round, open_round
from ..web.urls import absolute_url, shown_address
from .followup_services import (
    SHARE_KINDS,
    areas_with_promise_counts,
    audit_facts,
    chosen_release,
    find_area,
    next_open_dialogue,
    release_followups,
    releases_of,
    rounds_published_later,
)
from .views import bp

SHARE_MAX_AGE = 300


def percent(share: float) -> str:
    """A share as residents read it: 0.54 -> '54 %' in Swedish, '54%' in English."""
    return _percent(share)


def number(value: float) -> str:
    return format_decimal(value, "0.##")


def _day(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "long")


def _moment(value: dt.datetime) -> str:
    """When a release was published: its day and time in the app's time zone."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC
    # Naive local time: Babel would otherwise convert it back to UTC, its default zone.
    local = aware.astimezone(ZoneInfo(current_app.config["TRYGGHET_TIMEZONE"])).replace(tzinfo=None)
    return format_date(local, "long") + " " + format_time(local, "HH:mm")


def period(promise: dict[str, Any]) -> str:
    return _day(promise["period_start"]) + " – " + _day(promise["period_end"])


def _locale() -> str:
    return str(get_locale())


def _key_indicator(result: dict[str, Any]) -> dict[str, Any] | None:
    """The indicator a picture shows: the first with a result, else simply the first."""
    indicators = result["indicators"]
    for indicator in indicators:
        if indicator["status"] != NO_DATA:
            return indicator
    return indicators[0] if indicators else None


def answers(cell: dict[str, Any]) -> str:
    """How many answers a shown figure rests on, as residents read it (already rounded)."""
    return _("about %(num)d answers", num=cell["n"])


def hidden() -> str:
    """What a hidden cell reads: the release does not say why, and must not (see audit_facts)."""
    return _("hidden to protect the anonymity of those who answered")


def not_in_release() -> str:
    """What a side reads whose round had no published figures yet when the release was made."""
    return _("not part of this publication")


def outside_release(later: Collection[int], promise: dict[str, Any], key: str) -> bool:
    """Whether a promise's round (key: baseline_round, followup_round) came after a release."""
    return (promise.get(key) or {}).get("id") in later


def _share_side(cell: dict[str, Any], label: str, outside: bool = False) -> dict[str, Any]:
    if cell.get("suppressed"):  # a hidden cell has no count and no share in a release
        why = not_in_release() if outside else hidden()
        return {"label": label, "value": "", "share": None, "n": "", "hidden": why}
    value = percent(cell["share"])
    return {"label": label, "value": value, "share": cell["share"], "n": answers(cell)}


def _crime_side(side: dict[str, Any], label: str) -> dict[str, Any]:
    if not side["months"]:
        return {"label": label, "value": _("no figures yet"), "share": None, "n": ""}
    months = ngettext("in %(num)d month", "in %(num)d months", side["months"])
    value = format_number(side["count"])
    return {"label": label, "value": value, "share": None, "n": months, "number": True}


def _round_name(promise: dict[str, Any], key: str) -> str:
    return (promise.get(key) or {}).get("name") or ""


def share_card(
    result: dict[str, Any], area_name: str, footer: str, later: Collection[int] = ()
) -> dict[str, Any]:
    """Everything the share picture of a promise draws, as translated text and figures.

    ``later``: the rounds published only after the release (rounds_published_later).
    """
    promise = result["promise"]
    rtl = text_direction() == "rtl"
    indicator = _key_indicator(result)
    sides: list[tuple[str, dict[str, Any]]] = []
    if indicator is not None and indicator.get("kind") in SHARE_KINDS:
        for side, key in (("before", "baseline_round"), ("after", "followup_round")):
            if indicator.get(side) is not None:
                word = _("Before") if side == "before" else _("After")
                label = word + " · " + isolated(_round_name(promise, key), rtl)
                outside = outside_release(later, promise, key)
                sides.append((side, _share_side(indicator[side], label, outside)))
    elif indicator is not None and indicator.get("kind") == "crime":
        sides = [
            ("before", _crime_side(indicator["before"], _("The same months in earlier years"))),
            ("after", _crime_side(indicator["after"], _("During the promise"))),
        ]
    label = ""
    if indicator is not None:  # a crime category ("[DEMO] Misshandel"), shown and isolated
        category = isolated(labels.crime_category(indicator.get("category")), rtl)
        label = labels.indicator_name(dict(indicator, category=category), _locale())
    # The picture shows one indicator: its change, with its size, not the promise's verdict.
    status = change(indicator)["sentence"] if indicator is not None else ""
    card = {
        "eyebrow": _("Citizen promise · %(area)s", area=isolated(area_name, rtl)),
        "period": period(promise),
        "title": promise["title"],
        "label": label,
        "sides": sides,
        "empty": _("No figures to follow yet."),
        "status": status,
        "footer": footer,
        "rtl": rtl,
    }
    figures = "; ".join(
        f"{s['label']}: {s.get('hidden') or s['value']}" + (f" ({s['n']})" if s["n"] else "")
        for _side, s in sides
    )
    card["alt"] = ". ".join(part for part in (promise["title"], label, figures, status) if part)
    return card


#: How a change between rounds reads as a follow-up verdict (analysis.round_changes).
_ROUND_VERDICTS = {"drop": IMPROVED, "rise": WORSE, "no clear change": UNCHANGED}


def round_change_rows(release: Release | None) -> list[dict[str, str]]:
    """The whole area's unsafe share per time, the round before vs this one, in plain words.

    A time whose figure either round's release hid reads as every hidden figure does, with
    neither count nor share (the other round's figure would only lead to the hidden one).
    """
    changes = (release.data.get("round_changes") if release else None) or {}
    rows = []
    times = changes.get("area_total", {}).get("times") or {}
    # In the day's order: a stored release has its keys sorted (afternoon, day, ...).
    for time, cell in sorted(times.items(), key=lambda item: list(labels.TIMES).index(item[0])):
        sides = (cell.get("before") or {}, cell.get("after") or {})
        if "diff" not in cell and any(side.get("suppressed") for side in sides):
            rows.append({"label": str(labels.TIMES[time]), "sentence": "", "hidden": hidden()})
            continue
        if "diff" not in cell or cell.get("direction") not in _ROUND_VERDICTS:
            continue
        said = change(
            {
                "kind": "unsafe_share",
                "before": cell["before"],
                "after": cell["after"],
                "diff": cell["diff"],
                "status": _ROUND_VERDICTS[cell["direction"]],
            }
        )
        rows.append({"label": str(labels.TIMES[time]), "sentence": said["sentence"]})
    return rows


def _footer(area: Area) -> str:
    """The address the picture shows: never a host taken from the request (see shown_address)."""
    return shown_address("public.followup_area", slug=area.slug)


@bp.get("/uppfoljning")
def followup_index():
    return render_template("public/followup/index.html", rows=areas_with_promise_counts(db.session))


def _release_or_404(area: Area) -> Release | None:
    """The release asked for (?release=ID, 404 if not this area's), else the newest, or None."""
    asked = request.args.get("release")
    if asked is not None and not (asked.isascii() and asked.isdigit() and len(asked) < 10):
        abort(404)
    release = chosen_release(db.session, area, int(asked) if asked is not None else None)
    if asked is not None and release is None:
        abort(404)
    return release


@bp.get("/uppfoljning/<slug>")
def followup_area(slug: str):
    area = or_404(find_area(db.session, slug))
    release = _release_or_404(area)
    threshold = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    if release is not None:
        threshold = release.data.get("suppress_below", threshold)
    results = release_followups(release)
    today = clock.today()
    survey_round = open_round(db.session, area.id, today)
    footer = _footer(area)
    pinned = {"release": release.id} if release and "release" in request.args else {}
    later = rounds_published_later(db.session, release)
    return render_template(
        "public/followup/area.html",
        area=area,
        release=release,
        releases=releases_of(db.session, area),
        results=results,
        cards={r["promise"]["id"]: share_card(r, area.name, footer, later) for r in results},
        outside=lambda promise, key: outside_release(later, promise, key),
        not_in_release=not_in_release,
        threshold=threshold,
        place_names={place.slug: place.name for place in area.places},
        survey_round=survey_round,
        upcoming=None if survey_round else next_round(db.session, area.id, today),
        places=current_places(db.session, area.id),
        dialogue=next_open_dialogue(db.session, area.id, today),
        image_url=lambda pid: absolute_url(
            "public.followup_share", slug=area.slug, promise_id=pid, lang=_locale(), **pinned
        ),
        result_said=result_said,
        change=change,
        round_changes=(release.data.get("round_changes") if release else None),
        round_rows=round_change_rows(release),
        audit=audit_facts(release),
        kinds=labels.ACTIVITY_KINDS,
        dialogue_kinds=labels.DIALOGUE_KINDS,
        percent=percent,
        number=number,
        period=period,
        day=_day,
        answers=answers,
        hidden=hidden,
        moment=_moment,
        share_kinds=SHARE_KINDS,
        size=(WIDTH, HEIGHT),
    )


def _share_locale() -> str:
    # Only the address chooses the language: the picture is cached publicly, so it must not
    # depend on a cookie or a header, and reading it must not remember a language.
    languages = current_app.config["LANGUAGES"]
    asked = (request.args.get("lang") or "").strip().lower()
    return asked if asked in languages else languages[0]


@bp.get("/uppfoljning/<slug>/<int:promise_id>.png")
def followup_share(slug: str, promise_id: int):
    area = or_404(find_area(db.session, slug))
    release = _release_or_404(area)
    with force_locale(_share_locale()):
        found = [r for r in release_followups(release) if r["promise"]["id"] == promise_id]
        if not found:
            abort(404)
        later = rounds_published_later(db.session, release)
        card = share_card(found[0], area.name, _footer(area), later)
    etag = card_etag(card)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(card_png(card), mimetype="image/png")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = SHARE_MAX_AGE
    return response

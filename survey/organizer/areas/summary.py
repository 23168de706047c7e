"""The situation picture arranged for the dashboard: orderings and labels, never new figures."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.picture import area_slugs, situation_picture
from analysis.survey import Filters
from survey import clock
from survey.models import Area
from survey.services.comments import CommentFilters, topic_counts

from ..dialogues.forms import problem_labels

TIMES = ("day", "afternoon", "evening", "night")
#: Unsafe shares at or above these bounds get a darker shade in the heat table.
HEAT_BOUNDS = (0.1, 0.25, 0.4, 0.6)


def load_picture(session: Session, slug: str, filters: Filters, locale: str) -> dict[str, Any]:
    """The situation picture of one area (LookupError for an unknown area)."""
    suppress_below = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    return situation_picture(
        session.connection(), slug, filters, suppress_below, locale=locale, today=clock.today()
    )


def all_pictures(session: Session, locale: str) -> list[dict[str, Any]]:
    """The unfiltered picture of every area, in name order."""
    return [
        load_picture(session, slug, Filters(), locale) for slug in area_slugs(session.connection())
    ]


def problem_rows(picture: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """The area's problems, largest share first, those with too few answers last."""
    names = problem_labels(locale)
    rows = [
        {"key": key, "label": names.get(key, key), **cell}
        for key, cell in picture["area_total"]["problems"].items()
    ]
    return sorted(
        rows,
        key=lambda r: (r["suppressed"], -(r.get("share") or 0), -r["n"], r["label"]),
    )


def worst_time(place: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The time of day with the largest unsafe share shown for a place, if any is shown."""
    shown = [(t, place["times"][t]) for t in TIMES if not place["times"][t]["suppressed"]]
    return max(shown, key=lambda item: item[1]["unsafe_share"]) if shown else None


def place_ranking(picture: dict[str, Any]) -> list[dict[str, Any]]:
    """The places least safe first: by safety index, then by their worst unsafe share."""

    def key(place: dict[str, Any]) -> tuple[Any, ...]:
        worst = worst_time(place)
        index = place.get("safety_index")
        return (
            index is None,
            index if index is not None else 0,
            -(worst[1]["unsafe_share"] if worst else -1),
            place["name"],
        )

    return [{**place, "worst": worst_time(place)} for place in sorted(picture["places"], key=key)]


def heat_level(cell: dict[str, Any]) -> int:
    """0 (lightest) to 4 (darkest) for a shown unsafe share; -1 for a suppressed cell."""
    if cell["suppressed"]:
        return -1
    return sum(cell["unsafe_share"] >= bound for bound in HEAT_BOUNDS)


def place_names(picture: dict[str, Any]) -> dict[str, str]:
    """Place slug -> name, for the rows that name a place by slug."""
    return {place["place"]: place["name"] for place in picture["places"]}


def comment_topics(
    session: Session, slug: str, filters: Filters
) -> tuple[list[tuple[str, int]], int, int]:
    """Comments of the area per topic tag, the untagged ones, and the area's id."""
    area_id = session.scalar(select(Area.id).where(Area.slug == slug))
    counts, untagged = topic_counts(
        session,
        CommentFilters(
            area_id=area_id,
            round_id=filters.round_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )
    return counts, untagged, area_id

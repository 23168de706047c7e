"""The situation picture arranged for the dashboard: names and comment topics, no new figures.

The orders of problems and places and the heat levels are reports.figures', shared with the
charts and the PDF.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.survey import Filters
from survey import labels
from survey.models import Area
from survey.reports import figures
from survey.services.comments import CommentFilters, topic_counts


def problem_rows(picture: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """The area's problems with their names, in the order every output lists them."""
    return figures.problem_rows(picture["area_total"]["problems"], labels.problems(locale))


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

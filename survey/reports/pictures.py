"""Situation pictures for the files and reports: analysis' output, with the round named."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from analysis.picture import situation_picture
from analysis.survey import Filters

from .. import clock
from ..models import SurveyRound


def build_pictures(
    conn: Connection,
    slugs: list[str],
    filters: Filters,
    suppress_below: int,
    weighted: bool = False,
    locale: str = "sv",
) -> list[dict[str, Any]]:
    """The picture of each area; a round filter also gets the round's name and dates.

    The web downloads and ``trygghet lagesbild`` both call this, so they write the same
    files. Raises LookupError (or ValueError) for an unknown area, as analysis does.
    """
    pictures = [
        situation_picture(
            conn, slug, filters, suppress_below, weighted, locale=locale, today=clock.today()
        )
        for slug in slugs
    ]
    if filters.round_id is not None:
        survey_round = conn.execute(
            select(SurveyRound.name, SurveyRound.opens_on, SurveyRound.closes_on).where(
                SurveyRound.id == filters.round_id
            )
        ).one_or_none()
        if survey_round is not None:
            for picture in pictures:
                # Extra keys are allowed by the schema; the report prints them.
                picture["filters"] |= {
                    "round_name": survey_round.name,
                    "round_opens_on": survey_round.opens_on.isoformat(),
                    "round_closes_on": (
                        survey_round.closes_on.isoformat() if survey_round.closes_on else None
                    ),
                }
    return pictures

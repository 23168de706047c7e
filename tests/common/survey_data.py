"""Helpers for the survey indicator tests: insert hand-built answers through the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from survey.extensions import db
from survey.models import Place, Response, SurveyRound

DAY = dt.date(2025, 5, 14)

#: Safety answers that make a response count for nothing in any time's share.
NOT_THERE = {f"safety_{t}": "na" for t in ("day", "afternoon", "evening", "night")}


def place_id(slug: str) -> int:
    return db.session.scalar(select(Place.id).where(Place.slug == slug))


def default_round_id() -> int:
    return db.session.scalar(select(SurveyRound.id).order_by(SurveyRound.id).limit(1))


def new_round(name: str, opens_on: dt.date) -> int:
    survey_round = SurveyRound(name=name, opens_on=opens_on)
    db.session.add(survey_round)
    db.session.flush()
    return survey_round.id


def add_responses(slug: str, answers: Iterable[Mapping[str, Any]], **common: Any) -> list[Response]:
    """Add one response per mapping of item codes (plus round_id, submitted_on) and commit."""
    pid = place_id(slug)
    rows = []
    for answer in answers:
        values = {
            "submitted_on": DAY,
            "round_id": default_round_id(),
            **NOT_THERE,
            **common,
            **answer,
        }
        rows.append(Response(place_id=pid, questionnaire_version=1, source="web", **values))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def columns(**lists: list[Any]) -> list[dict[str, Any]]:
    """Answers given column-wise: columns(safety_day=['1', '2']) -> two responses."""
    lengths = {len(values) for values in lists.values()}
    assert len(lengths) == 1, "every column needs the same number of answers"
    return [dict(zip(lists, row, strict=True)) for row in zip(*lists.values(), strict=True)]

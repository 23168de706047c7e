"""Answers to the example version 2's added items (tests/common/questionnaire_v2.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import insert

from survey.extensions import db
from survey.models import ItemAnswer, QuestionnaireVersion
from tests.common.survey_data import add_responses

EXAMPLE = (Path(__file__).resolve().parent / "questionnaire_v2.yaml").read_text()
TEXTS = ("idea", "unsafe_why")


def record_version_2(definition: str = EXAMPLE, status: str = "live") -> None:
    """Record the example version 2 (or another definition) as uploaded by an admin."""
    db.session.add(
        QuestionnaireVersion(version=2, definition=definition, status=status, uploaded_by="admin")
    )
    db.session.commit()


def answer_items(
    slug: str, gender: str | None = None, age_band: str | None = None, **items: Any
) -> int:
    """One response at a place with answers to added items (a multi answer as a list)."""
    [response] = add_responses(slug, [{"gender": gender, "age_band": age_band}])
    rows = []
    for code, value in items.items():
        base = {"response_id": response.id, "code": code, "value": None, "number": None}
        base["text"] = None
        if isinstance(value, list):
            rows += [base | {"value": v} for v in value]
        elif isinstance(value, int):
            rows.append(base | {"number": value})
        elif code in TEXTS:
            rows.append(base | {"text": value})
        else:
            rows.append(base | {"value": value})
    if rows:
        db.session.execute(insert(ItemAnswer.__table__), rows)
    db.session.commit()
    return response.id


def three_places() -> None:
    """Brommaplan 12 answers, Alvik 11, Abrahamsberg 3 (too few: hidden, Alvik with it).

    police_there's top box (4, 5): Brommaplan 7 of 12; years_in_area: Brommaplan 0..11.
    """
    for i, value in enumerate(["5", "5", "4", "4", "4", "5", "4", "3", "2", "1", "1", "2"]):
        answer_items(
            "brommaplan",
            "woman" if i < 6 else "man",
            police_there=value,
            years_in_area=i,
            witnessed=["fights", "noise"] if i % 2 else ["graffiti"],
            idea="Mer ljus",
        )
    for value in ["1", "2", "3", "1", "2", "3", "1", "2", "3", "4", "dk", "5"]:
        answer_items("alvik", police_there=value, years_in_area=30, idea="Fler vakter")
    for value in ("5", "5", "5"):
        answer_items("abrahamsberg", police_there=value, years_in_area=77, idea="Kameror")


def two_places() -> None:
    """Brommaplan 12 answers (6 women, 6 men: each group too few), Alvik 12 (no gender).

    police_there's top box (4, 5): Brommaplan 7 of 12, Alvik 2 of 11 (one "don't know").
    """
    for i, value in enumerate(["5", "5", "4", "4", "4", "5", "4", "3", "2", "1", "1", "2"]):
        answer_items("brommaplan", "woman" if i < 6 else "man", police_there=value, years_in_area=i)
    for value in ["1", "2", "3", "1", "2", "3", "1", "2", "3", "4", "dk", "5"]:
        answer_items("alvik", police_there=value, years_in_area=30)

"""Dialogue indicators: distinct dialogues per place x problem x time, by group, with quotes."""

import datetime as dt

import pytest
from sqlalchemy import select

from analysis.dialogues import dialogue_indicators
from survey.extensions import db
from survey.models import Dialogue, DialogueIssue, Place
from tests.common import factories


def _places() -> dict[str, Place]:
    return {p.slug: p for p in db.session.scalars(select(Place))}


def _dialogue(place: Place | None, kind: str, held_on: dt.date, issues, **counts) -> Dialogue:
    return factories.dialogue(
        place.area_id if place else "bromma",
        place,
        issues=[DialogueIssue(position=position, **issue) for position, issue in enumerate(issues)],
        held_on=held_on,
        kind=kind,
        **({"residents": 0} | counts),
    )


@pytest.fixture
def data(app):
    """Dialogues in Bromma (and one in Ekerö) with overlapping issues."""
    with app.app_context():
        places = _places()
        bromma, alvik, ekero = places["brommaplan"], places["alvik"], places["ekero-centrum"]
        # Two issues in one dialogue about Brommaplan evenings: the dialogue counts once.
        _dialogue(
            bromma,
            "medborgardialog",
            dt.date(2026, 3, 1),
            [
                {"place_id": bromma.id, "problem": "alcohol", "times": "evening;night",
                 "raised_by": 3, "quote": "Fylla vid bussen"},
                {"place_id": bromma.id, "problem": "alcohol", "times": "evening", "weight": 2,
                 "quote": "Flaskor överallt"},
                {"place_id": None, "problem": "lighting", "times": None},
            ],
            residents=20,
            staff=2,
        )  # fmt: skip
        _dialogue(
            None,
            "samverkansmote",
            dt.date(2026, 4, 1),
            [
                {"place_id": bromma.id, "problem": "alcohol", "times": "evening", "quote": "  "},
                {"place_id": alvik.id, "problem": "groups", "times": "afternoon",
                 "raised_by": 4, "quote": "Ungdomar vid stationen"},
                {"place_id": None, "problem": "traffic", "times": ""},
            ],
            partners=6,
        )  # fmt: skip
        _dialogue(
            None,
            "medarbetardialog",
            dt.date(2026, 5, 1),
            [{"place_id": bromma.id, "problem": "alcohol", "times": "evening",
              "quote": "Många ärenden"}],
            staff=5,
        )  # fmt: skip
        # Another area: never counted for Bromma.
        factories.dialogue(
            "ekero",
            None,
            held_on=dt.date(2026, 4, 2),
            organizer="x",
            residents=99,
            issues=[factories.issue("alcohol", place=ekero, times="evening")],
        )
        db.session.commit()
    return app


def _mention(result, place, problem, time):
    found = [
        m
        for m in result["mentions"]
        if (m["place"], m["problem"], m["time"]) == (place, problem, time)
    ]
    assert len(found) == 1, result["mentions"]
    return found[0]


def test_counts_dialogues_and_participants(data):
    with data.app_context(), db.engine.connect() as conn:
        result = dialogue_indicators(conn, "bromma")
    assert result["dialogues"] == 3
    assert result["participants"] == {"residents": 20, "partners": 6, "staff": 7}


def test_two_issues_in_one_dialogue_count_once(data):
    with data.app_context(), db.engine.connect() as conn:
        result = dialogue_indicators(conn, "bromma")
    evening = _mention(result, "brommaplan", "alcohol", "evening")
    assert evening["dialogues"] == 3
    assert evening["by_group"] == {"residents": 1, "partners": 1, "staff": 1}
    # raised_by 3 + weight 2 + an issue with neither (1) + one with neither (1)
    assert evening["weight"] == 7
    night = _mention(result, "brommaplan", "alcohol", "night")
    assert night["dialogues"] == 1
    assert night["by_group"] == {"residents": 1, "partners": 0, "staff": 0}
    assert night["weight"] == 3
    # The most-raised mention comes first.
    assert result["mentions"][0] == evening


def test_quotes_newest_first_without_blanks(data):
    with data.app_context(), db.engine.connect() as conn:
        result = dialogue_indicators(conn, "bromma")
    evening = _mention(result, "brommaplan", "alcohol", "evening")
    assert evening["quotes"] == ["Många ärenden", "Flaskor överallt", "Fylla vid bussen"]
    assert _mention(result, "alvik", "groups", "afternoon")["quotes"] == ["Ungdomar vid stationen"]


def test_issue_without_place_or_time(data):
    with data.app_context(), db.engine.connect() as conn:
        result = dialogue_indicators(conn, "bromma")
    # No place of its own: the place the dialogue was held at.
    lighting = _mention(result, "brommaplan", "lighting", None)
    assert lighting["dialogues"] == 1
    # Neither the issue nor the dialogue has a place; '' times mean no time.
    traffic = _mention(result, None, "traffic", None)
    assert traffic["by_group"]["partners"] == 1
    assert traffic["quotes"] == []


def test_sorted_by_dialogues(data):
    with data.app_context(), db.engine.connect() as conn:
        result = dialogue_indicators(conn, "bromma")
    counts = [m["dialogues"] for m in result["mentions"]]
    assert counts == sorted(counts, reverse=True)
    assert len(result["mentions"]) == 5


def test_date_filter(data):
    with data.app_context(), db.engine.connect() as conn:
        result = dialogue_indicators(
            conn, "bromma", date_from=dt.date(2026, 3, 15), date_to=dt.date(2026, 4, 30)
        )
    assert result["dialogues"] == 1
    assert result["participants"] == {"residents": 0, "partners": 6, "staff": 0}
    assert _mention(result, "brommaplan", "alcohol", "evening")["dialogues"] == 1
    assert all(m["by_group"]["residents"] == 0 for m in result["mentions"])


def test_empty_and_unknown_area(data):
    with data.app_context(), db.engine.connect() as conn:
        assert dialogue_indicators(conn, "hasselby-vallingby") == {
            "dialogues": 0,
            "participants": {"residents": 0, "partners": 0, "staff": 0},
            "mentions": [],
        }
        with pytest.raises(LookupError):
            dialogue_indicators(conn, "nowhere")

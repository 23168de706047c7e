"""Shared by the dialogue log's tests: fixtures, valid input, direct storage and look-ups."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import Area, AuditEvent, Dialogue, DialogueIssue, Place
from tests.common import factories
from tests.common.web import local_today

DAY = dt.date(2026, 3, 10)
# A week ahead, not tomorrow: still in the future when a run passes midnight in Stockholm.
NEXT_WEEK = (local_today() + dt.timedelta(days=7)).isoformat()


@pytest.fixture(name="org")
def org_fixture(client, auth):
    """The test client, logged in as an organizer, in English."""
    auth.login("organizer")
    client.get("/?lang=en")
    return client


@pytest.fixture(name="ref")
def ref_fixture(app):
    """Ids by slug: areas as 'area:<slug>', places as 'place:<slug>'."""
    with app.app_context():
        areas = {f"area:{a.slug}": str(a.id) for a in db.session.scalars(select(Area))}
        places = {f"place:{p.slug}": str(p.id) for p in db.session.scalars(select(Place))}
    return areas | places


def resolve(data, ref):
    """Replace 'area:<slug>' and 'place:<slug>' values with their ids."""
    return {k: ref.get(v, v) if isinstance(v, str) else v for k, v in data.items()}


VALID = {
    "held_on": DAY.isoformat(),
    "area_id": "area:bromma",
    "place_id": "place:brommaplan",
    "kind": "medborgardialog",
    "residents": "12",
    "partners": "3",
    "staff": "2",
    "organizer": "Kommunpolis Bromma",
    "notes": "Möte i biblioteket.\r\nKaffe.",
}
ISSUE = {"place_id": "place:alvik", "problem": "drug_dealing", "times": ["night", "evening"]}


def make_dialogue(app, ref, issues=(), **fields):
    """Store a dialogue (and issues, in order) directly; return its id."""
    values = resolve(VALID | fields, ref)
    with app.app_context():
        stored = []
        for issue in issues:
            issue = resolve(issue, ref)
            if issue.get("place_id"):
                issue["place_id"] = int(issue["place_id"])
            stored.append(DialogueIssue(**issue))
        dialogue = factories.dialogue(
            int(values["area_id"]),
            int(values["place_id"]) if values["place_id"] else None,
            issues=stored,
            held_on=dt.date.fromisoformat(values["held_on"]),
            kind=values["kind"],
            residents=int(values["residents"]),
            organizer=values["organizer"],
        )
        db.session.commit()
        return dialogue.id


def dialogues(app):
    with app.app_context():
        query = (
            select(Dialogue)
            .options(
                selectinload(Dialogue.area),
                selectinload(Dialogue.place),
                selectinload(Dialogue.issues).selectinload(DialogueIssue.place),
            )
            .order_by(Dialogue.id)
        )
        return list(db.session.scalars(query))


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def events(app, prefix="dialogue"):
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action.startswith(prefix))
        return list(db.session.scalars(query.order_by(AuditEvent.id)))


def summary(page):
    start = page.index('class="error-summary"')
    return page[start : page.index("</div>", start)]

"""Default data, loaded into an empty database: places, an open survey round, questionnaire v1."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from .imports.crime_rows import normalise
from .models import Area, Place, PoliceArea, QuestionnaireVersion, SurveyRound
from .models.accounts import utcnow
from .models.places import AreaAlias

DEFAULT_ROUND_NAME = "Löpande trygghetsmätning"


def load_default_places(session: Session) -> bool:
    """Add the default police area, areas and places if there are none; True if added."""
    if session.scalar(select(PoliceArea.id).limit(1)) is not None:
        return False
    source = resources.files(__package__).joinpath("defaults/places.yaml").read_text("utf-8")
    data = yaml.safe_load(source)
    police_area = PoliceArea(slug=data["lpo"]["slug"], name=data["lpo"]["name"])
    for raw_area in data["areas"]:
        area = Area(
            slug=raw_area["slug"], name=raw_area["name"], municipality=raw_area.get("municipality")
        )
        area.aliases = [AreaAlias(name=n, key=normalise(n)) for n in raw_area.get("aliases", [])]
        area.places = [Place(slug=slug, name=name) for slug, name in raw_area["places"].items()]
        police_area.areas.append(area)
    session.add(police_area)
    session.flush()
    return True


def load_default_round(session: Session, today: dt.date | None = None) -> bool:
    """Open one round for every area from ``today`` (the configured time zone's date; the
    server's when not given), without an end date, if there are no rounds at all."""
    if session.scalar(select(SurveyRound.id).limit(1)) is not None:
        return False
    areas = list(session.scalars(select(Area)))
    opens_on = today or dt.date.today()
    session.add(SurveyRound(name=DEFAULT_ROUND_NAME, opens_on=opens_on, areas=areas))
    session.flush()
    return True


def load_builtin_questionnaire(session: Session) -> bool:
    """Record the shipped questionnaire version 1 as live if no version is recorded."""
    if session.scalar(select(QuestionnaireVersion.version).limit(1)) is not None:
        return False
    source = resources.files(__package__).joinpath("questionnaire/v1.yaml").read_text("utf-8")
    session.add(
        QuestionnaireVersion(
            version=1,
            definition=source,
            status="live",
            uploaded_by="trygghet",
            live_since=utcnow(),
        )
    )
    session.flush()
    return True


def load_defaults(session: Session, today: dt.date | None = None) -> bool:
    """Load whatever default data is missing; True if anything was added. ``today`` is the
    default round's first day (the server's date when not given)."""
    added = [
        load_default_places(session),
        load_default_round(session, today),
        load_builtin_questionnaire(session),
    ]
    return any(added)

"""Default data: the places of lokalpolisområde Vällingby, loaded into an empty database."""

from __future__ import annotations

from importlib import resources

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Area, Place, PoliceArea


def load_default_places(session: Session) -> bool:
    """Add the default police area, areas and places if there are none; True if added."""
    if session.scalar(select(PoliceArea.id).limit(1)) is not None:
        return False
    source = resources.files(__package__).joinpath("defaults/places.yaml").read_text("utf-8")
    data = yaml.safe_load(source)
    police_area = PoliceArea(slug=data["lpo"]["slug"], name=data["lpo"]["name"])
    for raw_area in data["areas"]:
        area = Area(slug=raw_area["slug"], name=raw_area["name"])
        area.places = [Place(slug=slug, name=name) for slug, name in raw_area["places"].items()]
        police_area.areas.append(area)
    session.add(police_area)
    session.flush()
    return True

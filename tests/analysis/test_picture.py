"""The whole situation picture: its JSON contract, and every part wired in."""

import json
from importlib import resources

import jsonschema
import pytest

from analysis.picture import area_slugs, situation_picture
from analysis.survey import Filters
from survey.extensions import db
from tests.common.picture_data import build


@pytest.fixture
def picture(app):
    with app.app_context():
        build()
        with db.engine.connect() as conn:
            return situation_picture(conn, "bromma", Filters(), 10)


def test_the_picture_follows_its_published_schema(picture):
    schema = json.loads(resources.files("analysis").joinpath("lagesbild.schema.json").read_text())
    jsonschema.validate(picture, schema, format_checker=jsonschema.FormatChecker())


def test_figures_priorities_deviations_dialogues_and_followup_are_in(picture):
    places = {p["place"]: p for p in picture["places"]}
    evening = places["brommaplan"]["times"]["evening"]
    assert evening["n"] == 11  # 'dk' does not count
    assert evening["unsafe_share"] == round(8 / 11, 4)
    assert places["alvik"]["suppressed"] is True
    assert "unsafe_share" not in places["alvik"]["times"]["evening"]
    # Abrahamsberg has enough answers but is hidden with Alvik (secondary suppression).
    assert places["abrahamsberg"]["times"]["evening"] == {"n": 10, "suppressed": True}
    top = picture["priorities"][0]
    assert (top["place"], top["problem"], top["time"]) == ("brommaplan", "alcohol", "evening")
    assert "Brommaplan" in top["explanation"]
    [alarm] = picture["deviations"]
    assert (alarm["category"], alarm["count"]) == ("Misshandel", 31)
    assert picture["dialogues"]["dialogues"] == 1
    [followup] = picture["followup"]
    assert followup["promise"]["title"] == "Tryggare Brommaplan på kvällen"


def test_unknown_area_is_a_lookup_error(app):
    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(LookupError):
            situation_picture(conn, "atlantis", Filters(), 10)
        assert area_slugs(conn) == ["bromma", "ekero", "hasselby-vallingby"]

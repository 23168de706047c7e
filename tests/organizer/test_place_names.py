"""Place names: no direction overrides or invisible characters, white space and Unicode
form as area names have them, whether typed, renamed or imported."""

import io

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Place
from tests.common.web import post_form

REFUSED = "The text contains characters that cannot be saved."


def _names(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Place.name)))


def _bromma_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Place.area_id).where(Place.slug == "alvik"))


@pytest.mark.parametrize(
    "name",
    [
        "Husby centrum\u202e",  # right-to-left override: "(Bromma)" after it reads backwards
        "Husby\u2067 centrum",  # right-to-left isolate
        "Husby\u200b centrum",  # zero-width space
        "Husby\ufe0f centrum",  # variation selector, a letter to Unicode that shows nothing
    ],
)
def test_a_place_name_with_direction_or_invisible_characters_is_refused(app, client, auth, name):
    auth.login("admin")
    client.get("/?lang=en")
    before = _names(app)
    data = {"area": _bromma_id(app), "slug": "husby", "name": name}
    response = post_form(client, "/organizer/places", data)
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)
    with app.app_context():
        alvik = db.session.scalar(select(Place).where(Place.slug == "alvik"))
    renamed = post_form(client, f"/organizer/places/{alvik.id}/edit", {"name": name})
    assert renamed.status_code == 422
    assert REFUSED in renamed.get_data(as_text=True)
    file = {"file": (io.BytesIO(f"area,slug,name\nbromma,husby,{name}\n".encode()), "p.csv")}
    imported = post_form(
        client,
        "/organizer/places/import",
        file,
        token_from="/organizer/places",
        content_type="multipart/form-data",
    )
    assert imported.status_code == 422
    assert f"line 2, column name: {REFUSED}" in imported.get_data(as_text=True)
    assert _names(app) == before


def test_a_place_name_is_stored_with_single_spaces_and_composed_letters(app, client, auth):
    auth.login("admin")
    # "o" + combining diaeresis, and two spaces: the same name as "Ulvsunda Ö" once stored.
    data = {"area": _bromma_id(app), "slug": "ulvsunda", "name": "Ulvsunda  O\u0308"}
    assert post_form(client, "/organizer/places", data).status_code == 303
    assert "Ulvsunda \u00d6" in _names(app)
    again = {"area": _bromma_id(app), "slug": "ulvsunda-2", "name": "Ulvsunda \u00d6"}
    response = post_form(client, "/organizer/places", again)
    assert response.status_code == 422
    assert _names(app).count("Ulvsunda \u00d6") == 1

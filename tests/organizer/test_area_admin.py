"""Admin: areas are added and renamed, given aliases and marked as districts on a page."""

import json
import re
from pathlib import Path

from sqlalchemy import select

# Registered by survey/organizer/routes.py; imported here too so the routes exist before
# the test app is built (the import is idempotent once routes.py imports it).
import survey.organizer.area_admin  # noqa: F401
from survey.extensions import db
from survey.imports.crime import import_crime_data
from survey.models import Area, AuditEvent, CrimeCount
from tests.common.web import post_form

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real" / "police-events-2023-03-25.json"


def _area(app, slug):
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.slug == slug))
        return area and (area.id, area.name, area.municipality, [a.name for a in area.aliases])


def test_only_admins_see_the_page(client, auth):
    assert client.get("/organizer/area-names").status_code in (302, 401)
    auth.login("organizer")
    assert client.get("/organizer/area-names").status_code == 403
    auth.logout()
    auth.login("admin")
    page = client.get("/organizer/area-names?lang=en").get_data(as_text=True)
    assert "Areas and feed names" in page
    assert "hasselby-vallingby" in page


def test_add_an_area_as_a_district(app, client, auth):
    auth.login("admin")
    response = post_form(
        client,
        "/organizer/area-names",
        {"slug": "kista", "name": "Rinkeby-Kista", "municipality": "Stockholm"},
    )
    assert response.status_code == 303
    assert _area(app, "kista")[1:] == ("Rinkeby-Kista", "Stockholm", [])
    page = client.get("/organizer/area-names?lang=en").get_data(as_text=True)
    assert "Rinkeby-Kista" in page
    assert "Stockholm" in page


def test_bad_input_says_why_and_stores_nothing(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    for data, message in [
        ({"slug": "Kista X", "name": "Kista"}, "lower-case"),
        ({"slug": "bromma", "name": "Bromma 2"}, "already an area with the address name “bromma”"),
        ({"slug": "b2", "name": "Ekerö"}, "The name Ekerö already means the area Ekerö"),
        ({"slug": "b3", "name": ""}, "Fill in this field."),
    ]:
        response = post_form(client, "/organizer/area-names", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    # A taken name is the name field's error, not the address name's.
    response = post_form(client, "/organizer/area-names", {"slug": "b4", "name": "ekerö"})
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in re.search(r'<input[^>]* id="name"[^>]*>', page).group(0)
    assert "aria-invalid" not in re.search(r'<input[^>]* id="slug"[^>]*>', page).group(0)
    with app.app_context():
        assert len(db.session.scalars(select(Area)).all()) == 3


def test_rename_district_and_aliases_rematch_the_stored_events(app, client, auth):
    auth.login("admin")
    # The whole municipality, so that its events are stored (events outside every area are not).
    city = {"slug": "stockholm", "name": "Stockholm", "municipality": ""}
    assert post_form(client, "/organizer/area-names", city).status_code == 303
    with app.app_context():
        data = json.dumps(json.loads(REAL.read_text(encoding="utf-8"))).encode()
        import_crime_data(db.session, data, "real.json", "events")
        db.session.commit()
    area_id = _area(app, "bromma")[0]
    base = f"/organizer/area-names/{area_id}"
    assert client.get(base).status_code == 200
    for path, data in [
        ("district", {"municipality": "Stockholm"}),
        ("aliases", {"alias": "Beckomberga"}),
        ("rename", {"name": "Bromma stadsdel"}),
    ]:
        assert post_form(client, f"{base}/{path}", data, token_from=base).status_code == 303
    assert _area(app, "bromma")[1:] == ("Bromma stadsdel", "Stockholm", ["Beckomberga"])
    with app.app_context():
        # "Lägenhetsinbrott i Beckomberga" now counts for Bromma, matched by text.
        rows = db.session.execute(
            select(CrimeCount.category, CrimeCount.count, CrimeCount.by_text).where(
                CrimeCount.area_id == area_id
            )
        ).all()
        assert [tuple(row) for row in rows] == [("Inbrott", 1, True)]
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("area.%"))
        ).all()
        assert sorted(actions) == ["area.alias", "area.create", "area.municipality", "area.rename"]
    # An alias another area has is refused, on the page, with nothing changed.
    client.get("/?lang=en")
    response = post_form(client, f"{base}/aliases", {"alias": "Ekerö"}, token_from=base)
    assert response.status_code == 422
    assert "already means the area Ekerö" in response.get_data(as_text=True)
    # Removing the alias takes the event away again.
    with app.app_context():
        alias_id = db.session.get(Area, area_id).aliases[0].id
    remove = f"{base}/aliases/{alias_id}/remove"
    assert post_form(client, remove, {}, token_from=base).status_code == 303
    assert _area(app, "bromma")[3] == []
    with app.app_context():
        assert (
            db.session.scalars(select(CrimeCount).where(CrimeCount.area_id == area_id)).all() == []
        )


def test_a_district_never_takes_its_municipality_or_a_county_as_alias(app, client, auth):
    # Since February 2026 every event's location is its county: "Stockholms län" as an alias
    # counted every event of the county for one district.
    auth.login("admin")
    client.get("/?lang=sv")
    area_id = _area(app, "bromma")[0]
    base = f"/organizer/area-names/{area_id}"
    district = {"municipality": "Stockholm"}
    assert post_form(client, f"{base}/district", district, token_from=base).status_code == 303
    for alias, message in [
        (
            "Stockholms län",
            "Stockholms län är ett län: alla polisens händelser där skulle räknas för Bromma.",
        ),
        (
            "stockholm",
            "Bromma är en stadsdel i stockholm: med det namnet skulle alla polisens händelser i"
            " stockholm räknas för den.",
        ),
    ]:
        response = post_form(client, f"{base}/aliases", {"alias": alias}, token_from=base)
        assert response.status_code == 422, alias
        assert message in response.get_data(as_text=True), alias
    assert _area(app, "bromma")[3] == []
    accepted = post_form(client, f"{base}/aliases", {"alias": "Beckomberga"}, token_from=base)
    assert accepted.status_code == 303


def test_an_alias_of_the_areas_own_name_or_another_areas_name_is_refused(app, client, auth):
    auth.login("admin")
    client.get("/?lang=sv")
    area_id = _area(app, "ekero")[0]
    base = f"/organizer/area-names/{area_id}"
    for alias, message in [
        ("Ekerö", "Ekerö svarar redan på Ekerö (sitt eget namn eller adressnamn)"),
        ("ekero", "Ekerö svarar redan på ekero (sitt eget namn eller adressnamn)"),
        ("Bromma", "Namnet Bromma betyder redan området Bromma."),
        ("hasselby-vallingby", "betyder redan området Hässelby-Vällingby."),
    ]:
        response = post_form(client, f"{base}/aliases", {"alias": alias}, token_from=base)
        assert response.status_code == 422, alias
        assert message in response.get_data(as_text=True), alias
    # Another area's alias too.
    vallingby = f"/organizer/area-names/{_area(app, 'hasselby-vallingby')[0]}"
    added = post_form(client, f"{vallingby}/aliases", {"alias": "Råcksta"}, token_from=vallingby)
    assert added.status_code == 303
    response = post_form(client, f"{base}/aliases", {"alias": "RÅCKSTA"}, token_from=base)
    assert response.status_code == 422
    assert "Namnet RÅCKSTA betyder redan området Hässelby-Vällingby." in response.get_data(
        as_text=True
    )
    assert _area(app, "ekero")[3] == []


def test_an_unknown_area_or_alias_is_not_found(client, auth):
    auth.login("admin")
    assert client.get("/organizer/area-names/99999").status_code == 404
    response = post_form(
        client,
        "/organizer/area-names/99999/rename",
        {"name": "X"},
        token_from="/organizer/area-names",
    )
    assert response.status_code == 404


def test_a_district_is_part_of_a_municipality_not_a_county_or_itself(app, client, auth):
    # The feed's location.name is the county since February 2026: "a district of Stockholms
    # län" matched only the county's own summaries, and the district's events in Stockholm
    # were missed without a word.
    auth.login("admin")
    client.get("/?lang=sv")
    area_id = _area(app, "ekero")[0]
    base = f"/organizer/area-names/{area_id}"
    county = "Stockholms län är ett län: skriv kommunen som stadsdelen ligger i"
    itself = "Ett område kan inte vara en stadsdel av sig självt"
    for name, message in [("Stockholms län", county), ("ekerö", itself)]:
        data = {"municipality": name}
        response = post_form(client, f"{base}/district", data, token_from=base)
        assert response.status_code == 422, name
        assert message in response.get_data(as_text=True), name
    data = {"slug": "spanga", "name": "Spånga", "municipality": "Stockholms län"}
    response = post_form(client, "/organizer/area-names", data)
    assert response.status_code == 422
    assert county in response.get_data(as_text=True)
    assert _area(app, "ekero")[2] is None
    assert _area(app, "spanga") is None
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("area.%"))) is None


def test_a_district_cannot_be_renamed_to_its_municipality(app, client, auth):
    # Spånga, a district of Stockholm, renamed "Stockholm": a district of itself, which the
    # district form refuses, came in by the rename.
    auth.login("admin")
    client.get("/?lang=en")
    data = {"slug": "spanga", "name": "Spånga", "municipality": "Stockholm"}
    assert post_form(client, "/organizer/area-names", data).status_code == 303
    base = f"/organizer/area-names/{_area(app, 'spanga')[0]}"
    response = post_form(client, f"{base}/rename", {"name": "stockholm"}, token_from=base)
    assert response.status_code == 422
    assert "cannot have the name of the municipality it is a district of" in (
        response.get_data(as_text=True)
    )
    assert _area(app, "spanga")[1:3] == ("Spånga", "Stockholm")
    response = post_form(client, f"{base}/rename", {"name": "Spånga C"}, token_from=base)
    assert response.status_code == 303
    assert _area(app, "spanga")[1:3] == ("Spånga C", "Stockholm")


def test_a_county_is_no_area_name(app, client, auth):
    # An area added or renamed "Stockholms län" took every police event placed in the county.
    auth.login("admin")
    client.get("/?lang=sv")
    message = "Stockholms län är ett län: som namn på ett område"
    data = {"slug": "stockholms-lan", "name": "Stockholms län"}
    response = post_form(client, "/organizer/area-names", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _area(app, "stockholms-lan") is None
    base = f"/organizer/area-names/{_area(app, 'ekero')[0]}"
    response = post_form(client, f"{base}/rename", {"name": "Stockholms län"}, token_from=base)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _area(app, "ekero")[1] == "Ekerö"

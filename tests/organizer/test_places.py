"""Admin: places can be added, renamed, retired and imported; history is kept."""

import io

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Place
from tests.common.web import VALID_ANSWER, post_form, submit


def _place(app, slug):
    with app.app_context():
        return db.session.scalar(select(Place).where(Place.slug == slug))


def _count(app):
    with app.app_context():
        return len(db.session.scalars(select(Place)).all())


def _bromma_id(app):
    with app.app_context():
        return _place(app, "alvik").area_id


def test_add_a_place(app, client, auth):
    auth.login("admin")
    response = post_form(
        client,
        "/organizer/places",
        {"area": _bromma_id(app), "slug": "ulvsunda", "name": "Ulvsunda"},
    )
    assert response.status_code == 303
    assert _place(app, "ulvsunda").name == "Ulvsunda"
    assert client.get("/s/ulvsunda").status_code == 200


def test_bad_place_input_stores_nothing(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    before = _count(app)
    for data, message in [
        ({"area": _bromma_id(app), "slug": "Ulv Sunda", "name": "Ulvsunda"}, "lower-case"),
        ({"area": _bromma_id(app), "slug": "alvik", "name": "Alvik 2"}, "already a place"),
        ({"area": 99999, "slug": "x", "name": "X"}, "Choose one of the options"),
        ({"area": _bromma_id(app), "slug": "ok-slug", "name": ""}, "Fill in this field."),
        # Two alike could not be told apart in any list residents pick from.
        (
            {"area": _bromma_id(app), "slug": "brommaplan-2", "name": "brommaplan "},
            "The area already has a place called Brommaplan.",
        ),
    ]:
        response = post_form(client, "/organizer/places", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert _count(app) == before


def test_rename_keeps_the_address(app, client, auth):
    auth.login("admin")
    place = _place(app, "alvik")
    client.get("/?lang=en")
    taken = post_form(client, f"/organizer/places/{place.id}/edit", {"name": "Brommaplan"})
    assert taken.status_code == 422
    assert "The area already has a place called Brommaplan." in taken.get_data(as_text=True)
    assert _place(app, "alvik").name == "Alvik"
    response = post_form(client, f"/organizer/places/{place.id}/edit", {"name": "Alviks torg"})
    assert response.status_code == 303
    assert _place(app, "alvik").name == "Alviks torg"
    assert "Alviks torg" in client.get("/s/alvik").get_data(as_text=True)


def test_retire_keeps_history_and_can_be_undone(app, client, auth):
    submit(client, "nockeby", VALID_ANSWER)
    auth.login("admin")
    place = _place(app, "nockeby")
    post_form(client, f"/organizer/places/{place.id}/retire", {}, token_from="/organizer/places")
    assert _place(app, "nockeby").retired is True
    assert client.get("/s/nockeby").status_code == 410
    listing = client.get("/organizer/places").get_data(as_text=True)
    assert 'href="/qr/nockeby"' not in listing  # no poster for a retired place
    assert 'href="/qr/alvik"' in listing
    from tests.common.web import count_responses

    assert count_responses(app) == 1
    post_form(client, f"/organizer/places/{place.id}/retire", {}, token_from="/organizer/places")
    assert _place(app, "nockeby").retired is False


def _upload(client, content: bytes):
    from tests.common.web import csrf_token

    token = csrf_token(client, "/organizer/places")
    return client.post(
        "/organizer/places/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "places.csv")},
        content_type="multipart/form-data",
    )


def test_import_adds_and_renames(app, client, auth):
    auth.login("admin")
    csv_bytes = "\ufeffarea,slug,name\nbromma,ulvsunda,Ulvsunda\nekero,alvik,X\n".encode()
    client.get("/?lang=en")
    response = _upload(client, csv_bytes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "line 3, column area: “alvik” already belongs to another area" in page
    assert _place(app, "ulvsunda") is None

    csv_bytes = b"area,slug,name\nbromma,ulvsunda,Ulvsunda\nbromma,alvik,Alvik C\n"
    assert _upload(client, csv_bytes).status_code == 303
    assert _place(app, "ulvsunda").name == "Ulvsunda"
    assert _place(app, "alvik").name == "Alvik C"
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.startswith("place."))
        ).all()
    assert sorted(actions) == ["place.create", "place.rename"]


def test_import_lists_every_error_with_its_line(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    before = _count(app)
    content = (
        b"area,slug,name\nmars,ok,Ok\nbromma,Bad Slug,X\nbromma,new-one,\n"
        b"bromma,new-two,Brommaplan\nbromma,alvik,Ulvsunda\nbromma,new-three,Ulvsunda\n"
        b"bromma,brommaplan,Brommaplan C\nbromma,new-four,Brommaplan\nbromma,ok,Okay\n"
    )
    page = _upload(client, content).get_data(as_text=True)
    assert "line 2, column area: unknown area “mars”" in page
    assert "line 10, column slug: “ok” appears twice" in page
    # A name the area has, or one the file gives twice; a name the file frees is free.
    assert "line 5, column name: another place of the area is called Brommaplan" not in page
    assert "line 7, column name: another place of the area is called Ulvsunda" in page
    assert "line 9, column name: another place of the area is called Brommaplan" in page
    # Two places swap names: free once the file is in, whatever the order of its lines.
    swapped = b"area,slug,name\nbromma,alvik,Brommaplan\nbromma,brommaplan,Alvik\n"
    assert _upload(client, swapped).status_code == 303
    assert (_place(app, "alvik").name, _place(app, "brommaplan").name) == ("Brommaplan", "Alvik")
    assert "line 3, column slug:" in page
    assert "line 4, column name:" in page
    for content, message in [
        (b"", "The file is empty."),
        (b"slug,name\n", "line 1: the column area is missing"),
        # 0x81 is a byte neither UTF-8 nor Windows-1252 reads.
        (b"area,slug,name\nbromma,akeshov2,\x81keshov\n", "line 2: the file is neither UTF-8"),
    ]:
        page = _upload(client, content).get_data(as_text=True)
        assert message in page
    assert _count(app) == before


def test_import_reads_semicolons_and_windows_1252_as_swedish_excel_saves_them(app, client, auth):
    auth.login("admin")
    for content in (
        "area;slug;name\r\nbromma;akeshov;Åkeshov slott\r\n".encode("cp1252"),
        "\ufeffarea;slug;name\nbromma;ulvsunda;Ulvsunda “Industriområdet”\n".encode(),
    ):
        response = _upload(client, content)
        assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    assert _place(app, "akeshov").name == "Åkeshov slott"
    assert _place(app, "ulvsunda").name == "Ulvsunda “Industriområdet”"


def test_a_header_that_cannot_be_used_names_the_real_problem_and_changes_nothing(app, client, auth):
    auth.login("admin")
    client.get("/?lang=sv")
    before = _count(app)
    for content, messages in [
        (
            b"area|slug|name\nbromma|ulvsunda|Ulvsunda\n",
            ["rad 1: kolumnerna area, slug, name ska skiljas åt med komma eller semikolon"],
        ),
        (
            "område;slug;namn\nbromma;ulvsunda;Ulvsunda\n".encode("cp1252"),
            [
                "rad 1: okänd kolumn ”område”; kolumnerna är area, slug, name",
                "rad 1: okänd kolumn ”namn”; kolumnerna är area, slug, name",
                "rad 1: kolumnen area saknas",
                "rad 1: kolumnen name saknas",
            ],
        ),
        (b"area;slug;slug\n", ["rad 1: kolumnen slug finns två gånger"]),
        (
            b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml",
            ["filen är ett ZIP-arkiv eller en Excel-arbetsbok, inte text"],
        ),
    ]:
        response = _upload(client, content)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        for message in messages:
            assert message in page, (message, content)
        assert "kolumnerna måste vara" not in page
    assert _count(app) == before


def test_the_import_counts_places_in_the_singular_and_plural(app, client, auth):
    auth.login("admin")
    for lang, content, said in [
        ("sv", b"area,slug,name\nbromma,ulvsunda,Ulvsunda\n", "1 plats tillagd, 0 nya namn."),
        (
            "sv",
            b"area,slug,name\nbromma,riksby-gard,Riksby g\xc3\xa5rd\nbromma,riksby,Riksby\n"
            b"bromma,ulvsunda,Ulvsunda industriomr\xc3\xa5de\n",
            "2 platser tillagda, 1 nytt namn.",
        ),
        (
            "en",
            b"area,slug,name\nbromma,ulvsunda,Ulvsunda\nbromma,smedslatten,Smedslatten\n",
            "1 place added, 1 renamed.",
        ),
    ]:
        client.get(f"/?lang={lang}")
        response = _upload(client, content)
        assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
        assert said in client.get("/organizer/places").get_data(as_text=True)

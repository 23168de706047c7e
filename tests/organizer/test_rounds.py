"""Survey rounds: create, edit, refuse overlaps, delete only without answers."""

import datetime as dt

from sqlalchemy import select

from survey.extensions import db
from survey.models import Area, SurveyRound
from tests.common.web import VALID_ANSWER, local_today, post_form, submit


def _rounds(app):
    with app.app_context():
        return {r.name: r for r in db.session.scalars(select(SurveyRound))}


def _area_ids(app, *slugs):
    with app.app_context():
        return [db.session.scalar(select(Area.id).where(Area.slug == s)) for s in slugs]


def _close_default(app):
    with app.app_context():
        for r in db.session.scalars(select(SurveyRound)):
            r.opens_on = dt.date(2025, 1, 1)
            r.closes_on = dt.date(2025, 12, 31)
        db.session.commit()


def test_create_a_round(app, client, auth):
    _close_default(app)
    auth.login("organizer")
    response = post_form(
        client,
        "/organizer/rounds/new",
        {
            "name": "Hösten 2026",
            "areas": _area_ids(app, "bromma", "ekero"),
            "opens_on": "2026-09-01",
            "closes_on": "2026-12-31",
        },
    )
    assert response.status_code == 303
    created = _rounds(app)["Hösten 2026"]
    assert created.opens_on == dt.date(2026, 9, 1)
    page = client.get("/organizer/rounds").get_data(as_text=True)
    assert "Hösten 2026" in page


def test_overlapping_rounds_in_one_area_are_refused(app, client, auth):
    auth.login("organizer")
    client.get("/?lang=en")
    response = post_form(
        client,
        "/organizer/rounds/new",
        {
            "name": "Dubbel",
            "areas": _area_ids(app, "bromma"),
            "opens_on": "2026-01-01",
            "closes_on": "",
        },
    )
    assert response.status_code == 422
    assert (
        "overlap the round Löpande trygghetsmätning in one of the same areas: give that round"
        " a last day first, or take the area out of it." in response.get_data(as_text=True)
    )
    assert "Dubbel" not in _rounds(app)


def test_bad_round_input(app, client, auth):
    auth.login("organizer")
    client.get("/?lang=en")
    for data, message in [
        (
            {"name": "", "areas": _area_ids(app, "bromma"), "opens_on": "2030-01-01"},
            "Fill in this field.",
        ),
        ({"name": "X", "opens_on": "2030-01-01"}, "Choose at least one area."),
        (
            {"name": "X", "areas": _area_ids(app, "bromma"), "opens_on": "2030-13-01"},
            "Enter a date as YYYY-MM-DD",
        ),
        (
            {
                "name": "X",
                "areas": _area_ids(app, "bromma"),
                "opens_on": "2030-05-01",
                "closes_on": "2030-04-01",
            },
            "The last day cannot be before the opening day.",
        ),
        ({"name": "X", "areas": [99999], "opens_on": "2030-05-01"}, "Choose one of the options"),
    ]:
        response = post_form(client, "/organizer/rounds/new", data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), message
    assert set(_rounds(app)) == {"Löpande trygghetsmätning"}


def test_edit_a_round_and_close_it(app, client, auth):
    auth.login("organizer")
    default = _rounds(app)["Löpande trygghetsmätning"]
    yesterday = local_today() - dt.timedelta(days=1)
    response = post_form(
        client,
        f"/organizer/rounds/{default.id}/edit",
        {
            "name": default.name,
            "areas": _area_ids(app, "bromma", "ekero", "hasselby-vallingby"),
            "opens_on": (yesterday - dt.timedelta(days=10)).isoformat(),
            "closes_on": yesterday.isoformat(),
        },
    )
    assert response.status_code == 303
    assert "stängd" in client.get("/s/alvik").get_data(as_text=True)


def test_a_round_with_answers_cannot_be_deleted(app, client, auth):
    submit(client, "alvik", VALID_ANSWER)
    auth.login("organizer")
    default = _rounds(app)["Löpande trygghetsmätning"]
    assert client.get(f"/organizer/rounds/{default.id}/delete").status_code == 200
    post_form(client, f"/organizer/rounds/{default.id}/delete", {})
    assert "Löpande trygghetsmätning" in _rounds(app)


def test_a_round_keeps_the_areas_and_days_of_its_answers(app, client, auth):
    # An area left out, or dates moved past its answers, left them outside every round:
    # they could no longer be corrected, and the area compared with a round not its own.
    submit(client, "alvik", VALID_ANSWER)  # Bromma, today
    auth.login("organizer")
    client.get("/?lang=sv")
    default = _rounds(app)["Löpande trygghetsmätning"]
    today = local_today()
    every = {
        "name": default.name,
        "areas": _area_ids(app, "bromma", "ekero", "hasselby-vallingby"),
        "opens_on": (today - dt.timedelta(days=30)).isoformat(),
        "closes_on": "",
    }
    for change, message in [
        (
            {"areas": _area_ids(app, "ekero", "hasselby-vallingby")},
            "Omgången har 1 svar från Bromma: området måste vara kvar i omgången.",
        ),
        (
            {"opens_on": (today + dt.timedelta(days=1)).isoformat()},
            f"Omgången har svar från {today} till {today}: datumen måste täcka dem.",
        ),
        (
            {"closes_on": (today - dt.timedelta(days=1)).isoformat()},
            f"Omgången har svar från {today} till {today}: datumen måste täcka dem.",
        ),
    ]:
        response = post_form(client, f"/organizer/rounds/{default.id}/edit", every | change)
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change
    kept = _rounds(app)["Löpande trygghetsmätning"]
    assert (kept.opens_on, kept.closes_on) == (default.opens_on, None)  # nothing saved
    with app.app_context():
        assert len(db.session.get(SurveyRound, default.id).areas) == 3
    # Closing it after its last answer is fine.
    closed = post_form(
        client, f"/organizer/rounds/{default.id}/edit", every | {"closes_on": today.isoformat()}
    )
    assert closed.status_code == 303


def test_an_empty_round_can_be_deleted(app, client, auth):
    _close_default(app)
    auth.login("organizer")
    post_form(
        client,
        "/organizer/rounds/new",
        {
            "name": "Tom",
            "areas": _area_ids(app, "ekero"),
            "opens_on": "2031-01-01",
        },
    )
    empty = _rounds(app)["Tom"]
    response = post_form(client, f"/organizer/rounds/{empty.id}/delete", {})
    assert response.status_code == 303
    assert "Tom" not in _rounds(app)


def test_a_year_one_typo_is_refused(app, client, auth):
    auth.login("organizer")
    client.get("/?lang=en")
    response = post_form(
        client,
        "/organizer/rounds/new",
        {
            "name": "Typo",
            "areas": _area_ids(app, "bromma"),
            "opens_on": "0001-01-01",
        },
    )
    assert response.status_code == 422
    assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)
    assert "Typo" not in _rounds(app)


def test_a_blank_or_control_character_name_is_refused(app, client, auth):
    auth.login("organizer")
    client.get("/?lang=en")
    # A right-to-left override or isolate would turn the text after the name around on the
    # public follow-up page ("· Runda (shown above)").
    for name in ("   ", "Runda\x00", "Runda\u202e", "Runda \u2067hösten"):
        response = post_form(
            client,
            "/organizer/rounds/new",
            {
                "name": name,
                "areas": _area_ids(app, "bromma"),
                "opens_on": "2031-01-01",
            },
        )
        assert response.status_code == 422, name
        if name.strip():
            assert "The text contains characters that cannot be saved." in response.get_data(
                as_text=True
            )
    assert set(_rounds(app)) == {"Löpande trygghetsmätning"}


def test_a_round_says_where_residents_hand_in_paper_forms(app, client, auth):
    auth.login("organizer")
    client.get("/?lang=en")
    default = _rounds(app)["Löpande trygghetsmätning"]
    edit = f"/organizer/rounds/{default.id}/edit"
    fields = {
        "name": default.name,
        "areas": _area_ids(app, "bromma", "ekero", "hasselby-vallingby"),
        "opens_on": default.opens_on.isoformat(),
        "closes_on": "",
    }
    where = "Lägg enkäten i lådan vid\r\nbibliotekets entré."
    assert post_form(client, edit, {**fields, "paper_return": where}).status_code == 303
    stored = _rounds(app)[default.name].paper_return
    assert stored == "Lägg enkäten i lådan vid\nbibliotekets entré."  # one kind of line break
    page = client.get(edit).get_data(as_text=True)
    assert "Where residents hand in paper questionnaires" in page
    assert "bibliotekets entré." in page
    too_long = post_form(client, edit, {**fields, "paper_return": "x" * 301})
    assert too_long.status_code == 422
    assert "Write at most 300 characters." in too_long.get_data(as_text=True)
    assert _rounds(app)[default.name].paper_return == stored  # refused: nothing changed
    assert post_form(client, edit, {**fields, "paper_return": "  "}).status_code == 303
    assert _rounds(app)[default.name].paper_return is None

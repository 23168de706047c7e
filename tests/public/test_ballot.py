"""Ballot stuffing: one answer per place and round per browser, and the burst hold."""

from __future__ import annotations

from sqlalchemy import func, select

from analysis.survey import Filters
from survey.extensions import db
from survey.models import AuditEvent, Response
from survey.reports import pictures
from survey.web.limits import ANSWERED_COOKIE
from tests.common.web import (
    VALID_ANSWER,
    Auth,
    count_responses,
    forget_answers,
    post_form,
    submit,
)


def test_a_second_answer_from_the_same_browser_is_refused_kindly(app, client):
    assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    thanks = client.get("/s/alvik/tack")
    assert thanks.status_code == 200
    # Coming back to the survey, the browser is told at once, not after filling it in.
    back = client.get("/s/alvik")
    assert back.status_code == 200
    assert "Du har redan svarat" in back.get_data(as_text=True)
    assert 'name="safety_day"' not in back.get_data(as_text=True)
    again = submit(client, "alvik", VALID_ANSWER, same_browser=True)
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    # Swedish once the catalogue has the msgid ("Du har redan svarat ...").
    assert "Du har redan svarat" in text or "You have already answered" in text
    assert count_responses(app) == 1
    # Another place in the same round is still open to this browser.
    assert submit(client, "brommaplan", VALID_ANSWER, same_browser=True).status_code == 303
    assert count_responses(app) == 2


def test_the_next_person_at_a_shared_computer_can_answer_anyway(app, client):
    assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    assert submit(client, "brommaplan", VALID_ANSWER, same_browser=True).status_code == 303
    back = client.get("/s/alvik").get_data(as_text=True)
    assert 'action="/s/alvik/ny"' in back
    assert "personen före dig" in back
    # Without the session's CSRF token nothing changes.
    assert client.post("/s/alvik/ny").status_code == 400
    assert 'name="safety_day"' not in client.get("/s/alvik").get_data(as_text=True)
    anyway = post_form(client, "/s/alvik/ny", {}, token_from="/radera")
    assert anyway.status_code == 303
    assert anyway.headers["Location"].endswith("/s/alvik")
    # The survey is shown again, and this place's answer is taken; Brommaplan's mark stays.
    assert 'name="safety_day"' in client.get("/s/alvik").get_data(as_text=True)
    assert submit(client, "alvik", VALID_ANSWER, same_browser=True).status_code == 303
    assert submit(client, "brommaplan", VALID_ANSWER, same_browser=True).status_code == 409
    assert count_responses(app) == 3
    # The one before's receipt code is not shown to the next person.
    assert 'id="receipt-code"' in client.get("/s/alvik/tack").get_data(as_text=True)
    post_form(client, "/s/alvik/ny", {}, token_from="/radera")
    assert 'id="receipt-code"' not in client.get("/s/alvik/tack").get_data(as_text=True)
    assert post_form(client, "/s/nowhere/ny", {}, token_from="/radera").status_code == 404


def test_the_cookie_holds_only_signed_place_and_round(app, client):
    response = submit(client, "alvik", VALID_ANSWER)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if ANSWERED_COOKIE in c)
    assert "HttpOnly" in cookie
    assert "Path=/;" in cookie
    # A forged or tampered cookie counts for nothing: the answer is stored.
    client.set_cookie(ANSWERED_COOKIE, "W1sxLDFdXQ.forged", path="/s/")
    assert submit(client, "brommaplan", VALID_ANSWER, same_browser=True).status_code == 303
    assert count_responses(app) == 2


def _answered_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(ANSWERED_COOKIE)]


def test_a_cookie_under_the_old_path_is_removed_when_one_was_sent(app, client):
    first = _answered_cookies(submit(client, "alvik", VALID_ANSWER))
    # A first answer: no cookie came in, so there is none under the old path to remove.
    assert len(first) == 1
    assert "Path=/;" in first[0]
    forget_answers(client)
    legacy = first[0].split(";", 1)[0].split("=", 1)[1]
    client.set_cookie(ANSWERED_COOKIE, legacy, domain=app.config["SERVER_NAME"], path="/s/")
    # The old cookie still counts, and the next answer moves its list to the path "/".
    assert submit(client, "alvik", VALID_ANSWER, same_browser=True).status_code == 409
    moved = _answered_cookies(submit(client, "brommaplan", VALID_ANSWER, same_browser=True))
    assert len(moved) == 2
    assert "Path=/;" in moved[0]
    assert "Path=/s/" in moved[1]
    assert "Expires=Thu, 01 Jan 1970" in moved[1]


def _burst_app(make_app, answers=3):
    return make_app(
        RATELIMIT_ENABLED=True,
        SURVEY_RATE_LIMIT="100 per minute",
        TRYGGHET_BURST_ANSWERS=answers,
        TRYGGHET_BURST_MINUTES=10,
    )


def _held(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Response.held.is_(True))) or 0


def _picture_n(app) -> int:
    with app.app_context():
        picture = pictures.situation(db.session.connection(), "bromma", Filters(), 10)
        return picture["n"]


def test_normal_traffic_is_not_held(make_app):
    app = _burst_app(make_app)
    client = app.test_client()
    for slug in ("alvik", "alvik", "alvik", "brommaplan", "brommaplan"):
        assert submit(client, slug, VALID_ANSWER).status_code == 303
    assert _held(app) == 0
    assert _picture_n(app) == 5


def test_a_burst_is_held_from_the_picture_until_released(make_app, users):
    app = _burst_app(make_app)
    client = app.test_client()
    assert submit(client, "brommaplan", VALID_ANSWER).status_code == 303
    for _ in range(5):  # 5 answers to alvik: more than 3 within 10 minutes
        assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    assert count_responses(app) == 6
    assert _held(app) == 5  # the whole burst, the 3 before the limit included
    assert _picture_n(app) == 1

    organizer = app.test_client()
    Auth(organizer).login("organizer")
    dashboard = organizer.get("/organizer/areas/bromma").get_data(as_text=True)
    assert "/organizer/areas/bromma/held" in dashboard
    page = organizer.get("/organizer/areas/bromma/held").get_data(as_text=True)
    assert "Alvik" in page
    assert ">5<" in page
    with app.app_context():
        place_id = db.session.scalar(select(Response.place_id).where(Response.held.is_(True)))
        day = db.session.scalar(select(Response.submitted_on).where(Response.held.is_(True)))
    path = "/organizer/areas/bromma/held"
    form = {"place": place_id, "day": day.isoformat(), "action": "release"}
    assert post_form(organizer, path, form).status_code == 302
    assert _held(app) == 0
    assert _picture_n(app) == 6
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "response.release_held")
        )
        assert event.details["answers"] == 5


def test_a_discarded_burst_is_deleted_and_audited(make_app, users):
    app = _burst_app(make_app, answers=2)
    client = app.test_client()
    for _ in range(4):
        submit(client, "alvik", VALID_ANSWER | {"comment": "samma igen"})
    assert _held(app) == 4
    organizer = app.test_client()
    Auth(organizer).login("organizer")
    with app.app_context():
        place_id, day = db.session.execute(
            select(Response.place_id, Response.submitted_on).limit(1)
        ).one()
    form = {"place": place_id, "day": day.isoformat(), "action": "discard"}
    assert post_form(organizer, "/organizer/areas/bromma/held", form).status_code == 302
    assert count_responses(app) == 0
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "response.discard_held")
        )
        assert event.details == {"place": "alvik", "day": day.isoformat(), "answers": 4}


def test_bad_review_input_changes_nothing(make_app, users):
    app = _burst_app(make_app, answers=1)
    client = app.test_client()
    for _ in range(3):
        submit(client, "alvik", VALID_ANSWER)
    organizer = app.test_client()
    Auth(organizer).login("organizer")
    path = "/organizer/areas/bromma/held"
    bad = post_form(organizer, path, {"place": "x", "day": "nope", "action": "burn"})
    assert bad.status_code == 302
    assert _held(app) == 3
    other_area = post_form(
        organizer,
        "/organizer/areas/ekero/held",
        {"place": 1, "day": "2026-01-01", "action": "release"},
    )
    assert other_area.status_code in (302, 404)
    assert _held(app) == 3

"""A meeting: a room answering from one network gets the meeting's limit for a few hours."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey.extensions import db, limiter
from survey.models import AuditEvent, Response
from tests.common.web import VALID_ANSWER, Auth, count_responses, post_form, submit

HELD = "/organizer/areas/bromma/held"
MEETING = "/organizer/areas/bromma/meeting"


def _app(make_app, **overrides):
    return make_app(
        RATELIMIT_ENABLED=True,
        SURVEY_RATE_LIMIT="2 per minute",
        SURVEY_MEETING_RATE_LIMIT="4 per minute",
        **overrides,
    )


def _organizer(app):
    organizer = app.test_client()
    Auth(organizer).login("organizer")
    return organizer


def _actions(app) -> list[tuple[str, dict | None]]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("area.meeting%"))
            .order_by(AuditEvent.id)
        )
        return [(e.action, e.details) for e in events]


def test_a_meeting_lets_a_room_on_one_network_answer(make_app, users):
    app = _app(make_app)
    room = app.test_client()  # every resident in the room has the same address
    assert [submit(room, "alvik", VALID_ANSWER).status_code for _ in range(3)] == [303, 303, 429]

    organizer = _organizer(app)
    page = organizer.get(HELD).get_data(as_text=True)
    assert "Ett möte eller en trygghetsvandring" in page
    assert "Öppna för ett möte" in page
    opened = post_form(organizer, MEETING, {"hours": "2"}, token_from=HELD)
    assert opened.status_code == 302
    page = organizer.get(HELD).get_data(as_text=True)
    # Near midnight the end is on another day, and the page gives its date too.
    until = re.search(r"Öppet för möte till (?:\d{4}-\d\d-\d\d )?(\d\d:\d\d)\.", page)
    assert until, page
    ends = dt.datetime.now(ZoneInfo("Europe/Stockholm")) + dt.timedelta(hours=2)
    assert until.group(1) in {(ends - dt.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    assert "Avsluta mötet nu" in page

    # Bromma's places take the meeting's limit, from the same address; Ekerö's do not.
    statuses = [submit(room, slug, VALID_ANSWER).status_code for slug in ["alvik"] * 4]
    assert statuses == [303, 303, 303, 303]
    assert submit(room, "alvik", VALID_ANSWER).status_code == 429
    assert submit(room, "stenhamra", VALID_ANSWER).status_code == 429
    assert count_responses(app) == 6

    closed = post_form(organizer, MEETING, {"close": "1"}, token_from=HELD)
    assert closed.status_code == 302
    assert "Öppna för ett möte" in organizer.get(HELD).get_data(as_text=True)
    assert _actions(app) == [("area.meeting_opened", {"hours": 2}), ("area.meeting_closed", None)]


def test_closing_brings_the_ordinary_limit_back(make_app, users):
    app = _app(make_app)
    organizer = _organizer(app)
    post_form(organizer, MEETING, {"hours": "1"}, token_from=HELD)
    post_form(organizer, MEETING, {"close": "1"}, token_from=HELD)
    room = app.test_client()
    assert [submit(room, "alvik", VALID_ANSWER).status_code for _ in range(3)] == [303, 303, 429]


def test_a_burst_in_a_meeting_is_still_held_for_review(make_app, users):
    app = _app(make_app, TRYGGHET_BURST_ANSWERS=2)
    organizer = _organizer(app)
    post_form(organizer, MEETING, {"hours": "3"}, token_from=HELD)
    room = app.test_client()
    assert [submit(room, "alvik", VALID_ANSWER).status_code for _ in range(4)] == [303] * 4
    with app.app_context():
        held = db.session.scalars(select(Response.held)).all()
    assert held == [True] * 4


def test_bad_hours_change_nothing(make_app, users):
    app = _app(make_app)
    organizer = _organizer(app)
    for hours in ("5", "0", "x", ""):
        response = post_form(organizer, MEETING, {"hours": hours}, token_from=HELD)
        assert response.status_code == 302
        page = organizer.get(HELD).get_data(as_text=True)
        assert "Välj hur många timmar mötet pågår." in page
        assert "Öppet för möte till" not in page
    assert _actions(app) == []


def test_counters_that_do_not_answer_are_said_so(make_app, users, monkeypatch):
    app = _app(make_app)
    organizer = _organizer(app)

    def down(*args, **kwargs):
        raise ConnectionError("storage down")

    monkeypatch.setattr(limiter.storage, "incr", down)
    post_form(organizer, MEETING, {"hours": "2"}, token_from=HELD)
    page = organizer.get(HELD).get_data(as_text=True)
    assert "Mötet kunde inte öppnas: räknarna för svarsgränsen svarade inte." in page
    assert _actions(app) == []


def test_only_organizers_open_a_meeting(make_app, users):
    app = _app(make_app)
    stranger = app.test_client()
    response = post_form(stranger, MEETING, {"hours": "2"}, token_from="/s/alvik")
    assert response.status_code in (302, 401, 403)
    assert "/organizer/login" in response.headers.get("Location", "/organizer/login")
    assert _actions(app) == []


def test_with_limits_off_the_page_says_nothing_needs_opening(app, client, auth):
    auth.login("organizer")
    page = client.get(HELD).get_data(as_text=True)
    assert "behövs inget öppnas" in page
    assert "Öppna för ett möte" not in page

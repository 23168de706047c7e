"""Organizer sessions end on the server: logout, re-keying and the idle time."""

from __future__ import annotations

from survey.extensions import db
from survey.models import User
from survey.organizer.auth import sessions
from survey.services.accounts import accept_invite, set_active, set_role
from tests.common.web import Auth


def _copy_of(client, app):
    """A second browser holding a copy of this client's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session", domain="trygghet.test")
    thief.set_cookie("session", cookie.value, domain="trygghet.test")
    return thief


def test_a_cookie_copied_before_logout_no_longer_works(app, client, users):
    Auth(client).login("organizer")
    thief = _copy_of(client, app)
    assert thief.get("/organizer/").status_code == 200
    Auth(client).logout()
    assert client.get("/organizer/").status_code == 302
    assert thief.get("/organizer/").status_code == 302
    # Logging in again works as before.
    Auth(client).login("organizer")
    assert client.get("/organizer/").status_code == 200


def _ended_by(app, client, users, change) -> None:
    Auth(client).login("organizer")
    assert client.get("/organizer/").status_code == 200
    with app.app_context():
        user = db.session.get(User, users["organizer"])
        admin = db.session.get(User, users["admin"])
        change(user, admin)
        db.session.commit()
    assert client.get("/organizer/").status_code == 302


def test_a_role_change_ends_the_session(app, client, users):
    _ended_by(app, client, users, lambda u, a: set_role(db.session, u, "admin", actor=a))


def test_disabling_ends_the_session(app, client, users):
    _ended_by(app, client, users, lambda u, a: set_active(db.session, u, False, actor=a))


def test_a_new_password_ends_the_session(app, client, users):
    _ended_by(app, client, users, lambda u, a: accept_invite(db.session, u, "new-password-456"))


def test_an_idle_session_ends(make_app, users, monkeypatch):
    app = make_app(ORGANIZER_IDLE_MINUTES=1)
    client = app.test_client()
    clock = [1_000_000]
    monkeypatch.setattr(sessions, "_now", lambda: clock[0])
    Auth(client).login("organizer")
    clock[0] += 50
    assert client.get("/organizer/").status_code == 200
    clock[0] += 50  # 50 s since the last request: still in
    assert client.get("/organizer/").status_code == 200
    clock[0] += 61  # more than a minute without a request
    response = client.get("/organizer/")
    assert response.status_code == 302
    assert "/organizer/login" in response.headers["Location"]

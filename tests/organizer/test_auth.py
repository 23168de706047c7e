"""Logging in: passwords, roles, throttling of failed attempts, invitations, safe redirects."""

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, User
from tests.common.web import ACCOUNTS, post_form


def _login(client, email, password, next_=None):
    path = "/organizer/login" + (f"?next={next_}" if next_ else "")
    return post_form(client, path, {"email": email, "password": password})


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/organizer/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organizer/login?next=")


def test_login_and_logout(client, users):
    email, password = ACCOUNTS["organizer"]
    response = _login(client, email.upper(), password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/"
    page = client.get("/organizer/").get_data(as_text=True)
    assert email in page
    response = post_form(client, "/organizer/logout", {}, token_from="/organizer/")
    assert response.status_code == 302
    assert client.get("/organizer/").status_code == 302


def test_an_address_with_a_nul_is_a_message_not_a_database_error(client, users):
    # PostgreSQL cannot compare a text holding NUL: the lookup was a 500 there.
    _email, password = ACCOUNTS["organizer"]
    response = _login(client, "\x00", password)
    assert response.status_code in (401, 422)
    assert "Texten innehåller tecken som inte kan sparas." in response.get_data(as_text=True)
    assert client.get("/organizer/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, users):
    response = _login(client, ACCOUNTS["admin"][0], "wrong-password-123")
    assert response.status_code == 401
    assert "Fel e-postadress eller lösenord" in response.get_data(as_text=True)
    assert client.get("/organizer/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, users):
    _login(client, *ACCOUNTS["organizer"])
    cookie = client.get_cookie("session", domain="trygghet.test")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_session_cookie_is_secure_behind_https(make_app, users):
    app = make_app(TRYGGHET_BASE_URL="https://trygghet.example.se")
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "\\\\evil"])
def test_next_never_leaves_the_site(client, users, target):
    response = _login(client, *ACCOUNTS["organizer"], next_=target)
    assert response.headers["Location"] == "/organizer/"


def test_next_may_be_a_local_path(client, users):
    response = _login(client, *ACCOUNTS["organizer"], next_="/organizer/")
    assert response.headers["Location"] == "/organizer/"


def test_disabled_accounts_cannot_log_in_and_lose_their_session(app, client, users):
    email, password = ACCOUNTS["organizer"]
    _login(client, email, password)
    with app.app_context():
        db.session.get(User, users["organizer"]).active = False
        db.session.commit()
    assert client.get("/organizer/").status_code == 302
    assert _login(client, email, password).status_code == 401


def test_an_outsider_cannot_lock_a_real_user_out(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True)
    email, password = ACCOUNTS["organizer"]
    outsider = app.test_client()
    outsider.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    replies = [_login(outsider, email, "wrong-password-123").status_code for _ in range(19)]
    # Five failures per account from one client, then 429 (even for the right password).
    assert replies[:5] == [401] * 5
    assert set(replies[5:]) == {429}
    response = _login(outsider, email, password)
    assert response.status_code == 429
    assert "inloggningsförsök" in response.get_data(as_text=True)
    # The real user, from another address, logs in as usual.
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    assert _login(owner, email, password).status_code == 302
    assert owner.get("/organizer/").status_code == 200


def test_failures_on_one_account_from_many_clients_each_count_per_client(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True)
    email, password = ACCOUNTS["organizer"]
    for i in range(10):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{i}"
        assert _login(client, email, "wrong-password-123").status_code == 401
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.99"
    assert _login(client, email, password).status_code == 302


def test_ten_failed_logins_from_one_client_are_throttled(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    for i in range(10):
        assert _login(client, f"nobody{i}@trygghet.test", "wrong-password-123").status_code == 401
    assert _login(client, *ACCOUNTS["admin"]).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    for _ in range(12):
        assert _login(client, *ACCOUNTS["organizer"]).status_code == 302


def test_invitation_sets_a_password_once(app, client, users):
    from survey.services.accounts import invite

    with app.app_context():
        token = invite(db.session, "new@trygghet.test", "organizer")
        db.session.commit()
    path = f"/organizer/invite/{token}"
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "minst 10 tecken" in response.get_data(as_text=True)
    response = post_form(
        client, path, {"password": "a-long-password", "confirm": "a-long-password"}
    )
    assert response.status_code == 302
    assert client.get("/organizer/").status_code == 200
    again = app.test_client().get(path + "?lang=en")
    assert again.status_code == 404
    # Not "no such page": the new organizer who opens the link twice is told what to do.
    text = again.get_data(as_text=True)
    assert "The invitation link does not work" in text
    assert "has already been used, is more than 7 days old" in text
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["user.create", "user.accept_invite"]


def test_unknown_invitation_is_404(client):
    response = client.get("/organizer/invite/not-a-token")
    assert response.status_code == 404
    assert "Inbjudningslänken fungerar inte" in response.get_data(as_text=True)

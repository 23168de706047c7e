"""Forgot password: a one-time link by e-mail through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, User
from survey.models.accounts import utcnow
from survey.services import accounts, mail
from tests.common.smtp import BASE_URL, SENDER, smtp_server  # noqa: F401 (fixture)
from tests.common.web import ACCOUNTS, Auth, post_form, tampered

FORGOT = "/organizer/forgot-password?lang=en"
LINK = re.compile(re.escape(BASE_URL) + r"(/organizer/reset/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def mail_app(make_app, smtp_server, users):  # noqa: F811
    return make_app(**smtp_server.settings)


def _ask(client, email):
    # Buffered: the test client then closes the response, as a server does once it has sent
    # it, which is when the mail goes out.
    return post_form(client, FORGOT, {"email": email}, buffered=True)


def _link_in(received) -> str:
    match = LINK.search(received.body)
    assert match, received.body
    return match.group(1)


def _ask_for_link(client, smtp_server, email=ACCOUNTS["organizer"][0]) -> str:  # noqa: F811
    assert _ask(client, email).status_code == 302
    (received,) = smtp_server.wait_for(1)
    return _link_in(received)


def _choose(client, path, password="a-brand-new-password"):  # noqa: S107
    # The CSRF token from the login page: a dead link's page has no form to take it from.
    data = {"password": password, "confirm": password}
    return post_form(client, path, data, token_from="/organizer/login")


def _login(client, email, password):
    return post_form(client, "/organizer/login", {"email": email, "password": password})


def test_the_login_page_links_to_the_reset_page(client):
    page = client.get("/organizer/login").get_data(as_text=True)
    assert 'href="/organizer/forgot-password"' in page
    assert "Glömt lösenordet?" in page or "Forgot your password?" in page


def test_a_link_by_mail_sets_a_new_password_once(mail_app, smtp_server):  # noqa: F811
    email, old_password = ACCOUNTS["organizer"]
    client = mail_app.test_client()
    response = _ask(client, email.upper())
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/forgot-password/sent"
    (received,) = smtp_server.wait_for(1)
    assert received.rcpt_tos == [email]
    assert received.message["From"] == SENDER
    assert "60" in received.body
    path = _link_in(received)

    assert client.get(path + "?lang=en").status_code == 200
    response = _choose(client, path, "short")
    assert response.status_code == 422
    response = _choose(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/"
    assert client.get("/organizer/").status_code == 200  # logged in

    # Once only: the same link no longer works, in any browser.
    again = mail_app.test_client().get(path + "?lang=en")
    assert again.status_code == 404
    assert "The link does not work" in again.get_data(as_text=True)
    assert _choose(mail_app.test_client(), path, "yet-another-password").status_code == 404

    other = mail_app.test_client()
    assert _login(other, email, old_password).status_code == 401
    assert _login(other, email, "a-brand-new-password").status_code == 302
    with mail_app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.actor, event.details) == (
            "user.reset_password",
            email,
            None,
        )
        token = path.rsplit("/", 1)[1]
        rows = db.session.scalars(select(AuditEvent)).all()
        assert not any(token in repr(r.details) for r in rows)


def test_a_reset_ends_every_other_session(mail_app, smtp_server):  # noqa: F811
    elsewhere = mail_app.test_client()
    Auth(elsewhere).login("organizer")
    assert elsewhere.get("/organizer/").status_code == 200
    client = mail_app.test_client()
    path = _ask_for_link(client, smtp_server)
    assert _choose(client, path).status_code == 302
    assert elsewhere.get("/organizer/").status_code == 302
    assert client.get("/organizer/").status_code == 200


@pytest.mark.parametrize(("minutes", "works"), [(59, True), (61, False)])
def test_a_link_works_for_60_minutes(mail_app, smtp_server, monkeypatch, minutes, works):  # noqa: F811
    client = mail_app.test_client()
    path = _ask_for_link(client, smtp_server)
    later = utcnow() + dt.timedelta(minutes=minutes)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    assert client.get(path).status_code == (200 if works else 404)
    assert _choose(client, path).status_code == (302 if works else 404)


def test_a_link_stops_working_when_the_password_changes(mail_app, smtp_server, users):  # noqa: F811
    client = mail_app.test_client()
    path = _ask_for_link(client, smtp_server)
    with mail_app.app_context():
        user = db.session.get(User, users["organizer"])
        user.password_hash = accounts.hash_password("changed-some-other-way")
        db.session.commit()
    assert client.get(path).status_code == 404


def test_a_link_stops_working_after_a_logout_everywhere(mail_app, smtp_server):  # noqa: F811
    client = mail_app.test_client()
    path = _ask_for_link(client, smtp_server)
    Auth(client).login("organizer")
    Auth(client).logout()  # raises the session version
    assert client.get(path).status_code == 404


def test_a_second_link_and_a_forged_one_do_not_work_after_a_reset(mail_app, smtp_server):  # noqa: F811
    client = mail_app.test_client()
    email = ACCOUNTS["organizer"][0]
    for _ in range(2):
        assert _ask(client, email).status_code == 302
    first, second = (_link_in(r) for r in smtp_server.wait_for(2))
    assert client.get(tampered(second)).status_code == 404  # forged from a link that works
    assert _choose(client, second).status_code == 302
    assert client.get(first).status_code == 404
    assert client.get("/organizer/reset/not-a-token").status_code == 404


def test_an_unknown_address_gets_the_same_answer_and_no_mail(mail_app, smtp_server, users):  # noqa: F811
    with mail_app.app_context():
        db.session.get(User, users["admin"]).active = False
        db.session.commit()
    client = mail_app.test_client()
    answers = []
    for email in ("nobody@trygghet.test", ACCOUNTS["admin"][0], ACCOUNTS["organizer"][0]):
        response = _ask(client, email)
        page = client.get(response.headers["Location"] + "?lang=en")
        answers.append((response.status_code, response.headers["Location"], page.data))
    assert answers[0] == answers[1] == answers[2]
    assert b"If the address belongs to an account" in answers[0][2]
    assert mail.wait_for_background()
    # Only the active account got a link: not the unknown address, not the disabled one.
    assert [r.rcpt_tos for r in smtp_server.wait_for(1)] == [[ACCOUNTS["organizer"][0]]]


def test_the_answer_does_not_wait_for_the_mail_server(mail_app, smtp_server, monkeypatch):  # noqa: F811
    release = threading.Event()
    handle = smtp_server.handle_DATA

    async def slow(server, session, envelope):
        release.wait(5)  # holds the server (and the sending thread) until released
        return await handle(server, session, envelope)

    monkeypatch.setattr(smtp_server, "handle_DATA", slow)
    client = mail_app.test_client()
    assert _ask(client, ACCOUNTS["organizer"][0]).status_code == 302
    assert smtp_server.received == []  # answered while the server still holds the mail
    release.set()
    assert len(smtp_server.wait_for(1)) == 1


def test_a_failed_send_shows_the_same_page_and_logs_no_local_part(mail_app, smtp_server, caplog):  # noqa: F811
    smtp_server.refuse_recipients = "550 5.1.1 mailbox unavailable"
    client = mail_app.test_client()
    with caplog.at_level(logging.INFO, logger=mail.log.name):
        response = _ask(client, ACCOUNTS["organizer"][0])
        assert mail.wait_for_background()
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/forgot-password/sent"
    lines = [r.getMessage() for r in caplog.records if r.name == mail.log.name]
    assert len(lines) == 1
    assert "…@trygghet.test" in lines[0]
    assert "organizer" not in lines[0]


def test_without_mail_settings_the_page_says_to_ask_an_admin(client, users):
    page = client.get(FORGOT)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ask an admin" in text
    assert 'name="email"' not in text
    email = ACCOUNTS["organizer"][0]
    response = post_form(client, FORGOT, {"email": email}, token_from="/organizer/login")
    assert response.status_code == 200
    assert "Ask an admin" in response.get_data(as_text=True)


def test_an_address_that_is_not_one_is_refused(mail_app, smtp_server):  # noqa: F811
    response = _ask(mail_app.test_client(), "")
    assert response.status_code == 422
    assert mail.wait_for_background()
    assert smtp_server.received == []


def test_requests_are_limited_per_client(make_app, smtp_server, users):  # noqa: F811
    app = make_app(RATELIMIT_ENABLED=True, **smtp_server.settings)
    client = app.test_client()
    replies = [_ask(client, f"nobody{i}@trygghet.test").status_code for i in range(6)]
    assert replies == [302] * 5 + [429]
    page = _ask(client, "x@trygghet.test")
    assert page.status_code == 429
    assert "Too many requests for a new password" in page.get_data(as_text=True)


def test_requests_are_limited_per_address(make_app, smtp_server, users):  # noqa: F811
    app = make_app(RATELIMIT_ENABLED=True, **smtp_server.settings)
    replies = []
    for i in range(4):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{i}"
        replies.append(_ask(client, ACCOUNTS["organizer"][0]).status_code)
    assert replies == [302] * 3 + [429]
    assert len(smtp_server.wait_for(3)) == 3
    # Another address from the same clients is not held up.
    assert _ask(client, ACCOUNTS["admin"][0]).status_code == 302


def test_an_admin_prints_a_reset_link_with_the_cli(cli, client, users):
    email = ACCOUNTS["organizer"][0]
    result = cli("user", "reset-link", email, env={"TRYGGHET_BASE_URL": "https://t.example.se"})
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("https://t.example.se/organizer/reset/")
    path = link.removeprefix("https://t.example.se")
    assert client.get(path).status_code == 200
    assert _choose(client, path).status_code == 302
    assert client.get(path).status_code == 404
    with client.application.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["user.reset_link", "user.reset_password"]


def test_without_a_base_url_the_cli_prints_the_path_and_says_so(cli, client, users):
    result = cli("user", "reset-link", ACCOUNTS["admin"][0])
    assert result.exit_code == 0
    assert result.stdout.startswith("/organizer/reset/")
    assert "TRYGGHET_BASE_URL" in result.stderr
    assert client.get(result.stdout.strip()).status_code == 200


def test_the_cli_refuses_unknown_and_disabled_accounts(cli, app, users):
    result = cli("user", "reset-link", "nobody@trygghet.test")
    assert result.exit_code == 1
    assert "no account for nobody@trygghet.test" in result.stderr
    with app.app_context():
        db.session.get(User, users["organizer"]).active = False
        db.session.commit()
    result = cli("user", "reset-link", ACCOUNTS["organizer"][0])
    assert result.exit_code == 1
    assert "is disabled" in result.stderr
    assert "Traceback" not in result.output

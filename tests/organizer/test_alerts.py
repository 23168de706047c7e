"""Deviations marked as handled on the dashboard; each user's own opt-in to the digest."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from analysis.deviations import shift_month
from survey.extensions import db
from survey.models import AuditEvent, DeviationAlert, User
from tests.common import factories
from tests.common.web import ACCOUNTS, csrf_token, local_today, post_form

DASHBOARD = "/organizer/areas/bromma?lang=en"
HANDLED = "/organizer/areas/bromma/deviations/handled"
SETTINGS = "/organizer/alerts"
#: The new routes: (method, path), open to organizers and admins.
ROUTES = [("POST", HANDLED), ("GET", SETTINGS), ("POST", SETTINGS)]


@pytest.fixture
def deviation(app) -> str:
    """A deviation this month in Bromma (two a month for a year, then 14); its YYYY-MM."""
    month = local_today().replace(day=1)
    counts = {shift_month(month, -back): 2 for back in range(1, 13)} | {month: 14}
    with app.app_context():
        factories.crime_counts(counts, "bromma", "Misshandel")
        db.session.commit()
    return month.strftime("%Y-%m")


def page(client, path: str = DASHBOARD) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def handled(app) -> list[DeviationAlert]:
    with app.app_context():
        found = db.session.scalars(select(DeviationAlert)).all()
        db.session.expunge_all()
        return list(found)


def test_an_organizer_marks_a_deviation_handled_with_a_note(app, client, auth, deviation):
    auth.login("organizer")
    before = page(client)
    assert "Mark as handled" in before
    assert f'name="month" value="{deviation}"' in before
    note = "Extra kvällspatrull tillsammans med Stockholms stad <b>och</b> skolan."
    response = post_form(
        client,
        HANDLED,
        {"category": "Misshandel", "month": deviation, "note": note},
        token_from=DASHBOARD,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organizer/areas/bromma#deviations")
    [alert] = handled(app)
    assert (alert.category, alert.month.strftime("%Y-%m"), alert.note) == (
        "Misshandel",
        deviation,
        note,
    )
    after = client.get(DASHBOARD).get_data(as_text=True)
    assert "Marked as handled, with your note." in after
    assert "&lt;b&gt;och&lt;/b&gt;" in after  # the note is text, never markup
    assert ACCOUNTS["organizer"][0] in after
    assert "Mark as handled" not in after
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "deviation.handled")
        )
        assert event.actor == ACCOUNTS["organizer"][0]
        assert event.details["note"] == note


NOT_ONE = "That month is not a deviation (any more)."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category": "Misshandel", "note": "  "}, "Write what was done, and with which partners."),
        ({"category": "Misshandel", "note": "x" * 2001}, "Write at most 2000 characters."),
        ({"category": "Rån", "note": "Patrull."}, "That month is not a deviation (any more)."),
        ({"category": "Misshandel", "note": "Patrull.", "month": "2026-13"}, "try again"),
        ({"category": "Misshandel", "note": "Patrull.", "month": "oktober"}, "try again"),
        # Months without the years of reference before them gave a 500 (year 0, year 10000).
        ({"category": "Misshandel", "note": "Patrull.", "month": "0001-01"}, NOT_ONE),
        ({"category": "Misshandel", "note": "Patrull.", "month": "9999-12"}, NOT_ONE),
        ({"category": "Misshandel", "note": "Pat\x00rull."}, "characters that cannot be saved"),
        ({"category": "Miss\x00handel", "note": "Patrull."}, "try again"),
    ],
)
def test_a_mark_that_cannot_be_stored_says_why_and_changes_nothing(
    app, client, auth, deviation, data, message
):
    auth.login("organizer")
    response = post_form(
        client, HANDLED + "?lang=en", {"month": deviation} | data, token_from=DASHBOARD
    )
    assert response.status_code == 302
    # To the top of the page, where the message is: not down at the deviations.
    assert response.headers["Location"].endswith("/organizer/areas/bromma")
    assert message in page(client)
    assert handled(app) == []


def test_marking_needs_a_valid_form_token(app, client, auth, deviation):
    auth.login("organizer")
    client.get(DASHBOARD)
    data = {"category": "Misshandel", "month": deviation, "note": "Patrull."}
    response = client.post(HANDLED, data=data | {"csrf_token": "forged"})
    assert response.status_code in (302, 400)
    assert handled(app) == []


def test_an_unknown_area_is_not_found(client, auth):
    auth.login("organizer")
    data = {"category": "Misshandel", "month": "2026-10", "note": "Patrull."}
    token = csrf_token(client, "/organizer/")
    response = client.post(
        "/organizer/areas/atlantis/deviations/handled", data=data | {"csrf_token": token}
    )
    assert response.status_code == 404


def notify_flag(app, email: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(User.notify_deviations).where(User.email == email))


def test_a_user_turns_the_digest_on_and_off(app, client, auth):
    auth.login("admin")
    email = ACCOUNTS["admin"][0]
    text = page(client, SETTINGS + "?lang=en")
    assert "E-mail me a digest when crime deviates from the usual" in text
    assert "E-mail is not set up on this server yet" in text  # the test app has no SMTP
    assert f"The digest goes to {email}." in text
    post_form(client, SETTINGS, {"notify": "y"})
    assert notify_flag(app, email) is True
    text = page(client, SETTINGS + "?lang=en")
    assert "checked" in text
    # Not "You will get an e-mail when crime deviates.": no mail goes out without SMTP.
    assert "You will get an e-mail when crime deviates." not in text
    assert "Mail is not set up on this server yet: you will get the e-mails once it is." in text
    post_form(client, SETTINGS, {})
    assert notify_flag(app, email) is False
    assert notify_flag(app, ACCOUNTS["organizer"][0]) is False  # only one's own
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "user.notify_deviations")
        ).all()
    assert details == [{"on": True}, {"on": False}]


def test_the_settings_page_says_when_mail_is_set_up(make_app, users):
    from tests.common.smtp import BASE_URL, SENDER

    app = make_app(
        TRYGGHET_SMTP_HOST="127.0.0.1", TRYGGHET_MAIL_FROM=SENDER, TRYGGHET_BASE_URL=BASE_URL
    )
    client = app.test_client()
    email, password = ACCOUNTS["organizer"]
    post_form(client, "/organizer/login", {"email": email, "password": password})
    assert "E-mail is not set up" not in page(client, SETTINGS + "?lang=en")
    post_form(client, SETTINGS, {"notify": "y"})
    assert "You will get an e-mail when crime deviates." in page(client, SETTINGS + "?lang=en")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_the_new_routes_need_a_login(client, users, method, path):
    token = csrf_token(client, "/organizer/login")
    response = (
        client.get(path) if method == "GET" else client.post(path, data={"csrf_token": token})
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organizer/login")


@pytest.mark.parametrize("role", ["organizer", "admin"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_organizers_and_admins_may_use_the_new_routes(client, auth, role, method, path):
    auth.login(role)
    token = csrf_token(client, "/organizer/")
    response = (
        client.get(path) if method == "GET" else client.post(path, data={"csrf_token": token})
    )
    assert response.status_code in (200, 302)
    assert not response.headers.get("Location", "").startswith("/organizer/login")


def test_the_mark_as_handled_control_is_left_out_of_print(app, client, auth, deviation):
    """Printed, '▶ Mark as handled' was a control that cannot be pressed on paper."""
    auth.login("organizer")
    before = page(client)
    control = before.split("<summary>Mark as handled</summary>")[0].rsplit("<details", 1)[1]
    assert 'class="no-print"' in control.split(">")[0]
    # The month stays on one line ("2026-/12" in a narrow cell).
    assert f'<td class="nowrap">{deviation}</td>' in before

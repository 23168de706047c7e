"""The audit page lists organizer writes in words: who, what and when, filterable."""

import datetime as dt
import re

from survey.extensions import db
from survey.organizer.audit_log import ACTIONS
from survey.services import audit
from tests.common.web import post_form


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_audit_page_lists_writes_in_words_and_filters(app, client, auth, users):
    auth.login("admin")
    client.get("/?lang=en")
    post_form(
        client,
        f"/organizer/users/{users['organizer']}/role",
        {"role": "admin"},
        token_from="/organizer/users",
    )
    page = client.get("/organizer/audit").get_data(as_text=True)
    assert "Role changed" in page
    assert "admin@trygghet.test" in page
    assert "User created" in page
    assert "user.set_role" not in "".join(_rows(page))  # codes only in the filter's values
    filtered = client.get("/organizer/audit?action=user.set_role").get_data(as_text=True)
    rows = _rows(filtered)
    assert len(rows) == 1
    assert "Role changed" in rows[0]
    assert "from: organizer" in rows[0]
    assert "to: admin" in rows[0]
    assert '<option selected value="user.set_role">Role changed</option>' in filtered
    by_cli = client.get("/organizer/audit?actor=nobody").get_data(as_text=True)
    assert "Nothing recorded yet." in by_cli


def test_values_and_times_are_shown_for_people(app, client, auth, users):
    with app.app_context():
        event = audit.record(
            db.session,
            "promise_activity.create",
            None,
            {"hours": None, "synthetic": True, "places": ["alvik", "brommaplan"], "note": ""},
        )
        db.session.flush()
        event.at = dt.datetime(2026, 11, 29, 13, 5, tzinfo=dt.UTC)
        db.session.commit()
    auth.login("admin")
    client.get("/?lang=en")
    row = _rows(client.get("/organizer/audit?action=promise_activity").get_data(as_text=True))
    assert len(row) == 1
    assert "Activity in promise created" in row[0]
    assert "hours: –" in row[0]
    assert "synthetic: yes" in row[0]
    assert "places: alvik, brommaplan" in row[0]
    assert "note: –" in row[0]
    assert "None" not in row[0]
    assert "True" not in row[0]
    # Stockholm time (UTC+1 in November), on one line.
    assert '<td class="nowrap"><time datetime="2026-11-29 14:05">2026-11-29 14:05</time>' in row[0]


def test_every_action_the_app_records_has_a_label():
    import pathlib

    recorded = set()
    for path in pathlib.Path("survey").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        recorded |= set(re.findall(r"audit\.record\(\s*\w+,\s*\"([a-z_]+\.[a-z_]+)\"", text))
    assert recorded, "found no audit.record calls"
    assert recorded <= set(ACTIONS), sorted(recorded - set(ACTIONS))


def test_an_absurd_page_number_is_an_empty_page(client, auth):
    auth.login("admin")
    assert client.get("/organizer/audit?page=99999999999999999999").status_code == 200

"""New deviations posted as JSON to a webhook (a local http.server), signed, retried on failure."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.server
import json
import threading

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import DeviationAlert
from survey.services import alert_texts, alerts
from tests.common.smtp import free_port
from tests.services.test_alerts import BASE_URL, TODAY, rising

SECRET = "webhook-secret-0123456789"


class Hook:
    """A local webhook: answers with the next of ``statuses`` (then 200) and keeps requests."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.requests: list[tuple[dict[str, str], bytes]] = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append((dict(self.headers), body))
                self.send_response(hook.statuses.pop(0) if hook.statuses else 200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def signed(self, index: int) -> bool:
        headers, body = self.requests[index]
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers[alerts.SIGNATURE_HEADER], f"sha256={expected}")


@pytest.fixture
def hook():
    made = Hook()
    made.thread.start()
    yield made
    made.server.shutdown()
    made.server.server_close()
    made.thread.join()


@pytest.fixture
def hook_app(make_app):
    app = make_app(TRYGGHET_BASE_URL=BASE_URL)
    with app.app_context():
        rising("Misshandel")
        rising("Rån", area="hasselby-vallingby", last=9)
        db.session.commit()
    return app


def run(app, url: str, secret: str | None = SECRET):
    config = dict(app.config) | {
        "TRYGGHET_ALERT_WEBHOOK_URL": url,
        "TRYGGHET_ALERT_WEBHOOK_SECRET": secret,
    }
    with app.app_context():
        alerts.record_new(db.session, TODAY)
        result = alerts.deliver(db.session, config)
        db.session.commit()
        return result


def webhook_state(app) -> list[tuple[str, bool, int, str | None]]:
    with app.app_context():
        found = db.session.scalars(select(DeviationAlert).order_by(DeviationAlert.category))
        return [
            (a.category, a.webhook_sent_at is not None, a.attempts, a.last_error) for a in found
        ]


def test_new_deviations_are_posted_once_as_signed_json(hook_app, hook):
    result = run(hook_app, hook.url)
    assert (result.webhook_state, result.sent, result.pending) == ("sent 2", 2, 0)
    [(headers, body)] = hook.requests
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert hook.signed(0)
    payload = json.loads(body)
    assert [(d["area"], d["category"], d["month"], d["count"]) for d in payload["deviations"]] == [
        ("bromma", "Misshandel", "2026-10", 14),
        ("hasselby-vallingby", "Rån", "2026-10", 9),
    ]
    first = payload["deviations"][0]
    assert first["area_name"] == "Bromma"
    assert first["url"] == f"{BASE_URL}/organizer/areas/bromma#deviations"
    assert first["expected"] == 2
    assert first["upper_limit"] > 2
    assert first["score"] > 0
    # A moment with its time zone (UTC), on SQLite too.
    seen = dt.datetime.fromisoformat(first["first_seen_at"])
    assert seen.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - seen) < dt.timedelta(minutes=5)
    assert [row[:3] for row in webhook_state(hook_app)] == [
        ("Misshandel", True, 0),
        ("Rån", True, 0),
    ]
    # Run again: nothing is posted twice.
    assert run(hook_app, hook.url).webhook_state == "has nothing to send"
    assert len(hook.requests) == 1


def test_a_refused_post_is_retried_on_the_next_run(hook_app, hook):
    hook.statuses = [500]
    result = run(hook_app, hook.url)
    assert (result.webhook_state, result.pending, result.errors) == (
        "failed",
        2,
        ["webhook: HTTP 500"],
    )
    assert webhook_state(hook_app) == [
        ("Misshandel", False, 1, "webhook: HTTP 500"),
        ("Rån", False, 1, "webhook: HTTP 500"),
    ]
    assert run(hook_app, hook.url).webhook_state == "sent 2"
    assert len(hook.requests) == 2
    assert hook.requests[0][1] == hook.requests[1][1]
    assert webhook_state(hook_app) == [("Misshandel", True, 1, None), ("Rån", True, 1, None)]


def test_an_unreachable_webhook_keeps_the_deviations_pending(hook_app):
    result = run(hook_app, f"http://127.0.0.1:{free_port()}/hook")
    assert result.webhook_state == "failed"
    assert result.errors[0].startswith("webhook: ConnectionRefusedError")
    assert [row[1:3] for row in webhook_state(hook_app)] == [(False, 1), (False, 1)]


def test_without_a_secret_the_post_is_not_signed(hook_app, hook):
    run(hook_app, hook.url, secret=None)
    assert alerts.SIGNATURE_HEADER not in hook.requests[0][0]


def test_a_webhook_address_that_is_no_web_address_is_refused():
    with pytest.raises(alerts.AlertConfigError, match="https://"):
        alerts.webhook_settings({"TRYGGHET_ALERT_WEBHOOK_URL": "file:///etc/passwd"})
    assert alerts.webhook_settings({"TRYGGHET_ALERT_WEBHOOK_URL": " "}) is None


def test_a_stored_moment_is_said_in_utc_whatever_zone_the_database_gives():
    stockholm = dt.timezone(dt.timedelta(hours=1))
    noon_utc = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    # PostgreSQL: in the session's zone; SQLite: without a zone, stored in UTC.
    for given in (noon_utc.astimezone(stockholm), noon_utc.replace(tzinfo=None)):
        assert alert_texts._utc(given).isoformat() == "2026-11-30T12:00:00+00:00"

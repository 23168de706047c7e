"""Limits shared by every worker, keyed by a daily hash of the client address, never by it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from survey.db import make_engine
from survey.extensions import limiter
from survey.models.responses import response_table
from survey.web import limits
from survey.web.limits import SQLiteStorage
from tests.common.database import empty_database
from tests.common.redis_keys import TEST_REDIS_URL, keys_with
from tests.common.serve import (
    CSRF_INPUT,
    SESSION_COOKIE,
    Server,
    Visitor,
    acknowledged,
    request,
)
from tests.common.web import VALID_ANSWER, submit

ADDRESS = "198.51.100.23"


def test_the_sqlite_storage_counts_atomically_and_expires(tmp_path: Path, monkeypatch):
    storage = SQLiteStorage(f"trygghet-sqlite://{tmp_path / 'limits.sqlite'}")
    assert storage.check()
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert storage.get_expiry("k") > 0
    storage.clear("k")
    assert storage.get("k") == 0
    now = [1_000.0]
    monkeypatch.setattr(limits, "_now", lambda: now[0])
    assert storage.incr("e", 10) == 1
    now[0] += 11  # the window has passed: counting starts again
    assert storage.get("e") == 0
    assert storage.incr("e", 10) == 1
    assert oct((tmp_path / "limits.sqlite").stat().st_mode & 0o777) == "0o600"


def test_the_limiter_keys_hold_a_daily_hash_not_the_address(make_app, monkeypatch):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    keys = list(limiter.storage.storage)  # the memory storage's counters
    assert keys
    assert not [k for k in keys if ADDRESS in k or "198.51" in k]
    with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        today = limits.client_key()
        assert ADDRESS not in today
        monkeypatch.setattr(limits, "_utc_day", lambda: "2031-01-02")
        assert limits.client_key() != today  # another day, another key


def test_the_days_key_needs_a_random_part_the_storage_forgets(make_app, tmp_path: Path):
    """SECRET_KEY and the date are not enough to hash an address as the limiter did: the day's
    random part lives in the limiter's storage only, shared by every app on it, and expires
    with the day (then nobody can link that day's counters to addresses)."""
    counters = tmp_path / "counters.sqlite"
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": f"{limits.SCHEME}://{counters}"}
    keys = []
    for _server in range(2):  # two servers (or workers) on one storage agree on the key
        limits._day_parts.clear()
        with make_app(**settings).test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
            keys.append(limits.client_key())
    assert keys[0] == keys[1]
    day = limits._utc_day()
    db = sqlite3.connect(counters)
    [(name, expires)] = db.execute("SELECT key, expires FROM counter WHERE key LIKE '%day-key%'")
    assert name.endswith(f"day-key:{day}")
    end_of_day = limits.dt.datetime.fromisoformat(f"{day}T00:00:00+00:00") + limits.dt.timedelta(1)
    assert 0 < expires - end_of_day.timestamp() <= limits.DAY_PART_GRACE + 1
    # The day ends: its part is gone; the same address, secret key and date hash otherwise.
    db.execute("DELETE FROM counter WHERE key = ?", (name,))
    db.commit()
    limits._day_parts.clear()
    with make_app(**settings).test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        assert limits.client_key() not in keys


def test_the_next_day_leaves_no_copy_of_the_days_key_on_disk(make_app, tmp_path, monkeypatch):
    # secure_delete clears the main file, but the write-ahead log keeps old pages until a
    # checkpoint: drawing the next day's part deletes the old one and empties the log.
    counters = tmp_path / "counters.sqlite"
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"{limits.SCHEME}://{counters}")
    parts = []
    for day in ("2031-01-01", "2031-01-02"):
        monkeypatch.setattr(limits, "_utc_day", lambda day=day: day)
        limits._day_parts.clear()
        with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
            limits.client_key()
        parts.append(limits._day_parts[day][0])
    # SQLite keeps an integer of 60 bits as 8 big-endian bytes.
    first, second = (part.to_bytes(8, "big") for part in parts)
    files = [counters, counters.with_name(counters.name + "-wal")]
    on_disk = b"".join(path.read_bytes() for path in files if path.exists())
    assert second in on_disk  # the check can see a part where it is
    assert first not in on_disk


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_two_workers_drawing_the_days_key_at_once_keep_the_first(kind, tmp_path, request):
    """At midnight two workers may both find no key and draw one: the first stored stays, so
    both read the same (adding the draws up, as a counter would, gave each its own for a
    while)."""
    from limits.storage import storage_from_string

    if kind == "redis":
        prefix = request.getfixturevalue("redis_limits")["RATELIMIT_KEY_PREFIX"]
        storage = storage_from_string(TEST_REDIS_URL)
    else:
        prefix, storage = "", SQLiteStorage(f"{limits.SCHEME}://{tmp_path / 'c.sqlite'}")
    key = f"{prefix}day-key:2031-01-01"
    limits._add(storage, key, 5, 60)
    limits._add(storage, key, 7, 60)
    assert storage.get(key) == 5
    assert 0 < storage.get_expiry(key) - limits._now() <= 60


def test_a_failing_storage_keeps_a_days_key_of_the_process(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    limits._day_parts.clear()
    with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        first = limits.client_key()
        assert first == limits.client_key()  # the same while the process lives


def test_redis_keys_hold_no_address(make_app, redis_limits):
    app = make_app(**redis_limits)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    # Redis is left as it was found: the fixture deletes the keys and checks.
    keys = keys_with(redis_limits["RATELIMIT_KEY_PREFIX"])
    assert keys
    assert not [k for k in keys if ADDRESS in k]
    assert any("burst:place" in k for k in keys)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    with empty_database(tmp_path) as url:
        server = Server(
            url,
            tmp_path,
            workers=2,
            env={
                "RATELIMIT_ENABLED": "true",
                "SURVEY_RATE_LIMIT": "20 per minute",
                "TRYGGHET_BURST_ANSWERS": "5",
            },
        )
        try:
            yield server, url
        finally:
            server.stop()


def test_the_limit_holds_exactly_across_two_workers(served, tmp_path: Path):
    server, url = served
    # Each answer from a new browser (its own session) on a new connection: 2 workers share
    # the counters, so the 21st answer within the minute gets 429, not the 41st.
    replies = [Visitor(server.port).answer(VALID_ANSWER) for _ in range(25)]
    assert [acknowledged(r) for r in replies] == [True] * 20 + [False] * 5
    assert {r.status for r in replies[20:]} == {429}
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            web = response_table.c.source == "web"
            held = conn.scalar(select(func.count()).where(web, response_table.c.held))
            total = conn.scalar(select(func.count()).where(web))
    finally:
        engine.dispose()
    # 20 answers to one place in a minute: a burst, held back whole.
    assert (total, held) == (20, 20)
    counters = tmp_path / "instance" / limits.STORAGE_FILE
    keys = [k for (k,) in sqlite3.connect(counters).execute("SELECT key FROM counter")]
    assert keys
    assert not [k for k in keys if "127.0.0.1" in k]


def _failed_login(port: int, email: str) -> int:
    """A wrong password for ``email`` from a new browser on a new connection; the status."""
    page = request(port, "GET", "/organizer/login")
    token = CSRF_INPUT.search(page.body)
    cookie = SESSION_COOKIE.search(page.headers.get("set-cookie", ""))
    assert page.status == 200, page.status
    assert token, "no CSRF token on the login page"
    assert cookie, "no session cookie with the login page"
    body = urlencode({"csrf_token": token.group(1), "email": email, "password": "wrong" * 3})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie.group(1)}
    return request(port, "POST", "/organizer/login", body, headers).status


def test_login_limits_hold_across_two_workers_per_account_and_per_client(served):
    server, _url = served
    # Per (account, client): the 6th failure for one account gets 429, on whichever worker.
    assert [_failed_login(server.port, "a@example.se") for _ in range(6)] == [401] * 5 + [429]
    # Another account from the same client is not locked by that...
    assert [_failed_login(server.port, "b@example.se") for _ in range(5)] == [401] * 5
    # ...but the client as a whole has used its 10 failures: a third account gets 429 at once.
    assert _failed_login(server.port, "c@example.se") == 429

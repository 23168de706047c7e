"""Many residents at once: every acknowledged answer is stored, and nothing else.

The real server (`trygghet serve`: gunicorn, several worker processes with threads) runs on
the test database, so on SQLite several processes write to one file at the same time.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from survey.extensions import db
from survey.models.aggregates import MONTH
from survey.services.aggregates import counts, rebuild
from tests.common.web import VALID_ANSWER, count_responses

THREADS = 16
ANSWERS_EACH = 20
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(app, database_url: str, tmp_path: Path) -> Iterator[int]:
    """`trygghet serve` on the test database, 2 workers x 4 threads; yield its port."""
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
        "RATELIMIT_ENABLED": "0",
        "TRYGGHET_INSTANCE": str(tmp_path / "instance"),
    }
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "survey.cli", "serve", "--port", str(port)]
        + ["--workers", "2", "--threads", "4"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    server_log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in server_log, server_log
    assert "database is locked" not in server_log


def _resident(port: int, slug: str, answers: int, outcome: dict[str, list]) -> None:
    """One browser: its own cookie session; GET the form, POST it, again and again."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie = ""
    for _ in range(answers):
        try:
            connection.request("GET", f"/s/{slug}", headers={"Cookie": cookie})
            page = connection.getresponse()
            html = page.read().decode()
            cookie = (page.getheader("Set-Cookie") or cookie).split(";", 1)[0]
            token = CSRF_INPUT.search(html).group(1)
            body = urlencode(VALID_ANSWER | {"csrf_token": token, "comment": "samtidigt"})
            connection.request(
                "POST",
                f"/s/{slug}",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                },
            )
            reply = connection.getresponse()
            reply.read()
        except (OSError, http.client.HTTPException, AttributeError) as exc:
            outcome["errors"].append(repr(exc))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        location = reply.getheader("Location") or ""
        if reply.status == 303 and location.endswith(f"/s/{slug}/tack"):
            outcome["acknowledged"].append(slug)
        else:
            outcome["errors"].append(f"{reply.status} {location}")
    connection.close()


def test_every_acknowledged_answer_is_stored_exactly_once(app, server):
    outcome: dict[str, list] = {"acknowledged": [], "errors": []}
    slugs = ["alvik", "brommaplan", "vallingby-centrum", "ekero-centrum"]
    residents = [
        threading.Thread(
            target=_resident, args=(server, slugs[i % len(slugs)], ANSWERS_EACH, outcome)
        )
        for i in range(THREADS)
    ]
    started = time.monotonic()
    for resident in residents:
        resident.start()
    for resident in residents:
        resident.join(timeout=120)
    elapsed = time.monotonic() - started

    assert not any(resident.is_alive() for resident in residents)
    assert outcome["errors"] == []
    assert len(outcome["acknowledged"]) == THREADS * ANSWERS_EACH
    assert count_responses(app) == THREADS * ANSWERS_EACH
    # Four residents per place sent equal answers: every answer raised the same counts at
    # the same time (an upsert on PostgreSQL), and none was lost.
    with app.app_context():
        kept = counts(db.session)
        months = counts(db.session, MONTH)
        for found in (kept, months):
            per_place = [n for key, n in found.items() if key[5:] == ("*", "")]
            assert sorted(per_place) == [THREADS // len(slugs) * ANSWERS_EACH] * len(slugs)
        rebuild(db.session)
        assert counts(db.session) == kept
        assert counts(db.session, MONTH) == months
        db.session.rollback()
    print(f"{THREADS * ANSWERS_EACH} answers from {THREADS} threads in {elapsed:.1f} s")

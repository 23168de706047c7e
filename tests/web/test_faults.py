"""Faults against the real `trygghet serve`: kills, locks, a database that goes away, SIGTERM.

Each test starts gunicorn as a subprocess on a database of its own. SIGKILL and SIGTERM run
on the suite's kind of database; the locked-SQLite outage runs in every run, and with
TEST_DATABASE_URL PostgreSQL going down or hanging too. Those are simulated by a TCP proxy
in front of the shared server, which is never stopped.
"""

from __future__ import annotations

import http.client
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, InterfaceError

from survey.db import make_engine
from survey.extensions import db
from survey.models.responses import response_table
from tests.common.database import TEST_DATABASE_URL, empty_database
from tests.common.serve import Proxy, Server, SlowAnswer, Visitor, acknowledged, request
from tests.common.web import VALID_ANSWER, count_responses, csrf_token

MARK = "SYNTHETIC fault test"
#: The busy timeout / connect timeout are a few seconds; the 503 must come well within this.
PROMPT = 10.0


def answer(marker: str) -> dict[str, str]:
    return {**VALID_ANSWER, "comment": f"{MARK} {marker}"}


def stored_markers(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            comments = conn.scalars(select(response_table.c.comment))
            return {c.removeprefix(f"{MARK} ") for c in comments if c and c.startswith(MARK)}
    finally:
        engine.dispose()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `trygghet serve` on a database URL; whatever is left is killed afterwards."""
    started: list[Server] = []

    def start(url: str, **kwargs) -> Server:
        server = Server(url, tmp_path, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def suite_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the suite's kind; `trygghet serve` migrates it."""
    with empty_database(tmp_path) as url:
        yield url


# -- (a) SIGKILL under load ---------------------------------------------------------------------


def test_sigkill_under_load_loses_no_acknowledged_answer(
    suite_url: str, servers: Callable[..., Server]
) -> None:
    server = servers(suite_url)
    acked: list[str] = []
    refused: list[int] = []
    stop = threading.Event()

    def resident(n: int) -> None:
        try:
            # Under load a resident may still be fetching its form when the kill lands.
            visitor = Visitor(server.port)
        except (OSError, http.client.HTTPException):
            return  # the server is gone before this resident sent anything
        i = 0
        while not stop.is_set():
            marker, i = f"{n}-{i}", i + 1
            try:
                reply = visitor.answer(answer(marker), timeout=15)
            except (OSError, http.client.HTTPException):
                return  # the server is gone; this answer was never acknowledged
            (acked if acknowledged(reply) else refused).append(
                marker if acknowledged(reply) else reply.status
            )

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acked) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    still_sending = sum(thread.is_alive() for thread in threads)
    server.signal_group(signal.SIGKILL)  # master and workers at once, mid-run
    server.proc.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    assert still_sending == len(threads), "the kill must land while answers are being sent"
    assert len(acked) >= 40, server.output()
    assert not refused
    stored = stored_markers(suite_url)
    assert not set(acked) - stored, "acknowledged answers are missing after the kill"
    assert len(stored) >= len(acked)
    if suite_url.startswith("sqlite"):
        with sqlite3.connect(make_url(suite_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The app starts again on the same database and takes answers.
    again = servers(suite_url)
    assert acknowledged(Visitor(again.port).answer(answer("after restart")))
    assert "after restart" in stored_markers(suite_url)


# -- (b, c) the database is locked or gone: a friendly 503, then recovery ----------------------


@dataclass
class Outage:
    url: str  # what the server uses
    direct_url: str  # what the test reads the stored answers through
    begin: Callable[[], None]
    end: Callable[[], None]


OUTAGES = ["sqlite-locked"]
if TEST_DATABASE_URL:
    OUTAGES += ["postgresql-down", "postgresql-unresponsive"]


def sqlite_write_lock(path: Path) -> tuple[Callable[[], None], Callable[[], None]]:
    """Hold SQLite's write lock from another connection, as a long write would."""
    held: list[sqlite3.Connection] = []

    def begin() -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        conn.execute("BEGIN EXCLUSIVE")
        held.append(conn)

    def end() -> None:
        conn = held.pop()
        conn.execute("ROLLBACK")
        conn.close()

    return begin, end


@pytest.fixture(params=OUTAGES)
def outage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outage]:
    if request.param == "sqlite-locked":
        path = tmp_path / "locked.db"
        yield Outage(f"sqlite:///{path}", f"sqlite:///{path}", *sqlite_write_lock(path))
        return
    mode = request.param.removeprefix("postgresql-")
    with empty_database(tmp_path) as url:
        direct = make_url(url)
        proxy = Proxy(direct.host or "127.0.0.1", direct.port or 5432)
        via_proxy = direct.set(host="127.0.0.1", port=proxy.port)
        try:
            yield Outage(
                via_proxy.render_as_string(hide_password=False),
                url,
                lambda: proxy.cut(mode),
                proxy.restore,
            )
        finally:
            proxy.close()


TITLES = {"sv": "Tillfälligt otillgänglig", "en": "Temporarily unavailable"}


def test_database_outage_gives_friendly_503_then_recovers(
    outage: Outage, servers: Callable[..., Server]
) -> None:
    server = servers(outage.url)
    visitor = Visitor(server.port)
    assert acknowledged(visitor.answer(answer("before")))
    outage.begin()
    try:
        for language, title in TITLES.items():
            visitor.language = language
            reply = visitor.answer(answer(f"during {language}"), timeout=60)
            assert reply.status == 503, server.output()
            assert reply.seconds < PROMPT
            assert reply.headers.get("retry-after") == "30"
            assert reply.headers["content-type"].startswith("text/html")
            assert f"<h1>{title}</h1>" in reply.body
            assert "Traceback" not in reply.body
        if not outage.url.startswith("sqlite"):
            # With the server gone, reading fails too (SQLite still reads under a write lock).
            page = request(server.port, "GET", "/s/brommaplan", timeout=60)
            assert page.status == 503
            assert page.seconds < PROMPT
        health = request(server.port, "GET", "/healthz", timeout=60)
        assert health.status == (200 if outage.url.startswith("sqlite") else 503)
    finally:
        outage.end()
    # Recovery by itself: the very next requests work, no restart.
    for n in range(3):
        assert acknowledged(visitor.answer(answer(f"after {n}"))), server.output()
    assert request(server.port, "GET", "/healthz").status == 200
    stored = stored_markers(outage.direct_url)
    assert {"before", "after 0", "after 1", "after 2"} <= stored
    assert not {m for m in stored if m.startswith("during")}
    assert "Traceback" not in server.output()


# -- (d) SIGTERM lets requests in flight finish -------------------------------------------------


def test_sigterm_finishes_the_request_in_flight_and_exits_0(
    suite_url: str, servers: Callable[..., Server]
) -> None:
    server = servers(suite_url)
    visitor = Visitor(server.port)
    # Half the body now: a worker thread takes the request and waits for the rest.
    slow = SlowAnswer(visitor, answer("flight"))
    time.sleep(1.5)
    server.proc.send_signal(signal.SIGTERM)  # to the master, as a service manager does
    time.sleep(1.0)
    assert server.proc.poll() is None, "the server must wait for the request in flight"
    reply = slow.finish()
    assert acknowledged(reply), reply
    assert reply.seconds >= 2.5  # it was in flight across the SIGTERM, not sent after it
    assert server.proc.wait(timeout=30) == 0, server.output()
    assert "flight" in stored_markers(suite_url)


# -- the error handlers, in process ----------------------------------------------------------


def _failing(exc: Exception) -> Callable[..., None]:
    def fail(*_args, **_kwargs) -> None:
        raise exc

    return fail


def test_a_lost_connection_of_any_kind_is_503(client, monkeypatch: pytest.MonkeyPatch) -> None:
    lost = InterfaceError(
        "SELECT 1", {}, Exception("the connection is closed"), connection_invalidated=True
    )
    monkeypatch.setattr("survey.public.views.find_place", _failing(lost))
    response = client.get("/s/brommaplan", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "<h1>Temporarily unavailable</h1>" in response.get_data(as_text=True)


def test_other_database_errors_stay_500(client, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = IntegrityError("INSERT", {}, Exception("constraint failed"))
    monkeypatch.setattr("survey.public.views.find_place", _failing(broken))
    response = client.get("/s/brommaplan", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


def test_an_answer_the_database_cannot_take_is_503_and_leaves_no_connection_out(
    app, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plainly valid answer goes through a connection of its own from the pool, not the
    # session: a server that refuses it is still a 503, and every connection goes back.
    engine = db.state(app).engine
    token = csrf_token(client, "/s/brommaplan")
    answer = {"csrf_token": token, **VALID_ANSWER}
    refused = engine.dialect.loaded_dbapi.OperationalError("connection refused")
    with monkeypatch.context() as down:
        down.setattr(engine, "raw_connection", _failing(refused))
        response = client.post("/s/brommaplan", data=answer, headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert count_responses(app) == 0
    response = client.post("/s/brommaplan", data=answer)
    assert response.status_code == 303
    assert count_responses(app) == 1
    assert engine.pool.checkedout() == 0

"""`trygghet serve` writes no client address to any log, even for a malformed request."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from survey.cli.serve import PrivateLogger, _NoAddresses, gunicorn_options
from tests.common.database import empty_database
from tests.common.serve import Server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with empty_database(tmp_path) as url:
        started = Server(url, tmp_path, workers=2, threads=2)
        started.database_url = url  # type: ignore[attr-defined]
        try:
            yield started
        finally:
            started.stop()


def _malformed(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(payload)
        return sock.recv(4096)


def test_a_malformed_request_leaves_no_address_in_the_log(server):
    for payload in (b"BOGUS\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /\x00 HTTP/1.1\r\n\r\n"):
        assert _malformed(server.port, payload).startswith(b"HTTP/1.1 400")
    time.sleep(0.5)  # let the workers' log lines reach the file
    data, log = server.log.read_text(errors="replace").split("\n", 1)
    assert data.startswith("Data: ")  # where the data lives (the database server's address)
    assert "Invalid request from ip=[address]" in log  # the attack reached the log line
    assert "127.0.0.1" not in log.replace(f"Listening at: http://127.0.0.1:{server.port}", "")


def test_serve_says_where_the_data_lives_before_it_starts(server, tmp_path):
    first = server.log.read_text(errors="replace").splitlines()[0]
    assert first.startswith(f"Data: {tmp_path / 'instance'}; database ")
    assert "database sqlite:///" in first or "database postgresql" in first
    password = make_url(server.database_url).password
    if password:
        assert str(password) not in first  # never a password
        assert ":***@" in first


def test_the_serve_options_use_the_private_logger():
    options = gunicorn_options("127.0.0.1", 8000, 2, 4)
    assert options["logger_class"] is PrivateLogger
    assert options["accesslog"] is None


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("Invalid request from ip=203.0.113.9: Invalid HTTP method", ()),
        ("Invalid request from ip=%s: %s", ("2001:db8::7", "bad")),
        ("Invalid request from ip=::ffff:203.0.113.9: bad", ()),
        ("peer %s reset", ("2001:db8:0:0:0:0:0:7",)),
    ],
)
def test_the_filter_blanks_every_kind_of_address(message, args):
    record = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1, message, args, None)
    assert _NoAddresses().filter(record)
    text = record.getMessage()
    assert "[address]" in text
    for part in ("203.0.113.9", "2001:db8", "::ffff"):
        assert part not in text

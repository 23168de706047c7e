"""Outgoing HTTP (feed downloads, webhooks) against a local server: one deadline for the whole
exchange, redirects only to the same host and only for a GET."""

from __future__ import annotations

import http.server
import socket
import threading
import time
import urllib.request

import pytest

from survey.services.outbound import OutboundError, exchange


class Handler(http.server.BaseHTTPRequestHandler):
    other = ""  # the address of another host (the same server under another name)

    def do_GET(self) -> None:
        if self.path == "/ok":
            self._answer(200, b"fine")
        elif self.path == "/same":
            self._redirect("/ok")
        elif self.path == "/other":
            self._redirect(f"{self.other}/ok")
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "30")
            self.end_headers()
            try:
                for _ in range(30):  # a byte at a time, each well within the read timeout
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self._redirect("/ok")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    made = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    made.daemon_threads = True
    port = made.server_address[1]
    Handler.other = f"http://localhost:{port}"  # another host name for the same server
    thread = threading.Thread(target=made.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    made.shutdown()
    made.server_close()


def _get(url: str) -> urllib.request.Request:
    return urllib.request.Request(url)  # noqa: S310 (a local test server)


def test_a_redirect_on_the_same_host_is_followed(server):
    answer = exchange(_get(f"{server}/same"), 5, 10, limit=100)
    assert (answer.status, answer.body) == (200, b"fine")


def test_a_redirect_to_another_host_is_refused(server):
    with pytest.raises(OutboundError, match="HTTP 302: a redirect to http://localhost:.*/ok"):
        exchange(_get(f"{server}/other"), 5, 10, limit=100)


def test_a_post_answered_with_a_redirect_is_not_accepted(server):
    # urllib would follow it as a GET without the body, and see the 200 of /ok.
    post = urllib.request.Request(f"{server}/hook", b"{}", method="POST")  # noqa: S310
    with pytest.raises(OutboundError, match="HTTP 302"):
        exchange(post, 5, 10)


def test_a_server_that_drips_its_answer_meets_the_deadline(server):
    started = time.monotonic()
    with pytest.raises(OutboundError, match="no complete answer within 1 seconds"):
        exchange(_get(f"{server}/drip"), 5, 1, limit=10_000)
    # Each read came within the 5-second timeout; the whole exchange still ended at 1 s.
    assert time.monotonic() - started < 3


def test_a_broken_answer_is_an_error_not_a_traceback():
    # A server that answers with a garbled status line, then one that cuts a chunked body.
    for reply in (
        b"NONSENSE\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            port = listener.getsockname()[1]

            def answer(reply=reply, listener=listener):
                conn, _ = listener.accept()
                with conn:
                    conn.recv(4096)
                    conn.sendall(reply)

            thread = threading.Thread(target=answer, daemon=True)
            thread.start()
            with pytest.raises(OutboundError):
                exchange(_get(f"http://127.0.0.1:{port}/"), 5, 10, limit=100)
            thread.join()
    with pytest.raises(OutboundError, match="InvalidURL|nonnumeric port"):
        exchange(_get("http://127.0.0.1:notaport/"), 5, 10, limit=100)

"""Run the real `trygghet serve` as a subprocess and talk to it like a browser (fault tests)."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
SESSION_COOKIE = re.compile(r"(session=[^;]+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`trygghet serve` in its own process group (the gunicorn master and its workers)."""

    def __init__(
        self,
        database_url: str,
        folder: Path,
        workers: int = 2,
        threads: int = 4,
        env: dict[str, str] | None = None,
    ):
        self.port = free_port()
        self.log = folder / f"serve-{self.port}.log"
        env = (
            os.environ
            | {
                "DATABASE_URL": database_url,
                "TRYGGHET_INSTANCE": str(folder / "instance"),
                "SECRET_KEY": "fault-test-secret-key-0123456789abcdef",
                "RATELIMIT_ENABLED": "false",
            }
            | (env or {})
        )
        argv = [sys.executable, "-m", "survey.cli", "serve"]  # as the console script runs it
        argv += ["--port", str(self.port), "--workers", str(workers), "--threads", str(threads)]
        with self.log.open("wb") as log:  # the child keeps its own copy of the handle
            self.proc = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_ready()

    def _wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"trygghet serve exited:\n{self.output()}"
            try:
                if request(self.port, "GET", "/healthz", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"trygghet serve did not answer /healthz:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def signal_group(self, sig: int) -> None:
        os.killpg(self.proc.pid, sig)

    def stop(self) -> None:
        """Kill whatever is left of the server (cleanup; the tests stop it themselves)."""
        if self.proc.poll() is None:
            self.signal_group(signal.SIGKILL)
            self.proc.wait(timeout=10)
        else:
            try:  # workers left behind by a killed master
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


def request(
    port: int,
    method: str,
    path: str,
    body: str = "",
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    """One HTTP request on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.monotonic()
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        # Keys in lower case; several Set-Cookie headers joined.
        found: dict[str, str] = {}
        for key, value in response.getheaders():
            key = key.lower()
            found[key] = f"{found[key]}, {value}" if key in found else value
        return Reply(response.status, found, text, time.monotonic() - started)
    finally:
        conn.close()


class Visitor:
    """A browser session: GET the survey form once, then POST answers with its token."""

    def __init__(self, port: int, slug: str = "brommaplan", language: str = "sv") -> None:
        self.port, self.path = port, f"/s/{slug}"
        self.language = language
        page = request(port, "GET", self.path, headers={"Accept-Language": language})
        token, cookie = (
            CSRF_INPUT.search(page.body),
            SESSION_COOKIE.search(page.headers.get("set-cookie", "")),
        )
        assert page.status == 200, f"no survey form: {page.status}"
        assert token, "no CSRF token on the survey form"
        assert cookie, "no session cookie with the survey form"
        self.token, self.cookie = token.group(1), cookie.group(1)

    def answer(self, answer: dict[str, str], timeout: float = 30) -> Reply:
        body = urlencode({"csrf_token": self.token, **answer})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "Accept-Language": self.language,
        }
        return request(self.port, "POST", self.path, body, headers, timeout)


class SlowAnswer:
    """An answer whose body is sent in two halves, to keep a request in flight on purpose."""

    def __init__(self, visitor: Visitor, answer: dict[str, str]) -> None:
        body = urlencode({"csrf_token": visitor.token, **answer}).encode()
        head = (
            f"POST {visitor.path} HTTP/1.1\r\nHost: 127.0.0.1:{visitor.port}\r\n"
            f"Cookie: {visitor.cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        self.started = time.monotonic()
        self.sock = socket.create_connection(("127.0.0.1", visitor.port), timeout=30)
        self.sock.sendall(head + body[: len(body) // 2])
        self.rest = body[len(body) // 2 :]

    def finish(self) -> Reply:
        """Send the rest of the body and read the reply."""
        try:
            self.sock.sendall(self.rest)
            response = http.client.HTTPResponse(self.sock)
            response.begin()
            text = response.read().decode("utf-8", errors="replace")
            headers = {k.lower(): v for k, v in response.getheaders()}
            return Reply(response.status, headers, text, time.monotonic() - self.started)
        finally:
            self.sock.close()


def acknowledged(reply: Reply) -> bool:
    """The survey's own acknowledgement: a 303 redirect to the thank-you page."""
    return reply.status == 303 and reply.headers.get("location", "").endswith("/tack")


class Proxy:
    """A TCP proxy in front of a database server that a test can cut and restore.

    ``down``: open connections are reset and new ones refused (the server stopped);
    ``unresponsive``: open connections are reset, new ones accepted but never answered (the
    host hangs). The real database server is never touched.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = "up"
        self._links: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._call(self._listen())

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._links.add(writer)
        if self.mode != "up":  # unresponsive: hold the connection open, say nothing
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links.add(up_writer)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()
            self._links.discard(writer)

    async def _set(self, mode: str) -> None:
        previous, self.mode = self.mode, mode
        # Every change resets what is open: live links when going down, held ones coming up.
        for link in list(self._links):
            link.transport.abort()
        self._links.clear()
        if mode == "down" and self._server is not None:
            self._server.close()
            self._server = None
        if previous == "down" and mode != "down":
            await self._listen()

    def cut(self, mode: str = "down") -> None:
        self._call(self._set(mode))

    def restore(self) -> None:
        self._call(self._set("up"))

    async def _cancel_links(self) -> None:
        # Pipes still waiting on a reset connection; left pending, asyncio complains when the
        # closed loop is collected ("Task was destroyed but it is pending").
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def close(self) -> None:
        self._call(self._set("down"))
        self._call(self._cancel_links())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

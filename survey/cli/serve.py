"""The production server: gunicorn with threaded workers, the app loaded once before forking."""

from __future__ import annotations

import ctypes
import errno
import gc
import logging
import os
import re
import socket
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from ..extensions import db

#: Threads per worker (the CLI's default too): a request spends part of its time waiting on
#: the database (the SQLite write lock, round trips to PostgreSQL) or on a slow client, and
#: other threads of the worker run meanwhile. One worker with one thread would leave every
#: answer waiting behind a PDF. Each thread holds at most one pooled connection: SQLAlchemy's
#: pool (5 + 10 overflow per worker) serves up to 15 threads; more would wait for a
#: connection. (Answers take turns on SQLite, survey.db.write_turn, so that a writer never
#: sleeps in SQLite's busy handler: p99 42-59 ms with it, 226-515 ms without, 2 x 4; again
#: with the malloc thresholds below, 34-44 ms against 139-184 ms, same answers per second.)
DEFAULT_THREADS = 4


#: What gunicorn names a client by ("from ip=ADDRESS: error"), then anything else in a log
#: line that looks like an IP address: v4, full v6, or v6 shortened with "::".
_ADDRESS = re.compile(
    r"(?<=ip=)\S+?(?=:\s|\s|$)"
    r"|\b\d{1,3}(?:\.\d{1,3}){3}\b"
    r"|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"
    r"|[0-9A-Fa-f:]*::[0-9A-Fa-f:.]*[0-9A-Fa-f]"
)
#: The server's own listening address is no visitor's and is worth seeing.
_OWN_ADDRESS = ("Listening at:",)


class _NoAddresses(logging.Filter):
    """Blank client addresses in gunicorn's error log ("Invalid request from ip=...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith(_OWN_ADDRESS) and _ADDRESS.search(message):
            record.msg, record.args = _ADDRESS.sub("[address]", message), ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger with every client address removed from the error log."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if not any(isinstance(f, _NoAddresses) for f in self.error_log.filters):
            self.error_log.addFilter(_NoAddresses())


class _Server(BaseApplication):
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer settings are skipped on older gunicorn
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def default_workers() -> int:
    """One worker process per CPU core, at least two.

    Python runs one thread at a time per process, so CPU-bound requests scale with
    processes. Two at least, so that one worker busy with a long request (a PDF report) or
    being restarted never stalls the survey. Not more than the cores: each worker holds its
    own database connections, and PostgreSQL allows 100 by default.
    """
    return max(2, os.cpu_count() or 2)


def gunicorn_options(host: str, port: int, workers: int | None, threads: int) -> dict[str, Any]:
    """The gunicorn settings of ``trygghet serve`` (bench/load.py serves its floor with them)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "threads": threads,
        "worker_class": "gthread",
        # SIGTERM: stop accepting, let requests in flight finish (up to 30 s), exit 0.
        "graceful_timeout": 30,
        "timeout": 60,
        # No access log: it would hold visitors' IP addresses and user agents; and none in
        # the error log either (gunicorn names the client of a malformed request).
        "accesslog": None,
        "logger_class": PrivateLogger,
        "errorlog": "-",
        "loglevel": "info",
        # The control socket would sit at one path per user, so two instances would clash.
        "control_socket_disable": True,
        "pre_fork": _freeze_before_fork,
    }


def _freeze_before_fork(_server: Any, _worker: Any) -> None:
    """Leave what the server has loaded out of the workers' garbage collections, so that
    they never write to those objects' pages (copy on write), as Python's gc.freeze advises
    right before fork."""
    gc.freeze()


#: Freed memory that glibc's malloc keeps for reuse, at the top of each of its arenas (the
#: main one and one per thread in use), before it gives any back to the kernel. Its default,
#: 128 kB, is less than the 2 MB page cache of a SQLite connection, which SQLite empties
#: whenever another connection has committed: with several workers or threads writing,
#: every answer returned its connection's cache to the kernel and had it faulted back in,
#: zeroed, page by page. 2 workers x 4 threads, 16 clients, 2 cores (2026-11-30), paired
#: runs: 0.9-1.6 ms of the 2.5-4.7 ms of server CPU per answer was the kernel's; with the
#: threshold raised, 0.23-0.37 ms of 1.6-2.1 ms, and 353-668 answers/s became 864-1,111.
#: The workers' resident memory (158-175 MB each) did not change.
MALLOC_TRIM_THRESHOLD = 32 * 1024 * 1024
#: Blocks larger than this are mapped from the kernel for themselves and unmapped when freed.
#: glibc raises it on the fly (and the trim threshold to twice it) after such a block is
#: freed, but not once the trim threshold is set, so it is set too, at half, as glibc pairs
#: them: otherwise every block over 128 kB (a PDF's, an export's) would be faulted in anew.
MALLOC_MMAP_THRESHOLD = MALLOC_TRIM_THRESHOLD // 2
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def keep_freed_memory() -> bool:
    """Set glibc's malloc trim and mmap thresholds (above) for this process and the workers it
    forks; False where the C library is not glibc, or where the administrator has set either
    (glibc's MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ variables or its
    GLIBC_TUNABLES, which win)."""
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if (
        "MALLOC_TRIM_THRESHOLD_" in os.environ
        or "MALLOC_MMAP_THRESHOLD_" in os.environ
        or "glibc.malloc.trim_threshold" in tunables
        or "glibc.malloc.mmap_threshold" in tunables
    ):
        return False
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return False
    except (AttributeError, ValueError, OSError):  # not Linux, or no glibc
        return False
    libc = ctypes.CDLL(None)
    return bool(
        libc.mallopt(_M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD)
        and libc.mallopt(_M_TRIM_THRESHOLD, MALLOC_TRIM_THRESHOLD)
    )


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, in words, or None when it can.

    gunicorn itself retries a taken port for 5 s and then says "Can't connect to
    ('[address]', 8000)": its address blanked as a visitor's would be, and no way out.
    """
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except (OSError, UnicodeError):
        return f"cannot listen on {host}: no such address on this machine"
    with socket.socket(family, kind, proto) as probe:
        # As gunicorn binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use (another trygghet serve, or"
                    f" another program): stop it, or choose another port, e.g. --port {port + 1}"
                    if port < 65535
                    else f"port {port} on {host} is already in use: choose another with --port"
                )
            if exc.errno == errno.EACCES:
                return f"port {port} needs administrator rights: choose one above 1023 with --port"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def serve_wsgi(app: Any, options: dict[str, Any]) -> None:
    """Run any WSGI app under gunicorn with these options until stopped (bench/load.py's
    floor too, so that it is measured under the same process settings)."""
    keep_freed_memory()
    _Server(app, options).run()


def run(app: Flask, host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the app until stopped (SIGTERM finishes requests in flight)."""
    with app.app_context():
        # Connections opened before the fork must not be shared by the workers.
        db.engine.dispose()
    serve_wsgi(app, gunicorn_options(host, port, workers, threads))

"""Counters against ballot stuffing and password guessing, shared by every worker.

- ``SQLiteStorage``: a `limits` storage in a small SQLite file in the instance folder, so that
  the limits of one `trygghet serve` hold across all its workers without Redis
  (RATELIMIT_STORAGE_URI unset). Several servers share Redis through RATELIMIT_STORAGE_URI.
- ``client_key``: what the limiter counts by. Never the client address itself: an HMAC of it
  under the day's key, drawn at random the first time it is needed each UTC day and kept only
  in the limiter's own storage (shared by the workers and servers), which forgets it when the
  day ends. A key derived from SECRET_KEY alone would let whoever holds the secret key hash
  every IPv4 address and read any day's counters back; with the day's random part gone, a copy
  of the storage or of a backup links no address to anything.
- ``burst``: the shared count of answers to one place in the last minutes (the burst hold).
- The "already answered" cookie: the (place, round) pairs this browser has answered, signed
  with the app's secret key; nothing about it is stored on the server.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import os
import random
import secrets
import sqlite3
import threading
import time
from pathlib import Path

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature
from limits.storage import RedisStorage, Storage

from ..config import LIMITER_FILE, LIMITER_SCHEME
from .security import CookieSerializer, KeyKeepingSigner

log = logging.getLogger(__name__)

SCHEME = LIMITER_SCHEME
STORAGE_FILE = LIMITER_FILE


def _now() -> float:
    return time.time()


class SQLiteStorage(Storage):
    """Fixed-window counters in one SQLite table: atomic increments with an expiry.

    Each increment is one short write transaction (BEGIN IMMEDIATE), so workers and threads
    count one after another; WAL and a busy timeout keep them from failing on each other.
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri or "://" not in uri:
            raise ValueError(f"{SCHEME} needs a file: {SCHEME}:///path/to/file")
        self.path = uri.split("://", 1)[1]
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            old = os.umask(0o077)  # owner-only, with its -wal and -shm files
            try:
                conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute("PRAGMA synchronous=NORMAL")
                # A deleted row (the day's key part among them) is overwritten, not left in
                # free pages of the file.
                conn.execute("PRAGMA secure_delete=ON")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS counter ("
                    "key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)"
                )
            finally:
                os.umask(old)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = _now()
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if random.random() < 0.01:  # noqa: S311  # nosec B311 (housekeeping, not security)
                conn.execute("DELETE FROM counter WHERE expires <= ?", (now,))
            else:
                conn.execute("DELETE FROM counter WHERE key = ? AND expires <= ?", (key, now))
            value = conn.execute(
                "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value RETURNING value",
                (key, amount, now + expiry),
            ).fetchone()[0]
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return int(value)

    def _row(self, key: str) -> tuple[int, float] | None:
        row = (
            self._conn()
            .execute(
                "SELECT value, expires FROM counter WHERE key = ? AND expires > ?", (key, _now())
            )
            .fetchone()
        )
        return (int(row[0]), float(row[1])) if row else None

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else _now()

    def check(self) -> bool:
        try:
            self._conn().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._conn().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        self._conn().execute("DELETE FROM counter WHERE key = ?", (key,))

    def add(self, key: str, value: int, expiry: float) -> None:
        """Set a counter to a value unless it is there (and alive): the first writer wins."""
        now = _now()
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM counter WHERE key = ? AND expires <= ?", (key, now))
            conn.execute(
                "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO NOTHING",
                (key, value, now + expiry),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def purge(self) -> None:
        """Delete every expired counter and empty the write-ahead log, where deleted rows
        would otherwise stay until a checkpoint (secure_delete clears the main file only)."""
        conn = self._conn()
        conn.execute("DELETE FROM counter WHERE expires <= ?", (_now(),))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


#: How long a worker uses the day's random part it read before reading it again (after a
#: storage failure, when each process had its own, they agree again within this).
DAY_PART_SECONDS = 60
#: The day's random part outlives its day by this much (a request begun just before midnight).
DAY_PART_GRACE = 120
#: day -> (random part, monotonic time it was read); only this process's copy.
_day_parts: dict[str, tuple[int, float]] = {}
_day_parts_lock = threading.Lock()


def _utc_day() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _seconds_left(day: str) -> int:
    ends = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.UTC) + dt.timedelta(1)
    return max(1, int((ends - dt.datetime.now(dt.UTC)).total_seconds())) + DAY_PART_GRACE


def _stored_day_part(day: str) -> int | None:
    """The day's random part from the limiter's storage, drawn there if it has none yet.

    None when the limiter is off or its storage fails: the caller keeps a part of its own.
    """
    # The app's limiter (Flask-Limiter registers itself there when it is on); importing
    # survey.extensions here would make an import circle.
    limiter = next(iter(current_app.extensions.get("limiter") or ()), None)
    if limiter is None or not limiter.enabled:
        return None
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    name = f"{prefix}day-key:{day}"
    try:
        storage = limiter.storage
        if not storage.get(name):
            # Two workers may draw at once: the first one stored wins, and both read it back.
            _add(storage, name, secrets.randbits(62) | 1, _seconds_left(day))
            yesterday = dt.date.fromisoformat(day) - dt.timedelta(days=1)
            storage.clear(f"{prefix}day-key:{yesterday.isoformat()}")
            if isinstance(storage, SQLiteStorage):  # Redis and memory expire keys themselves
                storage.purge()
        return int(storage.get(name)) or None
    except Exception:  # noqa: BLE001 (Redis down: requests go on, counted per process)
        log.warning("rate-limit storage unavailable; the day's key is this process's own")
        return None


def _add(storage: Storage, key: str, value: int, expiry: int) -> None:
    """Store a value under a key unless it is there: SQLite's and Redis' own set-if-absent."""
    if isinstance(storage, SQLiteStorage):
        storage.add(key, value, expiry)
    elif isinstance(storage, RedisStorage):
        storage.get_connection().set(storage.prefixed_key(key), value, nx=True, ex=expiry)
    else:  # the memory storage: one process, whose counters only it sees
        storage.incr(key, expiry, amount=value)


def _day_part(day: str) -> int:
    now = time.monotonic()
    with _day_parts_lock:
        cached = _day_parts.get(day)
    if cached and now - cached[1] < DAY_PART_SECONDS:
        return cached[0]
    part = _stored_day_part(day) or (cached[0] if cached else secrets.randbits(62) | 1)
    with _day_parts_lock:
        for old in [d for d in _day_parts if d != day]:
            del _day_parts[old]
        _day_parts[day] = (part, now)
    return part


def keyed_hash(value: str) -> str:
    """An HMAC of the value under today's key (UTC date): unlinkable from one day to the next,
    and by anyone, SECRET_KEY in hand, once the day's random part is gone."""
    day = _utc_day()
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        b"trygghet-limiter:%s:%d" % (day.encode(), _day_part(day)),
        hashlib.sha256,
    ).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """The limiter's key for this client: a keyed hash of its address, never the address."""
    return "client:" + keyed_hash(get_remote_address() or "")


def burst(storage: Storage | None, place_id: int, amount: int = 1) -> int:
    """Count one more answer to this place in the current burst window; return the count.

    ``amount=-1`` takes a count back (a page sent twice is one answer). 0 when there is no
    storage (limits off) or it fails: an answer is never refused or held because the
    counters are unreachable.
    """
    minutes = current_app.config["TRYGGHET_BURST_MINUTES"]
    if storage is None or not current_app.config["TRYGGHET_BURST_ANSWERS"]:
        return 0
    try:
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
        return storage.incr(f"{prefix}burst:place:{place_id}", int(minutes * 60), amount)
    except Exception:  # noqa: BLE001 (Redis down: answers go on)
        log.warning("burst counter unavailable; answer not checked")
        return 0


#: The cookie naming the (place, round) pairs this browser has answered.
ANSWERED_COOKIE = "trygghet_answered"
#: Pairs kept in it (the newest); a resident answers a handful of places a round.
ANSWERED_MAX = 40
#: How long the browser keeps it after the last answer: about one round, no longer.
ANSWERED_DAYS = 120
#: Site-wide, so that /radera can take an erased answer off the list.
ANSWERED_PATH = "/"
#: Where earlier versions kept it; replaced (and so removed) whenever the list is written.
LEGACY_PATH = "/s/"


def _serializer() -> CookieSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=4)
def _serializer_for(secret_key: str) -> CookieSerializer:
    return CookieSerializer(secret_key, salt="trygghet-answered", signer=KeyKeepingSigner)


def _pairs_of(raw: str) -> list[tuple[int, int]]:
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(data, list):
        return []
    return [
        (p[0], p[1])
        for p in data
        if isinstance(p, list) and len(p) == 2 and all(isinstance(x, int) for x in p)
    ]


def answered_pairs() -> list[tuple[int, int]]:
    """The (place id, round id) pairs in this browser's signed cookie (none if tampered)."""
    # The browser may send two: this path's and the legacy one under /s/.
    pairs: list[tuple[int, int]] = []
    for raw in request.cookies.getlist(ANSWERED_COOKIE):
        pairs += [p for p in _pairs_of(raw) if p not in pairs]
    return pairs


def has_answered(place_id: int, round_id: int) -> bool:
    return (place_id, round_id) in answered_pairs()


def _write(response: Response, pairs: list[tuple[int, int]], legacy: bool = True) -> None:
    """Set the list on the response; ``legacy``: also remove the cookie under LEGACY_PATH."""
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
    if pairs:
        response.set_cookie(
            ANSWERED_COOKIE,
            _serializer().dumps([list(p) for p in pairs]),
            max_age=ANSWERED_DAYS * 86400,
            path=ANSWERED_PATH,
            secure=secure,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(ANSWERED_COOKIE, path=ANSWERED_PATH, secure=secure, httponly=True)
    if legacy:
        response.delete_cookie(ANSWERED_COOKIE, path=LEGACY_PATH, secure=secure, httponly=True)


def remember_answer(response: Response, place_id: int, round_id: int) -> None:
    """Add the pair to the browser's signed cookie on this response."""
    pairs = [p for p in answered_pairs() if p != (place_id, round_id)]
    # Answers are sent to /s/..., where a legacy cookie would be sent too: without any
    # answered cookie in the request there is none to remove (a first answer, the usual one).
    legacy = ANSWERED_COOKIE in request.cookies
    _write(response, [*pairs, (place_id, round_id)][-ANSWERED_MAX:], legacy)


def forget_answer(response: Response, place_id: int, round_id: int) -> None:
    """Take the pair off the browser's signed cookie: its answer was erased."""
    # The legacy cookie under /s/ is not sent here and cannot be read: it goes as a whole.
    _write(response, [p for p in answered_pairs() if p != (place_id, round_id)])

"""Load the real survey POST beside a bare Flask insert (the floor), with SYNTHETIC answers.

    python bench/load.py [--clients 16] [--seconds 10] [--rounds 2] [--workers N] [--threads T]
                         [--no-wrk] [--no-cpu] [--cpu-batches 30] [--cpu-size 150]
                         [--against ../main]

First the in-process CPU per POST (bench/post_cpu.py: the survey, the survey without the
answer-count triggers and the floor, in interleaved batches through the test client), then the
HTTP figures below. The HTTP load comes from wrk when it is installed (2 threads, one
connection per client, a Lua script that counts every reply other than a 303 as an error),
otherwise from the asyncio clients described below. Every POST, the floor's too, carries a
page id of its own, as a resident's browser sends one from each survey page it shows.

Starts two servers (three with --against) on free localhost ports, each in its own temporary
folder and each with the gunicorn settings of `trygghet serve` (survey.cli.serve.gunicorn_options):
- the survey: `trygghet serve` on a new SQLite file (default places and the default open
  round), rate limits off (RATELIMIT_ENABLED=false);
- the floor: a tiny Flask app defined below, taking the same form POST and doing one INSERT
  into a SQLite file with the same pragmas (survey.db.SQLITE_PRAGMAS), then a 303 redirect.

Then N clients (asyncio, one keep-alive connection each, in this process) load each server
in turn for --rounds rounds of --seconds (alternating, so machine noise hits both alike). A
survey client GETs the form once (session cookie + CSRF token; Flask-WTF accepts the same
token for every POST of the session) and then POSTs a valid answer again and again. Only
POSTs are timed. An answer is acknowledged by a 303 redirect; anything else is an error.

``--against TREE``: before and after in one run. The survey of another checkout (say the main
branch's, served by this interpreter with TREE first on its path) runs as a third server,
on its own SQLite file, in the same alternation; the in-process figures compare the two
checkouts as ``bench/post_cpu.py --against`` does.

Prints requests/s, p50/p99 latency and errors of both, the survey's share of the floor, and
the CPU the load generator itself used (it shares the machine with the servers). At the end
both servers are stopped and the stored rows are counted: they must equal the acknowledged
answers. Exits 1 on any error or missing row; the speed targets are only reported, as they
depend on the machine. Targets (DESIGN §5, issue 6), 2-core machine, 16 clients: survey
>= 50 % of the floor's requests/s, p99 < 100 ms, zero errors, a stored row per answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PLACE = "brommaplan"
#: A valid answer of questionnaire v1 (the required items and a few more).
ANSWER = {
    "relation": "live",
    "safety_day": "1",
    "safety_afternoon": "2",
    "safety_evening": "3",
    "safety_night": "avoid",
    "problem_litter": "3",
    "problem_lighting": "2",
    "comment": "SYNTHETIC load test answer",
}
#: The hidden field naming the survey page as shown (survey.services.receipts.FORM_FIELD): a
#: resident's browser sends it with every answer, each page its own (22 URL-safe characters),
#: and the survey derives the receipt code from it. Every POST here, the floor's too, carries
#: a new one in its place, as a new page would; a repeated one would be a double click, which
#: the survey stores once.
PAGE_FIELD = "page"
PAGE_HOLDER = "P" * 22
WRK = shutil.which("wrk")
CSRF_INPUT = re.compile(rb'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


# -- the floor: one INSERT per POST -------------------------------------------------------------

FLOOR_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS answer (id INTEGER PRIMARY KEY, place TEXT NOT NULL, "
    "relation TEXT, safety_day TEXT, safety_afternoon TEXT, safety_evening TEXT, "
    "safety_night TEXT, comment TEXT)"
)
FLOOR_COLUMNS = ("relation", "safety_day", "safety_afternoon", "safety_evening", "safety_night")


def floor_app(db_path: str):
    """A bare Flask app: read the form, insert one row, redirect (no CSRF, no validation)."""
    from flask import Flask, redirect, request

    from survey.db import SQLITE_PRAGMAS

    app = Flask("floor")
    local = threading.local()

    def connection() -> sqlite3.Connection:
        # One connection per thread, opened after the fork, like a pool of one.
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(db_path)
            for pragma in SQLITE_PRAGMAS:
                local.conn.execute(pragma)
        return local.conn

    @app.post("/s/<slug>")
    def insert(slug: str):
        values = [request.form.get(c) for c in FLOOR_COLUMNS]
        conn = connection()
        conn.execute(
            "INSERT INTO answer (place, relation, safety_day, safety_afternoon, safety_evening,"
            " safety_night, comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [slug, *values, request.form.get("comment")],
        )
        conn.commit()
        return redirect(f"/s/{slug}/tack", code=303)

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app


def serve_floor(db_path: str, port: int, workers: int | None, threads: int) -> None:
    """Run the floor with exactly the gunicorn settings of `trygghet serve`."""
    from survey.cli.serve import gunicorn_options, serve_wsgi

    with sqlite3.connect(db_path) as conn:
        conn.execute(FLOOR_SCHEMA)
    serve_wsgi(floor_app(db_path), gunicorn_options("127.0.0.1", port, workers, threads))


# -- servers ------------------------------------------------------------------------------------


def free_ports(n: int) -> list[int]:
    """N different free ports (all held open while choosing, so none is handed out twice)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def checkout_env(root: Path, env: dict[str, str]) -> dict[str, str]:
    """What to add to ``env`` so that ``python -P`` imports the survey package from ``root``:
    nothing for the installed checkout (served as `trygghet serve` runs in production), its
    PYTHONPATH for another. Checked in a fresh interpreter (this one has its own checkout
    first on its path); exits when neither gives ``root``'s package."""
    for extra in (
        {},
        {"PYTHONPATH": os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))},
    ):
        done = subprocess.run(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-P", "-c", "import survey; print(survey.__file__)"],
            env=env | extra,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0 and Path(done.stdout.strip()).parent.parent == root.resolve():
            return extra
    sys.exit(f"cannot serve the survey package of {root}")


def start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # Own process group, so the master and its workers are stopped together.
    with log.open("wb") as out:  # the child keeps its own copy of the handle
        return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_ready(port: int, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    stop(proc)
    sys.exit(f"server on port {port} did not answer within {seconds:g} s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> int:
    """SIGTERM the server (requests in flight finish) and wait for it."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        return proc.wait(timeout=40)
    except ProcessLookupError:  # already gone (it failed to start)
        return proc.wait()
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


# -- the load generator -------------------------------------------------------------------------


@dataclass
class Tally:
    acknowledged: int = 0
    errors: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=dict)
    #: Timed answers when wrk ran (it reports percentiles, not each latency).
    timed: int = 0
    #: (p50, p99) in ms of each wrk run.
    wrk_percentiles: list[tuple[float, float]] = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def add(self, other: Tally, label: str = "") -> None:
        self.acknowledged += other.acknowledged
        self.seconds += other.seconds
        self.server_cpu += other.server_cpu
        self.latencies += other.latencies
        self.timed += other.timed
        self.wrk_percentiles += other.wrk_percentiles
        for kind, n in other.error_kinds.items():
            self.errors += n
            self.error_kinds[kind + label] = self.error_kinds.get(kind + label, 0) + n

    def count(self) -> int:
        return self.timed or len(self.latencies)

    def percentile(self, p: float) -> float:
        if self.wrk_percentiles:
            # wrk: the worst run's figure (its runs are alternated with the other server's).
            return max(run[0 if p == 50 else 1] for run in self.wrk_percentiles)
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


class Connection:
    """One keep-alive HTTP/1.1 connection with just enough parsing for these responses."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        match = re.search(rb"\r\ncontent-length: *(\d+)", lower)
        body = await self.reader.readexactly(int(match.group(1))) if match else b""
        if b"\r\nconnection: close" in lower or not match:
            await self.close()
        return status, head, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


def raw_request(method: str, path: str, port: int, body: bytes = b"", cookie: str = "") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept-Language: sv"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def survey_post(conn: Connection, port: int) -> bytes:
    """GET the form once; return the POST that answers it with this session's token."""
    status, head, page = await conn.request(raw_request("GET", f"/s/{PLACE}", port))
    token = CSRF_INPUT.search(page)
    cookie = re.search(rb"\r\nset-cookie: *(session=[^;]+)", head, re.IGNORECASE)
    if status != 200 or not token or not cookie:
        raise RuntimeError(f"the survey form did not load (status {status})")
    body = answer_body(token.group(1).decode()).encode()
    return raw_request("POST", f"/s/{PLACE}", port, body, cookie.group(1).decode())


def answer_body(csrf_token: str = "x" * 91) -> str:
    """The POST body of ANSWER with this CSRF token (the floor's: a dummy of the survey's
    size) and PAGE_HOLDER where each POST puts its own page id (``new_page``)."""
    return urlencode({"csrf_token": csrf_token, **ANSWER, PAGE_FIELD: PAGE_HOLDER})


def new_page(post: bytes) -> bytes:
    """The POST with a new page id in place of PAGE_HOLDER."""
    return post.replace(PAGE_HOLDER.encode(), secrets.token_urlsafe(16).encode(), 1)


async def client(port: int, survey: bool, until: float, tally: Tally, record: bool) -> None:
    conn = Connection(port)
    post = raw_request("POST", f"/s/{PLACE}", port, answer_body().encode())
    try:
        if survey:
            post = await survey_post(conn, port)
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                status, head, _ = await conn.request(new_page(post))
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                tally.error(type(exc).__name__)
                await conn.close()
                await asyncio.sleep(0.01)  # a server that is gone must not spin this loop
                continue
            elapsed = time.perf_counter() - started
            if status == 303 and b"/tack" in head:
                tally.acknowledged += 1
                if record:
                    tally.latencies.append(elapsed)
            else:
                tally.error(f"HTTP {status}")
    finally:
        await conn.close()


async def drive(port: int, survey: bool, clients: int, seconds: float, record: bool) -> Tally:
    tally = Tally()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(client(port, survey, until, tally, record) for _ in range(clients)))
    tally.seconds = time.monotonic() - started
    return tally


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept-Language"] = "sv"
%(cookie)s
local body = %(body)s
local holder = "%(holder)s"
local letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end
function init(args)
  bad = 0
  math.randomseed(os.time() * 100 + seed)
end
-- Each POST with a page id of its own, as a new survey page sends (PAGE_FIELD).
function request()
  local id = {}
  for i = 1, 22 do
    local k = math.random(64)
    id[i] = letters:sub(k, k)
  end
  return wrk.format(nil, nil, nil, (body:gsub(holder, table.concat(id), 1)))
end
function response(status, headers, body)
  if status ~= 303 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%f %%f\\n", summary.requests, b,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
"""


def survey_form(port: int) -> tuple[str, str]:
    """GET the form once: the POST body with this session's CSRF token, and its cookie."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/s/{PLACE}", timeout=30) as page:  # noqa: S310
        html = page.read()
        cookie = re.search(r"session=[^;]+", page.headers.get("Set-Cookie", ""))
    token = CSRF_INPUT.search(html)
    if not token or not cookie:
        raise RuntimeError("the survey form did not load")
    return answer_body(token.group(1).decode()), cookie.group(0)


def drive_wrk(port: int, survey: bool, clients: int, seconds: float, tmp: Path) -> Tally:
    """Load one server with wrk (2 threads, ``clients`` connections) for ``seconds``."""
    if survey:
        body, cookie = survey_form(port)
    else:
        body, cookie = answer_body(), ""
    script = tmp / f"post-{port}.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "body": json.dumps(body),
            "holder": PAGE_HOLDER,
            "cookie": f'wrk.headers["Cookie"] = {json.dumps(cookie)}' if cookie else "",
        }
    )
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 (our own arguments)
        [
            WRK,
            "-t2",
            f"-c{clients}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/s/{PLACE}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    tally = Tally(seconds=time.monotonic() - started)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", done.stdout)
    if not found:
        tally.error("wrk failed")
        print(done.stdout, done.stderr)
        return tally
    requests, bad, socket_errors = (int(found.group(i)) for i in (1, 2, 3))
    tally.acknowledged = tally.timed = requests - bad
    for _ in range(bad):
        tally.error("not 303")
    for _ in range(socket_errors):
        tally.error("socket")
    tally.wrk_percentiles.append((float(found.group(4)), float(found.group(5))))
    return tally


def driver_cpu() -> float:
    """CPU seconds of this process and its finished children (wrk)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def server_cpu(proc: subprocess.Popen) -> float:
    """CPU seconds used so far by a gunicorn master's workers (Linux /proc; 0 elsewhere)."""
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        total = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    except OSError:
        return 0.0
    return total / os.sysconf("SC_CLK_TCK")


def count_rows(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


# -- the run ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0, help="per round and server")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=2.0, help="untimed load per server")
    parser.add_argument("--workers", type=int, default=None, help="default: as trygghet serve")
    parser.add_argument("--threads", type=int, default=None, help="default: as trygghet serve")
    parser.add_argument("--no-wrk", action="store_true", help="use the asyncio clients")
    parser.add_argument("--no-cpu", action="store_true", help="skip the in-process CPU figures")
    parser.add_argument("--cpu-batches", type=int, default=30)
    parser.add_argument("--cpu-size", type=int, default=150)
    parser.add_argument("--against", type=Path, help="another checkout, served beside this one")
    parser.add_argument("--floor-server", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    from survey.cli.serve import DEFAULT_THREADS, default_workers

    workers = args.workers or default_workers()
    threads = args.threads or DEFAULT_THREADS
    if args.floor_server:
        serve_floor(args.floor_server[0], int(args.floor_server[1]), workers, threads)
        return 0

    if not args.no_cpu and args.against:
        from post_cpu import against

        paired = against(args.against, args.cpu_batches, args.cpu_size)
        print(
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; in-process CPU per"
            f" POST ({args.cpu_batches} interleaved batches of {args.cpu_size}, median):"
            f" {args.against} {paired['before']:.2f} ms, this checkout {paired['after']:.2f} ms,"
            f" floor {paired['floor']:.2f} ms"
        )
    elif not args.no_cpu:
        from post_cpu import measure

        cpu = measure(args.cpu_batches, args.cpu_size)
        print(
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; in-process CPU per"
            f" POST ({args.cpu_batches} interleaved batches of {args.cpu_size}, median):"
            f" survey {cpu['survey']:.2f} ms, floor {cpu['floor']:.2f} ms, survey without the"
            f" answer-count triggers {cpu['no counts']:.2f} ms"
            f" ({'ok' if cpu['survey'] <= 1.5 else 'MISS'} target <= 1.5 ms)"
        )
    use_wrk = WRK is not None and not args.no_wrk
    print(
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; HTTP load by "
        + ("wrk" if use_wrk else "asyncio clients in this process")
    )
    with tempfile.TemporaryDirectory(prefix="trygghet-load-") as tmp_name:
        tmp = Path(tmp_name)
        floor_db = tmp / "floor.db"
        surveys = {"survey": HERE.parent}
        if args.against:
            surveys["before"] = args.against.resolve()
        names = ("floor", *surveys)
        dbs = {name: tmp / f"{name}.db" for name in names}
        env = os.environ | {
            "RATELIMIT_ENABLED": "false",
            "SECRET_KEY": "bench-load-secret-key-0123456789abcdef",
        }
        ports = dict(zip(names, free_ports(len(names)), strict=True))
        scale = ["--workers", str(workers), "--threads", str(threads)]
        # -P: no current directory first on the path, which would serve this checkout for any.
        trygghet = [sys.executable, "-P", "-c", "from survey.cli import main; main()"]
        logs = {name: tmp / f"{name}.log" for name in ports}
        procs = {
            name: start(
                [*trygghet, "serve", "--port", str(ports[name]), *scale],
                env
                | {
                    "DATABASE_URL": f"sqlite:///{dbs[name]}",
                    "TRYGGHET_INSTANCE": str(tmp / f"instance-{name}"),
                }
                | checkout_env(root, env),
                logs[name],
            )
            for name, root in surveys.items()
        }
        procs |= {
            "floor": start(
                [sys.executable, __file__, "--floor-server", str(floor_db), str(ports["floor"])]
                + scale,
                env,
                logs["floor"],
            ),
        }
        try:
            for name, proc in procs.items():
                wait_ready(ports[name], proc, logs[name])
            totals = {name: Tally() for name in ports}
            cpu_used = wall = 0.0
            for name in ports:  # warm up: imports, first connections, page caches
                warm = asyncio.run(drive(ports[name], name != "floor", 4, args.warmup, False))
                warm.seconds = 0.0  # counted for rows and errors, not for speed
                totals[name].add(warm, " (warm-up)")
            order = list(names)
            for _ in range(args.rounds):
                for name in order:
                    cpu0, server0 = driver_cpu(), server_cpu(procs[name])
                    if use_wrk:
                        tally = drive_wrk(
                            ports[name], name != "floor", args.clients, args.seconds, tmp
                        )
                    else:
                        tally = asyncio.run(
                            drive(ports[name], name != "floor", args.clients, args.seconds, True)
                        )
                    cpu_used += driver_cpu() - cpu0
                    wall += tally.seconds
                    tally.server_cpu = server_cpu(procs[name]) - server0
                    totals[name].add(tally)
                order.reverse()  # neither server always follows the other
        finally:
            exits = {name: stop(proc) for name, proc in procs.items()}
        stored = {name: count_rows(dbs[name], "response") for name in surveys}
        stored["floor"] = count_rows(floor_db, "answer")
        return report(args, workers, threads, totals, stored, exits, cpu_used / wall, logs, use_wrk)


def report(args, workers, threads, totals, stored, exits, driver_share, logs, wrk=False) -> int:
    # wrk stops with requests in flight: stored but never acknowledged (at most one per
    # connection and run); the asyncio clients finish theirs.
    in_flight = args.clients * (args.rounds + 1) if wrk else 0
    print(
        f"{args.clients} clients, {args.rounds} x {args.seconds:g} s per server, gunicorn "
        f"{workers} workers x {threads} threads (gthread), {os.cpu_count()} CPU cores; "
        f"the load generator used {driver_share:.0%} of one core"
    )
    columns = ("req/s", "cpu ms", "p50 ms", "p99 ms", "errors", "acked", "stored")
    print(f"{'':14} " + " ".join(f"{c:>8}" for c in columns))
    rate = {}
    labels = {"floor": "floor insert", "before": "survey before", "survey": "survey POST"}
    for name, label in labels.items():
        if name not in totals:
            continue
        t = totals[name]
        rate[name] = t.count() / t.seconds if t.seconds else 0.0
        cpu_ms = t.server_cpu / t.count() * 1000 if t.count() else float("nan")
        print(
            f"{label:14} {rate[name]:8.0f} {cpu_ms:8.2f} {t.percentile(50):8.1f} "
            f"{t.percentile(99):8.1f} {t.errors:8d} {t.acknowledged:8d} {stored[name]:8d}"
        )
        if t.error_kinds:
            print(f"{'':14} errors: {t.error_kinds}")
    share = rate["survey"] / rate["floor"] if rate["floor"] else 0.0
    p99 = totals["survey"].percentile(99)
    checks = [
        (f"survey at {share:.0%} of the floor", share >= 0.5, ">= 50 %"),
        (f"survey p99 {p99:.0f} ms", p99 < 100, "< 100 ms"),
        ("no errors", all(t.errors == 0 for t in totals.values()), "0"),
        (
            "a stored row per acknowledged answer",
            all(
                totals[n].acknowledged <= stored[n] <= totals[n].acknowledged + in_flight
                for n in totals
            ),
            "stored == acked",
        ),
        ("servers stopped cleanly", all(code == 0 for code in exits.values()), "exit 0"),
    ]
    print(
        "cpu ms: server CPU (all workers) per timed request, which machine noise hardly moves; "
        "its ratio predicts the req/s ratio on a quiet machine when both are CPU-bound."
    )
    for what, ok, target in checks:
        print(f"{'ok  ' if ok else 'MISS'} {what} (target {target})")
    correct = all(ok for _, ok, _ in checks[2:])
    if not correct:
        for name, log in logs.items():
            print(f"--- {name} log (end) ---\n{log.read_text(errors='replace')[-2000:]}")
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())

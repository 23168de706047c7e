"""In-process CPU per survey POST, beside a bare Flask insert (the floor), interleaved.

    python bench/post_cpu.py [--batches 30] [--size 150] [--profile FILE]
    python bench/post_cpu.py --against ../main [--batches 30] [--size 150]

Both apps run in this process through Werkzeug's test client (no sockets, no gunicorn), so
the figure is the CPU one answer costs the app: routing, session cookie, CSRF check, form
validation, insert, commit, redirect. Batches of the survey and the floor alternate, so the
machine's noise hits both alike; the median batch of each is reported. bench/load.py prints
these figures before its HTTP run.

``--against TREE``: before and after in one run. The survey of another checkout (say the
main branch's) and of this one run in two worker processes, which take batches in turn
(alternating which goes first), so both see the same machine load.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from load import ANSWER, CSRF_INPUT, FLOOR_SCHEMA, PLACE, floor_app  # noqa: E402
from sqlalchemy import text  # noqa: E402


def survey_client(tmp: Path, counts: bool = True):
    """A test client of the real app on a new SQLite file with defaults, and its POST body.

    ``counts=False``: without the triggers that keep the answer counts, to measure their cost.
    """
    os.environ.setdefault("TRYGGHET_INSTANCE", str(tmp / "instance"))
    from survey.app import create_app
    from survey.cli.db import prepare_database

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / f'survey-{counts}.db'}",
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench-post-cpu-secret-key-0123456789abcdef",
        }
    )
    with app.app_context():
        prepare_database()
        if not counts:
            from survey.extensions import db
            from survey.models.aggregates import drop_ddl

            for statement in drop_ddl("sqlite"):
                db.session.execute(text(statement))
            db.session.commit()
    # As bench/load.py's clients: the session cookie of one GET is sent with every POST,
    # and cookies the POST sets (the "answered" one) are not kept.
    client = app.test_client(use_cookies=False)
    page = client.get(f"/s/{PLACE}", headers={"Accept-Language": "sv"})
    token = CSRF_INPUT.search(page.data)
    cookie = re.search(r"session=[^;]+", page.headers.get("Set-Cookie", ""))
    if page.status_code != 200 or token is None or cookie is None:
        sys.exit(f"the survey form did not load (status {page.status_code})")
    body = urlencode({"csrf_token": token.group(1).decode(), **ANSWER})
    return app, client, body, cookie.group(0)


def floor_client(tmp: Path):
    db_path = str(tmp / "floor.db")
    with sqlite3.connect(db_path) as conn:
        conn.execute(FLOOR_SCHEMA)
    return floor_app(db_path).test_client(), urlencode({"csrf_token": "x" * 91, **ANSWER})


def post_batch(client, body: str, size: int, cookie: str = "") -> float:
    """CPU seconds per POST over ``size`` POSTs; every one must be acknowledged (303)."""
    headers = {"Accept-Language": "sv", "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.process_time()
    for _ in range(size):
        response = client.post(f"/s/{PLACE}", data=body, headers=headers)
        if response.status_code != 303:
            sys.exit(f"POST answered {response.status_code}: {response.data[:500]!r}")
    return (time.process_time() - started) / size


def measure(batches: int, size: int, profile: str | None = None) -> dict[str, float]:
    """Median CPU ms per POST of the survey and the floor, interleaved batches."""
    with tempfile.TemporaryDirectory(prefix="trygghet-cpu-") as name:
        tmp = Path(name)
        app, client, body, cookie = survey_client(tmp)
        try:
            _bare, bare, bare_body, bare_cookie = survey_client(tmp, counts=False)
        except ImportError:  # a tree from before the answer counts (a before/after run)
            bare, bare_body, bare_cookie = client, body, cookie
        floor, floor_body = floor_client(tmp)
        post_batch(client, body, 20, cookie)  # warm: imports, caches, first connections
        post_batch(bare, bare_body, 20, bare_cookie)
        post_batch(floor, floor_body, 20)
        figures: dict[str, list[float]] = {"survey": [], "no counts": [], "floor": []}
        for _ in range(batches):
            figures["floor"].append(post_batch(floor, floor_body, size))
            figures["survey"].append(post_batch(client, body, size, cookie))
            figures["no counts"].append(post_batch(bare, bare_body, size, bare_cookie))
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            post_batch(client, body, size * 4, cookie)
            profiler.disable()
            profiler.dump_stats(profile)
        with app.app_context():
            from survey.extensions import db

            stored = db.session.execute(text("SELECT count(*) FROM response")).scalar_one()
        shared = 2 if bare is client else 1  # the posts "without counts" went here too
        expected = 20 * shared + batches * size * shared + (size * 4 if profile else 0)
        if stored != expected:
            sys.exit(f"{stored} answers stored, {expected} acknowledged")
    return {name: statistics.median(values) * 1000 for name, values in figures.items()}


def worker(tree: str) -> None:
    """Serve batches of this checkout's survey over stdin/stdout: "survey N" or "floor N"."""
    # Nothing of survey is imported yet: the checkout's own package comes first on the path.
    sys.path.insert(0, tree)
    with tempfile.TemporaryDirectory(prefix="trygghet-cpu-") as name:
        tmp = Path(name)
        _app, client, body, cookie = survey_client(tmp)
        floor, floor_body = floor_client(tmp)
        post_batch(client, body, 20, cookie)
        post_batch(floor, floor_body, 20)
        import survey

        print(f"ready {Path(survey.__file__).parent.parent}", flush=True)
        for line in sys.stdin:
            what, size = line.split()
            if what == "survey":
                cpu = post_batch(client, body, int(size), cookie)
            else:
                cpu = post_batch(floor, floor_body, int(size))
            print(f"{cpu * 1000:.6f}", flush=True)


def _ask(proc: subprocess.Popen[str], request: str = "") -> str:
    """Send a worker one line (none: just read) and return its answer."""
    if proc.stdin is None or proc.stdout is None:
        raise RuntimeError("a worker without pipes")
    if request:
        proc.stdin.write(request + "\n")
        proc.stdin.flush()
    return proc.stdout.readline().strip()


def against(tree: Path, batches: int, size: int) -> dict[str, float]:
    """Median CPU ms per POST of another checkout's survey and this one's, interleaved."""
    trees = {"before": tree.resolve(), "after": HERE.parent}
    workers = {}
    for label, root in trees.items():
        # Each worker with its own instance folder.
        env = {k: v for k, v in os.environ.items() if k != "TRYGGHET_INSTANCE"}
        workers[label] = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, __file__, "--worker", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
    try:
        for label, proc in workers.items():
            if _ask(proc) != f"ready {trees[label]}":
                sys.exit(f"the {label} worker did not start with {trees[label]}/survey")
        figures: dict[str, list[float]] = {"before": [], "after": [], "floor": []}
        order = ["before", "after"]
        for _ in range(batches):
            jobs = [(label, "survey") for label in order] + [("after", "floor")]
            for label, what in jobs:
                cpu = _ask(workers[label], f"{what} {size}")
                figures[label if what == "survey" else "floor"].append(float(cpu))
            order.reverse()
    finally:
        for proc in workers.values():
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait()
    return {label: statistics.median(values) for label, values in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--size", type=int, default=150)
    parser.add_argument("--profile", help="write a cProfile of extra survey POSTs here")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    parser.add_argument("--against", type=Path, help="another checkout, measured beside this one")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    if args.against:
        paired = against(args.against, args.batches, args.size)
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"in-process CPU per POST ({args.batches} interleaved batches of {args.size},"
            f" median): {args.against} {paired['before']:.2f} ms, this checkout"
            f" {paired['after']:.2f} ms ({paired['after'] / paired['before'] - 1:+.0%});"
            f" floor {paired['floor']:.2f} ms"
        )
        return 0
    figures = measure(args.batches, args.size, args.profile)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"in-process CPU per POST ({args.batches} interleaved batches of {args.size}, median):"
        f" survey {figures['survey']:.2f} ms, floor {figures['floor']:.2f} ms"
        f" (ratio {figures['survey'] / figures['floor']:.1f});"
        f" the survey without the answer-count triggers {figures['no counts']:.2f} ms"
    )
    if args.profile:
        stats = pstats.Stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from load import CSRF_INPUT, FLOOR_SCHEMA, PLACE, answer_body, floor_app, new_page  # noqa: E402
from sqlalchemy import text  # noqa: E402


def survey_client(tmp: Path, counts: bool = True):
    """A test client of the real app on a new SQLite file with defaults, and its POST body.

    ``counts=False``: without the triggers that keep the answer counts, to measure their cost.
    """
    os.environ.setdefault("TRYGGHET_INSTANCE", str(tmp / "instance"))
    from survey.app import create_app

    try:
        from survey.cli.db import prepare_database
    except ModuleNotFoundError:  # a tree from before the CLI was split into modules
        from survey.cli import prepare_database  # type: ignore[attr-defined,no-redef]

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
    body = answer_body(token.group(1).decode())
    return app, client, body, cookie.group(0)


def floor_client(tmp: Path):
    db_path = str(tmp / "floor.db")
    with sqlite3.connect(db_path) as conn:
        conn.execute(FLOOR_SCHEMA)
    return floor_app(db_path).test_client(), answer_body()


def post_batch(client, body: str, size: int, cookie: str = "") -> float:
    """CPU seconds per POST over ``size`` POSTs; every one must be acknowledged (303)."""
    headers = {"Accept-Language": "sv", "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.process_time()
    post = body.encode()
    for _ in range(size):
        response = client.post(f"/s/{PLACE}", data=new_page(post), headers=headers)
        if response.status_code != 303:
            sys.exit(f"POST answered {response.status_code}: {response.data[:500]!r}")
    return (time.process_time() - started) / size


def profile_posts(size: int, path: str) -> None:
    """A cProfile of ``size`` survey POSTs, after a warm-up, written to ``path``."""
    with tempfile.TemporaryDirectory(prefix="trygghet-cpu-") as name:
        _app, client, body, cookie = survey_client(Path(name))
        post_batch(client, body, 20, cookie)
        profiler = cProfile.Profile()
        profiler.enable()
        post_batch(client, body, size, cookie)
        profiler.disable()
        profiler.dump_stats(path)


def measure(batches: int, size: int) -> dict[str, float]:
    """Median CPU ms per POST of the survey, the survey without the answer-count triggers and
    the floor, in interleaved batches.

    Each survey runs in a worker process of its own: a second app in the same process (with
    its own database file) made the first one's POSTs up to twice as slow here, which no
    server, one app per process, ever sees.
    """
    workers = {
        "survey": _start(HERE.parent),
        "no counts": _start(HERE.parent, counts=False),
    }
    figures: dict[str, list[float]] = {"survey": [], "no counts": [], "floor": []}
    try:
        for label, proc in workers.items():
            if not _ask(proc).startswith("ready "):
                sys.exit(f"the {label} worker did not start")
        for _ in range(batches):
            figures["floor"].append(float(_ask(workers["survey"], f"floor {size}")))
            for label, proc in workers.items():
                figures[label].append(float(_ask(proc, f"survey {size}")))
    finally:
        _stop(workers.values())
    return {name: statistics.median(values) for name, values in figures.items()}


def worker(tree: str, counts: bool = True) -> None:
    """Serve batches of this checkout's survey over stdin/stdout: "survey N" or "floor N".

    At the end (stdin closed), every acknowledged answer must be stored.
    """
    # Nothing of survey is imported yet: the checkout's own package comes first on the path.
    sys.path.insert(0, tree)
    with tempfile.TemporaryDirectory(prefix="trygghet-cpu-") as name:
        tmp = Path(name)
        app, client, body, cookie = survey_client(tmp, counts=counts)
        floor, floor_body = floor_client(tmp)
        post_batch(client, body, 20, cookie)
        post_batch(floor, floor_body, 20)
        import survey

        print(f"ready {Path(survey.__file__).parent.parent}", flush=True)
        acknowledged = 20
        for line in sys.stdin:
            what, size = line.split()
            if what == "survey":
                cpu = post_batch(client, body, int(size), cookie)
                acknowledged += int(size)
            else:
                cpu = post_batch(floor, floor_body, int(size))
            print(f"{cpu * 1000:.6f}", flush=True)
        with app.app_context():
            from survey.extensions import db

            stored = db.session.execute(text("SELECT count(*) FROM response")).scalar_one()
        if stored != acknowledged:
            sys.exit(f"{stored} answers stored, {acknowledged} acknowledged")


def _start(tree: Path, counts: bool = True) -> subprocess.Popen[str]:
    """A worker process serving batches of this checkout's (or ``tree``'s) survey."""
    # Each worker with its own instance folder.
    env = {k: v for k, v in os.environ.items() if k != "TRYGGHET_INSTANCE"}
    command = [sys.executable, __file__, "--worker", str(tree)]
    return subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        command if counts else [*command, "--no-counts"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def _stop(workers: Iterable[subprocess.Popen[str]]) -> None:
    """Close the workers' input and wait; a worker that found a missing row fails the run."""
    for proc in workers:
        if proc.stdin is not None:
            proc.stdin.close()
    if any(proc.wait() for proc in workers):
        sys.exit("a worker failed")


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
    workers = {label: _start(root) for label, root in trees.items()}
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
        _stop(workers.values())
    return {label: statistics.median(values) for label, values in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--size", type=int, default=150)
    parser.add_argument("--profile", help="write a cProfile of extra survey POSTs here")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    parser.add_argument("--against", type=Path, help="another checkout, measured beside this one")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-counts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, counts=not args.no_counts)
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
    figures = measure(args.batches, args.size)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"in-process CPU per POST ({args.batches} interleaved batches of {args.size}, median):"
        f" survey {figures['survey']:.2f} ms, floor {figures['floor']:.2f} ms"
        f" (ratio {figures['survey'] / figures['floor']:.1f});"
        f" the survey without the answer-count triggers {figures['no counts']:.2f} ms"
    )
    if args.profile:
        profile_posts(args.size * 4, args.profile)
        stats = pstats.Stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

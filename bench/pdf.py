"""Time the PDF situation picture of one area on SYNTHETIC answers (25,000 by default).

    python bench/pdf.py [--answers 25000] [--area bromma] [--runs 5] [--warm 10] [--keep DIR]

Builds a SQLite database in a temporary folder (or DIR) with `trygghet db init` and
`trygghet import responses` of N made-up answers (bench/import_responses.py's generator) over
the area's places, then runs `trygghet lagesbild --area AREA --format pdf --out FILE` --runs
times, each in a fresh process as a user runs it, and prints the machine's load, the min and
median CPU (user + sys) and wall time. CPU is the figure to compare on a shared machine.
Then, in one more fresh process, where the time goes: imports and app start, the picture,
the PDF (CPU seconds of each step).

Warm: an organizer gets the PDF from the running web app, a process that has long imported
everything and served PDFs before. So in one more fresh process the app (with its pages)
logs an organizer in with the test client and requests /organizer/areas/AREA/report.pdf once
to warm up, then --warm times, and prints the min and median CPU per PDF (the same route,
view and writer the server runs, without the network).

Target (issue 16): a PDF of one area <= 2 s on 25,000 answers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _trygghet(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Run the command in a fresh process; return its (CPU, wall) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "survey.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def build(folder: Path, answers: int, area: str, env: dict[str, str]) -> None:
    """A database with the defaults and ``answers`` synthetic answers in the area's places."""
    from import_responses import write_synthetic

    _trygghet(env, "db", "init")
    with sqlite3.connect(folder / "trygghet.db") as db:
        places = [
            slug
            for (slug,) in db.execute(
                "SELECT place.slug FROM place JOIN area ON area.id = place.area_id"
                " WHERE area.slug = ?",
                (area,),
            )
        ]
    if not places:
        raise SystemExit(f"no places in area {area!r}")
    csv_path = folder / "synthetic.csv"
    write_synthetic(csv_path, answers, places)
    cpu, wall = _trygghet(env, "import", "responses", str(csv_path))
    print(f"imported {answers} answers over {len(places)} places:", end=" ")
    print(f"{wall:.1f} s wall, {cpu:.1f} s CPU")


def phases(area: str, out: Path) -> None:
    """In this (fresh) process: CPU seconds of imports and app start, the picture, the PDF."""
    clock = time.process_time
    started = clock()
    from analysis.survey import Filters
    from survey.app import create_app
    from survey.reports.pictures import build_pictures
    from survey.reports.writers import write_pictures

    app = create_app(web=False)
    steps = {"imports and app start": clock() - started}
    with app.app_context():
        from flask import current_app

        from survey.extensions import db

        with db.engine.connect() as conn:
            started = clock()
            suppress = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
            pictures = build_pictures(conn, [area], Filters(), suppress, None, "sv")
            steps["situation picture"] = clock() - started
            started = clock()
            with out.open("wb") as stream:
                write_pictures(pictures, "pdf", stream, "sv", False)
            steps["PDF (charts, layout)"] = clock() - started
    print(json.dumps(steps))


BENCH_USER = ("bench-pdf@trygghet.test", "bench-pdf-password-123")


def _log_in(client: Any) -> None:
    """Log the bench's organizer in as a browser does (CSRF token from the login form)."""
    form = client.get("/organizer/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    email, password = BENCH_USER
    answer = client.post(
        "/organizer/login",
        data={"csrf_token": token.group(1), "email": email, "password": password},
    )
    if answer.status_code != 302:
        raise SystemExit(f"the bench's organizer could not log in: {answer.status_code}")


def warm(area: str, runs: int) -> None:
    """In this (fresh) process: CPU seconds per PDF through the app's route, after a warm-up."""
    from survey.app import create_app
    from survey.extensions import db
    from survey.models import User
    from survey.services.accounts import create_user

    app = create_app()
    with app.app_context():
        if db.session.query(User).filter_by(email=BENCH_USER[0]).one_or_none() is None:
            create_user(db.session, BENCH_USER[0], "organizer", BENCH_USER[1])
            db.session.commit()
    client = app.test_client()
    _log_in(client)
    path = f"/organizer/areas/{area}/report.pdf"
    seconds = []
    for run in range(runs + 1):
        started = time.process_time()
        answer = client.get(path)
        spent = time.process_time() - started
        if answer.status_code != 200 or not answer.data.startswith(b"%PDF"):
            raise SystemExit(f"{path}: {answer.status_code}, not a PDF")
        if run:  # the first is the warm-up
            seconds.append(spent)
    print(json.dumps({"cpu": seconds, "kB": len(answer.data) / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=25_000)
    parser.add_argument("--area", default="bromma")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm", type=int, default=10, help="PDFs from one warm app")
    parser.add_argument("--keep", type=Path, help="build in (or reuse) this folder")
    parser.add_argument("--phases", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warm-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        phases(args.area, Path(os.environ["TRYGGHET_DATA_DIR"]) / "phases.pdf")
        return
    if args.warm_only:
        warm(args.area, args.warm)
        return
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TRYGGHET_DATA_DIR": str(folder), "PYTHONPATH": str(HERE.parent)}
        env.pop("DATABASE_URL", None)
        # As an installed copy runs: from its compiled modules, not from source every time.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not (folder / "trygghet.db").is_file():
            build(folder, args.answers, args.area, env)
        out = folder / "lagesbild.pdf"
        command = ("lagesbild", "--area", args.area, "--format", "pdf", "--out", str(out))
        print(f"load before: {_load()}")
        runs = [_trygghet(env, *command) for _ in range(args.runs)]
        cpu, wall = [r[0] for r in runs], [r[1] for r in runs]
        print(
            f"trygghet lagesbild --area {args.area} --format pdf, {args.runs} runs:"
            f" CPU min {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s;"
            f" wall min {min(wall):.2f} s, median {statistics.median(wall):.2f} s;"
            f" {out.stat().st_size / 1024:.0f} kB"
        )
        detail = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, __file__, "--phases", "--area", args.area],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        for step, seconds in json.loads(detail.stdout.strip().splitlines()[-1]).items():
            print(f"  {step}: {seconds:.2f} s CPU")
        if args.warm:
            print(f"load before warm: {_load()}")
            served = subprocess.run(  # noqa: S603 (our own interpreter and script)
                [sys.executable, __file__, "--warm-only", "--area", args.area]
                + ["--warm", str(args.warm)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(served.stdout.strip().splitlines()[-1])
            cpu = result["cpu"]
            print(
                f"warm app, GET /organizer/areas/{args.area}/report.pdf, {len(cpu)} PDFs after"
                f" one warm-up: CPU min {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s;"
                f" {result['kB']:.0f} kB"
            )
        print(f"load after: {_load()}  (target: <= 2 s for one area)")


if __name__ == "__main__":
    main()

"""Time `trygghet import responses` on SYNTHETIC data: rows/s and peak memory.

    python bench/import_responses.py [--rows 200000] [--url DATABASE_URL] [--code CHECKOUT]

Writes N made-up answers (random, clearly synthetic: every comment says so) to a temporary
CSV, migrates a temporary SQLite database (or an empty database given by --url), and imports
the file through the same service the CLI uses (survey.imports.import_responses). Prints the
time of each pass, the CPU time of the import (this process: with SQLite, the database's work
too), rows per second, the load average and the peak resident memory of this process.
``--code`` imports the ``survey`` package of another checkout (e.g. the main branch's), so
that two versions can be compared in one session, runs interleaved.
Target (DESIGN / issue 3): 1,000,000 rows in <= 120 s on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo


def _code_path() -> str:
    """The checkout to import ``survey`` from: ``--code DIR`` if given, else this one."""
    if "--code" in sys.argv[1:-1]:
        return os.path.abspath(sys.argv[sys.argv.index("--code") + 1])
    return str(Path(__file__).resolve().parent.parent)


sys.path.insert(0, _code_path())

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from survey.db import make_engine  # noqa: E402
from survey.imports.responses import import_responses  # noqa: E402
from survey.migrate import upgrade  # noqa: E402
from survey.models import Place, Response  # noqa: E402
from survey.questionnaire import builtin  # noqa: E402
from survey.reports.raw_data import response_columns  # noqa: E402
from survey.seed import load_defaults  # noqa: E402

#: The import checks dates against today where the residents are (TRYGGHET_TIMEZONE's default).
TODAY = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()


def write_synthetic(path: Path, rows: int, places: list[str], seed: int = 1) -> None:
    """Write made-up answers in the export's own column layout (no round: found by date)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic test data, not security)
    items = list(builtin(1).items)
    today = TODAY
    columns = [c for c in response_columns() if c != "round"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for n in range(rows):
            record = {
                "submitted_on": (today - dt.timedelta(days=rng.randrange(730))).isoformat(),
                "place": rng.choice(places),
                "questionnaire_version": "1",
                "source": "import",
            }
            for item in items:
                if rng.random() < 0.15:  # left unanswered, as on paper
                    continue
                if item.type == "single":
                    record[item.code] = rng.choice(item.values)
                elif item.type == "multi":
                    record[item.code] = ";".join(rng.sample(item.values, rng.randint(1, 3)))
                elif rng.random() < 0.1:
                    record[item.code] = f"SYNTHETIC comment {n},\nnot a real answer"
            writer.writerow([record.get(c, "") for c in columns])


class Timer:
    """A progress factory for import_responses that times each pass instead of drawing:
    wall-clock and CPU seconds of this process."""

    def __init__(self) -> None:
        self.seconds: dict[str, tuple[float, float]] = {}

    @contextlib.contextmanager
    def __call__(self, label: str, _length: int) -> Iterator[object]:
        started = time.perf_counter()
        cpu_started = time.process_time()

        class _Bar:
            def update(self, _n: int) -> None:
                pass

        yield _Bar()
        self.seconds[label] = (
            time.perf_counter() - started,
            time.process_time() - cpu_started,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--url", help="an EMPTY database to use instead of a temp SQLite file")
    parser.add_argument("--code", help="the checkout whose survey package to time (default: this)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        with engine.begin() as connection:
            upgrade(connection)
        with Session(engine) as session:
            load_defaults(session)
            session.commit()
            places = list(session.scalars(select(Place.slug)))
        path = Path(tmp) / "synthetic-responses.csv"
        started = time.perf_counter()
        write_synthetic(path, args.rows, places)
        print(
            f"SYNTHETIC data: {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB written"
            f" in {time.perf_counter() - started:.1f} s"
        )
        timer = Timer()
        with Session(engine) as session:
            started = time.perf_counter()
            cpu_started = time.process_time()
            batch = import_responses(
                session, path, imported_by="bench", progress=timer, today=TODAY
            )
            session.commit()
            cpu = time.process_time() - cpu_started
            total = time.perf_counter() - started
            stored = session.scalar(select(func.count()).select_from(Response))
            rows = batch.rows
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"code: {sys.path[0]}; database: {engine.url.get_backend_name()}")
    print(f"imported {rows} rows ({stored} stored) in {total:.1f} s: {rows / total:,.0f} rows/s")
    print(
        "  "
        + ", ".join(
            f"{label} {wall:.1f} s ({cpu:.1f} s CPU)"
            for label, (wall, cpu) in timer.seconds.items()
        )
    )
    print(
        f"  CPU of this process: {cpu:.1f} s, {cpu / rows * 100_000:.1f} s per 100k rows;"
        f" load average {Path('/proc/loadavg').read_text().split(' ', 3)[:3]}"
    )
    print(f"  projected for 1M rows: {1_000_000 / (rows / total):.0f} s (target 120 s)")
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

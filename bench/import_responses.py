"""Time `trygghet import responses` on SYNTHETIC data: rows/s and peak memory.

    python bench/import_responses.py [--rows 200000] [--url DATABASE_URL]

Writes N made-up answers (random, clearly synthetic: every comment says so) to a temporary
CSV, migrates a temporary SQLite database (or an empty database given by --url), and imports
the file through the same service the CLI uses (survey.imports.import_responses). Prints the
time of each pass, rows per second and the peak resident memory of this process.
Target (DESIGN / issue 3): 1,000,000 rows in <= 120 s on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from survey.db import make_engine  # noqa: E402
from survey.imports.responses import import_responses  # noqa: F401
from survey.migrate import upgrade  # noqa: E402
from survey.models import Place, Response  # noqa: E402
from survey.questionnaire import builtin  # noqa: E402
from survey.reports.raw_data import response_columns  # noqa: F401
from survey.seed import load_defaults  # noqa: E402


def write_synthetic(path: Path, rows: int, places: list[str], seed: int = 1) -> None:
    """Write made-up answers in the export's own column layout (no round: found by date)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic test data, not security)
    items = list(builtin(1).items)
    today = dt.date.today()
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
    """A progress factory for import_responses that times each pass instead of drawing."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, label: str, _length: int) -> Iterator[object]:
        started = time.perf_counter()

        class _Bar:
            def update(self, _n: int) -> None:
                pass

        yield _Bar()
        self.seconds[label] = time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--url", help="an EMPTY database to use instead of a temp SQLite file")
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
            batch = import_responses(session, path, imported_by="bench", progress=timer)
            session.commit()
            total = time.perf_counter() - started
            stored = session.scalar(select(func.count()).select_from(Response))
            rows = batch.rows
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {engine.url.get_backend_name()}")
    print(f"imported {rows} rows ({stored} stored) in {total:.1f} s: {rows / total:,.0f} rows/s")
    print("  " + ", ".join(f"{label} {s:.1f} s" for label, s in timer.seconds.items()))
    print(f"  projected for 1M rows: {1_000_000 / (rows / total):.0f} s (target 120 s)")
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

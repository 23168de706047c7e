"""Time the situation picture on SYNTHETIC data, beside DuckDB computing the same shares.

    pip install duckdb      # only for this comparison; not a dependency of Trygghet
    python bench/lagesbild.py [--rows 1000000] [--keep DIR]

Builds a SQLite database of N made-up answers (random, clearly synthetic) over the default
places through the real import service, then prints: import rows/s; the situation picture's
time for one area and for all areas (analysis.picture, as `trygghet lagesbild` computes it);
the peak memory of the process that computed them; and DuckDB's time for the same core
figure (unsafe share per place and time of day) read from the same SQLite file, with a check
that both give the same shares. Targets (issue 4): import of 1M rows <= 120 s; one area
<= 1 s; all areas <= 3 s; peak memory <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

TIMES = ("day", "afternoon", "evening", "night")


def build(directory: Path, rows: int) -> tuple[Path, Path, float]:
    """Create and fill the database; return its path, the CSV's and the import's rows/s."""
    from import_responses import write_synthetic  # the import benchmark's generator
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from survey.db import make_engine
    from survey.imports.responses import import_responses
    from survey.migrate import upgrade
    from survey.models import Place
    from survey.seed import load_defaults

    db_path = directory / "bench.db"
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine) as session:
        load_defaults(session)
        session.commit()
        places = list(session.scalars(select(Place.slug)))
    csv_path = directory / "synthetic.csv"
    write_synthetic(csv_path, rows, places)
    with Session(engine) as session:
        started = time.perf_counter()
        import_responses(session, str(csv_path))
        session.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return db_path, csv_path, rows / seconds


def measure(db_path: Path) -> None:
    """Run in a fresh process: time one area and all areas, print peak memory."""
    from analysis.picture import area_slugs, situation_picture
    from analysis.survey import Filters
    from survey.db import make_engine

    engine = make_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        slugs = area_slugs(conn)
        started = time.perf_counter()
        situation_picture(conn, "bromma", Filters(), 10)
        one = time.perf_counter() - started
        started = time.perf_counter()
        pictures = [situation_picture(conn, slug, Filters(), 10) for slug in slugs]
        every = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"situation picture, one area (bromma): {one:.3f} s")
    print(f"situation picture, all {len(slugs)} areas: {every:.3f} s")
    print(f"peak memory of that process: {peak_mb:.0f} MB")
    shares = [
        [place["place"], time_, place["times"][time_].get("unsafe_share")]
        for picture in pictures
        for place in picture["places"]
        for time_ in TIMES
    ]
    print("SHARES", json.dumps(shares))


def duckdb_shares(csv_path: Path) -> tuple[dict, float]:
    """DuckDB's unsafe shares from the same answers (the imported CSV, loaded untimed)."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE response AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [str(csv_path)],
    )
    parts = []
    for t in TIMES:
        c = f"safety_{t}"
        parts.append(
            f"SUM(CASE WHEN {c} IN ('3','4','avoid') THEN 1 ELSE 0 END) AS u_{t}, "
            f"SUM(CASE WHEN {c} IN ('1','2','3','4','avoid') THEN 1 ELSE 0 END) AS n_{t}"
        )
    # Built from the constant names above only.
    columns = ", ".join(parts)
    sql = f"SELECT place, {columns} FROM response GROUP BY place"  # noqa: S608
    started = time.perf_counter()
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - started
    shares = {}
    for row in rows:
        for i, t in enumerate(TIMES):
            u, n = row[1 + 2 * i], row[2 + 2 * i]
            shares[(row[0], t)] = round(u / n, 4) if n else None
    return shares, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SYNTHETIC data: {args.rows:,} made-up answers over the default places")
        db_path, csv_path, rate = build(Path(tmp), args.rows)
        print(f"import: {rate:,.0f} rows/s ({args.rows / rate:.1f} s)")
        result = subprocess.run(  # noqa: S603 (this very script)
            [sys.executable, __file__, "--measure", str(db_path)],
            capture_output=True,
            text=True,
            check=True,
        )
        lines = result.stdout.splitlines()
        print("\n".join(line for line in lines if not line.startswith("SHARES")))
        found = json.loads(next(line for line in lines if line.startswith("SHARES"))[7:])
        ours = {(place, time_): share for place, time_, share in found}
        try:
            theirs, seconds = duckdb_shares(csv_path)
        except ImportError:
            print("duckdb is not installed: pip install duckdb for the comparison")
            return
        print(f"DuckDB, unsafe share per place and time, all areas: {seconds:.3f} s")
        same = all(abs((ours[k] or 0) - (theirs.get(k) or 0)) < 1e-4 for k in ours)
        print(f"same shares as DuckDB: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()

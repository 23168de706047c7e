"""Time the situation picture on SYNTHETIC data at 10k, 100k and 1M answers, beside DuckDB.

    pip install duckdb      # only for this comparison; not a dependency of Trygghet
    python bench/lagesbild.py [--sizes 10000,100000,1000000] [--max 100000]
                              [--import-without-counts]

For each size: builds a SQLite database of N made-up answers (random, clearly synthetic) over
the default places through the real import service (`trygghet import responses`), then prints
- the import's rows/s (with the answer-count triggers of migration 0015 on; with
  --import-without-counts also into a copy of the schema without them, for their cost);
- in a fresh process: the situation picture's time for one area (bromma) and for all areas
  (analysis.picture, as `trygghet lagesbild` computes it), the peak memory of that process,
  and, beside it, the time the survey counters of one area and of all areas take counted from
  the answer rows (the way the picture read them before the answer counts: packed sums over
  ``response``), so that the two ways are timed on the same data in the same process;
- DuckDB's time for the core figure (unsafe share per place and time of day) computed from
  the CSV file (scan included), with a check that both give the same shares.

--max stops before the sizes above it (the 1M run takes minutes on a loaded 2-core machine).
Targets (issue 16): import of 1M <= 120 s; one area <= 1 s and all areas <= 3 s at 1M, the
time nearly flat from 10k to 1M; peak memory <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
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


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build(directory: Path, csv_path: Path, counts: bool = True) -> tuple[Path, float]:
    """Create a database, import the CSV; return its path and the import's rows/s."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from survey.db import make_engine
    from survey.imports.responses import import_responses
    from survey.migrate import upgrade
    from survey.models.aggregates import drop_ddl
    from survey.seed import load_defaults

    db_path = directory / f"bench-{counts}.db"
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        upgrade(conn)
        if not counts:
            for statement in drop_ddl("sqlite"):
                conn.execute(text(statement))
    with Session(engine) as session:
        load_defaults(session)
        session.commit()
    with Session(engine) as session:
        started = time.perf_counter()
        batch = import_responses(session, str(csv_path))
        session.commit()
        seconds = time.perf_counter() - started
        rows = batch.rows
    engine.dispose()
    return db_path, rows / seconds


def write_csv(directory: Path, rows: int) -> Path:
    from import_responses import write_synthetic  # the import benchmark's generator
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from survey.db import make_engine
    from survey.migrate import upgrade
    from survey.models import Place
    from survey.seed import load_defaults

    engine = make_engine(f"sqlite:///{directory / 'places.db'}")
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine) as session:
        load_defaults(session)
        session.commit()
        places = list(session.scalars(select(Place.slug)))
    engine.dispose()
    csv_path = directory / "synthetic.csv"
    write_synthetic(csv_path, rows, places)
    return csv_path


def measure(db_path: Path) -> None:
    """Run in a fresh process: time one area and all areas, both ways; print peak memory."""
    from sqlalchemy import select

    from analysis import packed
    from analysis.counted import counted_cells, survey_counts
    from analysis.picture import area_slugs, situation_picture
    from analysis.survey import Filters
    from analysis.tables import area, place, response
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
        ids = {
            slug: list(
                conn.scalars(
                    select(place.c.id)
                    .join(area, area.c.id == place.c.area_id)
                    .where(area.c.slug == slug)
                )
            )
            for slug in slugs
        }

        def from_answers(place_ids: list[int]) -> list:
            r = response.c
            return packed.grouped(
                conn,
                [r.place_id, r.gender, r.age_band],
                [r.place_id.in_(place_ids), *Filters().conditions()],
                survey_counts(),
            )

        timings = {}
        for way, count in (
            ("answer counts", lambda p: counted_cells(conn, p, Filters())),
            ("answer rows", from_answers),
        ):
            started = time.perf_counter()
            count(ids["bromma"])
            one_area = time.perf_counter() - started
            started = time.perf_counter()
            for slug in slugs:
                count(ids[slug])
            timings[way] = (one_area, time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shares = [
        [p["place"], t, p["times"][t].get("unsafe_share")]
        for picture in pictures
        for p in picture["places"]
        for t in TIMES
    ]
    print(
        json.dumps(
            {
                "one": one,
                "all": every,
                "areas": len(slugs),
                "peak_mb": peak_mb,
                "timings": timings,
                "shares": shares,
            }
        )
    )


def duckdb_shares(csv_path: Path) -> tuple[dict, float]:
    """DuckDB's unsafe shares per place and time from the CSV file, scan included."""
    import duckdb

    parts = []
    for t in TIMES:
        c = f"safety_{t}"
        parts.append(
            f"SUM(CASE WHEN {c} IN ('3','4','avoid') THEN 1 ELSE 0 END) AS u_{t}, "
            f"SUM(CASE WHEN {c} IN ('1','2','3','4','avoid') THEN 1 ELSE 0 END) AS n_{t}"
        )
    columns = ", ".join(parts)  # built from the constant names above only
    sql = (
        f"SELECT place, {columns} FROM read_csv(?, header = true, all_varchar = true)"  # noqa: S608
        " GROUP BY place"
    )
    con = duckdb.connect()
    started = time.perf_counter()
    rows = con.execute(sql, [str(csv_path)]).fetchall()
    seconds = time.perf_counter() - started
    shares = {}
    for row in rows:
        for i, t in enumerate(TIMES):
            u, n = row[1 + 2 * i], row[2 + 2 * i]
            shares[(row[0], t)] = round(u / n, 4) if n else None
    return shares, seconds


def run_size(rows: int, without_counts: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        csv_path = write_csv(directory, rows)
        print(f"\n{rows:,} SYNTHETIC answers (load average {_load()})")
        db_path, rate = build(directory, csv_path)
        print(f"  import: {rate:,.0f} rows/s ({rows / rate:.1f} s) with the answer counts")
        if without_counts:
            bare, bare_rate = build(directory, csv_path, counts=False)
            bare.unlink()
            print(f"  import: {bare_rate:,.0f} rows/s ({rows / bare_rate:.1f} s) without them")
        done = subprocess.run(  # noqa: S603 (this very script)
            [sys.executable, __file__, "--measure", str(db_path)],
            capture_output=True,
            text=True,
            check=True,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"  situation picture, one area (bromma): {found['one']:.3f} s;"
            f" all {found['areas']} areas: {found['all']:.3f} s;"
            f" peak memory {found['peak_mb']:.0f} MB (load average {_load()})"
        )
        for way, (one, every) in found["timings"].items():
            print(f"  survey counters from the {way}: one area {one:.3f} s, all {every:.3f} s")
        ours = {(p, t): share for p, t, share in found["shares"]}
        try:
            theirs, seconds = duckdb_shares(csv_path)
        except ImportError:
            print("  duckdb is not installed: pip install duckdb for the comparison")
            return
        same = all(abs((ours[k] or 0) - (theirs.get(k) or 0)) < 1e-4 for k in ours)
        print(
            f"  DuckDB, unsafe share per place and time from the CSV (scan included):"
            f" {seconds:.3f} s; same shares: {'yes' if same else 'NO'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--max", type=int, help="skip the sizes above this")
    parser.add_argument("--import-without-counts", action="store_true")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    ran = [n for n in sizes if args.max is None or n <= args.max]
    skipped = [n for n in sizes if n not in ran]
    print(
        f"sizes: {', '.join(f'{n:,}' for n in ran)}"
        + (f" (skipped: {', '.join(f'{n:,}' for n in skipped)})" if skipped else "")
    )
    for rows in ran:
        run_size(rows, args.import_without_counts)


if __name__ == "__main__":
    main()

"""Time the situation picture on SYNTHETIC data at 10k, 100k and 1M answers, beside DuckDB.

    pip install duckdb      # only for this comparison; not a dependency of Trygghet
    python bench/lagesbild.py [--sizes 10000,100000,1000000] [--max 100000]
                              [--import-without-counts] [--postgres URL]

For each size: builds a SQLite database (or, with --postgres, an EMPTY PostgreSQL database
whose tables it drops and makes anew) of N made-up answers (random, clearly synthetic) over
the default places through the real import service (`trygghet import responses`), with
made-up population margins for every area, then prints
- the import's rows/s, wall time and CPU time of this process (with the answer-count triggers
  of migrations 0015-0016 on; with --import-without-counts also into a copy of the schema
  without them, for their cost);
- in a fresh process: the situation picture's CPU and wall time for one area (bromma) and for
  all areas (analysis.picture, as `trygghet lagesbild` computes it), unweighted and weighted
  to the margins, over all answers and over a date range with partial first and last months,
  the peak memory of that process, and, beside it, the time the survey counters of one area
  and of all areas take counted from the answer rows (the way the picture read them before the
  answer counts: packed sums over ``response``), on the same data in the same process;
- DuckDB's time for the core figure (unsafe share per place and time of day) computed from
  the CSV file (scan included), with a check that both give the same shares where the
  picture shows one (disclosure control hides some).

Every line carries the load average: the machine is shared, compare CPU times.
--max stops before the sizes above it (the 1M run takes minutes on a loaded 2-core machine).
Targets (issue 16): import of 1M <= 120 s; one area <= 1 s and all areas <= 3 s at 1M, the
time nearly flat from 10k to 1M; peak memory <= 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

TIMES = ("day", "afternoon", "evening", "night")
#: Made-up residents per age band and gender of every area (for the weighted pictures).
MARGINS = {"16-24": (900, 950), "25-44": (2600, 2500), "45-64": (2300, 2250), "65+": (1700, 1400)}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _timed(work: Callable[[], Any]) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) of a call."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def _fresh(url: str, counts: bool) -> Any:
    """An engine on a newly migrated database holding the default data."""
    from sqlalchemy import MetaData, text
    from sqlalchemy.orm import Session

    from survey.db import make_engine
    from survey.migrate import upgrade
    from survey.models.aggregates import drop_ddl
    from survey.seed import load_defaults

    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # the bench's own database: made anew
            for statement in drop_ddl("postgresql"):
                conn.execute(text(statement))
            found = MetaData()
            found.reflect(conn)
            found.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(conn)
        if not counts:
            for statement in drop_ddl(engine.dialect.name):
                conn.execute(text(statement))
    with Session(engine) as session:
        load_defaults(session)
        session.commit()
    return engine


def build(url: str, csv_path: Path, counts: bool = True) -> tuple[float, float, float]:
    """Import the CSV into a fresh database; (rows/s, wall s, CPU s of this process)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from survey.imports.responses import import_responses
    from survey.models import Area, PopulationMargin

    engine = _fresh(url, counts)
    with Session(engine) as session:
        cpu, wall = time.process_time(), time.perf_counter()
        # today: no app (and so no TRYGGHET_TIMEZONE) here; the made-up answers are older.
        batch = import_responses(session, str(csv_path), today=dt.date.today())
        session.commit()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rows = batch.rows
        for area_id in session.scalars(select(Area.id)):
            for age_band, (women, men) in MARGINS.items():
                for gender, population in (("woman", women), ("man", men)):
                    session.add(
                        PopulationMargin(
                            area_id=area_id,
                            year=dt.date.today().year - 1,
                            age_band=age_band,
                            gender=gender,
                            population=population,
                        )
                    )
        session.commit()
    engine.dispose()
    return rows / wall, wall, cpu


def write_csv(directory: Path, rows: int) -> Path:
    from import_responses import write_synthetic  # the import benchmark's generator
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from survey.models import Place

    engine = _fresh(f"sqlite:///{directory / 'places.db'}", True)
    with Session(engine) as session:
        places = list(session.scalars(select(Place.slug)))
    engine.dispose()
    csv_path = directory / "synthetic.csv"
    write_synthetic(csv_path, rows, places)
    return csv_path


def measure(url: str) -> None:
    """Run in a fresh process: time one area and all areas, both ways; print peak memory."""
    from sqlalchemy import select

    from analysis import packed
    from analysis.counted import counted_cells, survey_counts
    from analysis.picture import area_slugs, situation_picture
    from analysis.survey import Filters
    from analysis.tables import area, place, response
    from survey.db import make_engine

    engine = make_engine(url)
    today = dt.date.today()
    # Ten months up to the middle of this month, from the middle of a month: partial ends.
    ranged = Filters(date_from=today.replace(day=15) - dt.timedelta(days=300), date_to=today)
    pictures: dict[str, list[dict[str, Any]]] = {}
    figures: dict[str, list[float]] = {}
    with engine.connect() as conn:
        slugs = area_slugs(conn)
        situation_picture(conn, "bromma", Filters(), 10, weighted=False)  # warm the caches
        for name, filters, weighted in (
            ("all answers, unweighted", Filters(), False),
            ("all answers, weighted", Filters(), True),
            ("10 months, unweighted", ranged, False),
        ):
            one = _timed(lambda f=filters, w=weighted: situation_picture(conn, "bromma", f, 10, w))
            found: list[dict[str, Any]] = []
            every = _timed(
                lambda f=filters, w=weighted, found=found: found.extend(
                    situation_picture(conn, slug, f, 10, w) for slug in slugs
                )
            )
            pictures[name] = found
            figures[name] = [*one, *every]
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

        counters = {}
        for way, count in (
            ("answer counts", lambda p: counted_cells(conn, p, Filters())),
            ("answer rows", from_answers),
        ):
            one = _timed(lambda count=count: count(ids["bromma"]))
            every = _timed(lambda count=count: [count(ids[slug]) for slug in slugs])
            counters[way] = [*one, *every]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shares = [
        [p["place"], t, p["times"][t].get("unsafe_share")]
        for picture in pictures["all answers, unweighted"]
        for p in picture["places"]
        for t in TIMES
    ]
    weighted = all(p["weighted"] for p in pictures["all answers, weighted"])
    print(
        json.dumps(
            {
                "figures": figures,
                "counters": counters,
                "areas": len(slugs),
                "peak_mb": peak_mb,
                "shares": shares,
                "weighted": weighted,
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


def run_size(rows: int, without_counts: bool, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        csv_path = write_csv(directory, rows)
        url = postgres or f"sqlite:///{directory / 'bench.db'}"
        kind = "PostgreSQL" if postgres else "SQLite"
        print(f"\n{rows:,} SYNTHETIC answers on {kind} (load average {_load()})")
        if without_counts:
            rate, wall, cpu = build(url, csv_path, counts=False)
            print(
                f"  import without the answer counts: {rate:,.0f} rows/s ({wall:.1f} s wall,"
                f" {cpu:.1f} s CPU of this process; load {_load()})"
            )
        rate, wall, cpu = build(url, csv_path)
        print(
            f"  import with the answer counts: {rate:,.0f} rows/s ({wall:.1f} s wall,"
            f" {cpu:.1f} s CPU of this process; load {_load()})"
        )
        done = subprocess.run(  # noqa: S603 (this very script)
            [sys.executable, __file__, "--measure", url],
            capture_output=True,
            text=True,
            check=True,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  situation picture (CPU / wall s; load {_load()}):")
        for name, (one_cpu, one, every_cpu, every) in found["figures"].items():
            print(
                f"    {name}: one area (bromma) {one_cpu:.3f} / {one:.3f};"
                f" all {found['areas']} areas {every_cpu:.3f} / {every:.3f}"
            )
        if not found["weighted"]:
            print("    NOTE: the weighted pictures were not weighted")
        print(f"  peak memory of the measuring process: {found['peak_mb']:.0f} MB")
        for way, (one_cpu, one, every_cpu, every) in found["counters"].items():
            print(
                f"  survey counters from the {way} (CPU / wall s): one area"
                f" {one_cpu:.3f} / {one:.3f}, all {every_cpu:.3f} / {every:.3f}"
            )
        ours = {(p, t): share for p, t, share in found["shares"]}
        try:
            theirs, seconds = duckdb_shares(csv_path)
        except ImportError:
            print("  duckdb is not installed: pip install duckdb for the comparison")
            return
        # The picture hides what disclosure control must (a place whose answers in one round
        # are a few: all rounds less the others would give them away): compared are the
        # shares it shows.
        shown = [k for k in ours if ours[k] is not None]
        same = all(abs(ours[k] - (theirs.get(k) or 0)) < 1e-4 for k in shown)
        print(
            f"  DuckDB, unsafe share per place and time from the CSV (scan included):"
            f" {seconds:.3f} s wall; the {len(shown)} shares the picture shows (of {len(ours)})"
            f" the same: {'yes' if same else 'NO'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--max", type=int, help="skip the sizes above this")
    parser.add_argument("--import-without-counts", action="store_true")
    parser.add_argument("--postgres", help="an EMPTY PostgreSQL database's URL (it is reset)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
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
        run_size(rows, args.import_without_counts, args.postgres)


if __name__ == "__main__":
    main()

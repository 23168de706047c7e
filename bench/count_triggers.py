"""CPU per stored answer of the answer-count triggers, on SQLite: none, days only, days + months.

    python bench/count_triggers.py [--batches 12] [--rows 200]

Three temporary databases at the newest schema, whose count triggers are replaced by none,
the day counts' (migration 0015) and the day and month counts' (0016). Interleaved batches of
single-row inserts of one SYNTHETIC answer, each committed as the survey POST commits it;
prints the median CPU per insert and commit of each, with the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from survey.db import make_engine  # noqa: E402
from survey.migrate import upgrade  # noqa: E402
from survey.models.aggregates import DAY, MONTH, drop_ddl, trigger_ddl  # noqa: E402
from survey.seed import load_defaults  # noqa: E402

INSERT = text(
    "INSERT INTO response (place_id, submitted_on, questionnaire_version, source, held,"
    " relation, safety_day, safety_evening, problem_alcohol, worry, victim, police_priority,"
    " gender, age_band) VALUES (1, :day, 1, 'web', false, 'live', '2', '4', '3', '2', 'no',"
    " 'presence;youth', :gender, '25-44')"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engines = {}
        for n, (name, grains) in enumerate(
            (("no counts", []), ("days (0015)", [DAY]), ("days + months (0016)", [DAY, MONTH]))
        ):
            engine = make_engine(f"sqlite:///{Path(tmp) / f'{n}.db'}")
            with engine.begin() as conn:
                upgrade(conn)
                # Without grains, no trigger at all (an empty trigger body is no SQL).
                made = trigger_ddl("sqlite", grains) if grains else []
                for statement in [*drop_ddl("sqlite"), *made]:
                    conn.execute(text(statement))
            with Session(engine) as session:
                load_defaults(session)
                session.commit()
            engines[name] = engine
        found: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(args.batches):
            for name, engine in engines.items():
                with engine.connect() as conn:
                    started = time.process_time()
                    for i in range(args.rows):
                        day = dt.date(2026, 1 + i % 12, 1 + i % 28)
                        conn.execute(INSERT, {"day": day, "gender": ("woman", "man")[i % 2]})
                        conn.commit()
                    found[name].append((time.process_time() - started) / args.rows * 1e6)
        for engine in engines.values():
            engine.dispose()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"CPU per answer inserted and committed, median of {args.batches} batches (load {load}):")
    for name, micros in found.items():
        micros.sort()
        print(f"  {name}: {micros[len(micros) // 2]:.0f} us (min {micros[0]:.0f})")


if __name__ == "__main__":
    main()

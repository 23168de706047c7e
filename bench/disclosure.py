"""CPU and linear programs of the release disclosure audit on the demo data, before and after.

    python bench/disclosure.py [--data DIR] [--against TREE] [--rounds 3]

Makes the demo database (``trygghet demo``) in a temporary data folder (or reads ``--data``),
collects what the publish page audits for every area and round (the picture after holding
back, and the earlier releases of its round), then audits all of it ``--rounds`` times in
worker processes and prints the CPU seconds (``time.process_time``) and programs solved per
round, with the load average. ``--against TREE``: another checkout's audit (say the main
branch's) runs too, in turns with this one, so both see the same machine load. Without it,
this checkout's audit with pruning off (every program solved) is the "before".
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

WORKER = """
import copy, json, sys, time
from analysis import disclosure_bounds
from analysis.disclosure_audit import audit_release
from analysis.disclosure_items import embed_items
solved = 0
solve = disclosure_bounds.Bounds._solve
def counted(self, *args):
    global solved
    solved += 1
    return solve(self, *args)
disclosure_bounds.Bounds._solve = counted
inputs = json.load(open(sys.argv[1]))
extra = {} if sys.argv[2] == "default" else {"prune": False}
started = time.process_time()
for case in inputs:
    picture, earlier = copy.deepcopy(case["picture"]), copy.deepcopy(case["earlier"])
    for release in [*earlier, picture]:
        embed_items(release)
    audit_release(picture, earlier, case["threshold"], 0.1, **extra)
print(json.dumps({"cpu": time.process_time() - started, "programs": solved}))
"""


def collect(data: Path) -> list[dict[str, Any]]:
    """What the publish page audits, for every area and each of its rounds."""
    os.environ["TRYGGHET_DATA_DIR"] = str(data)
    from sqlalchemy import select

    import analysis.disclosure_release as disclosure_release
    from survey import clock
    from survey.app import create_app
    from survey.extensions import db
    from survey.models import Area
    from survey.services import releases
    from survey.services.rounds import area_rounds

    found: list[dict[str, Any]] = []
    audit = disclosure_release.audit_with_items

    def record(picture: Any, earlier: Any, threshold: int, width: float) -> Any:
        found.append(copy.deepcopy({"picture": picture, "earlier": earlier}))
        found[-1]["threshold"] = threshold
        return audit(picture, earlier, threshold, width)

    disclosure_release.audit_with_items = record  # type: ignore[assignment]
    app = create_app()
    with app.app_context():
        threshold = app.config["TRYGGHET_SUPPRESS_BELOW"]
        for area in db.session.scalars(select(Area).order_by(Area.slug)):
            for survey_round in area_rounds(db.session, area):
                releases.prepare(db.session, area, survey_round, threshold, clock.today())
                db.session.rollback()
    disclosure_release.audit_with_items = audit
    return found


def run(tree: Path, inputs: Path, mode: str) -> dict[str, float]:
    out = subprocess.run(  # noqa: S603 (this Python, this script's worker)
        [sys.executable, "-c", WORKER, str(inputs), mode],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a data folder holding the demo already")
    parser.add_argument("--against", type=Path, help="another checkout, as the 'before'")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / "data"
        if args.data is None:
            env = {**os.environ, "TRYGGHET_DATA_DIR": str(data)}
            subprocess.run(  # noqa: S603 (the trygghet next to this Python)
                [str(Path(sys.executable).parent / "trygghet"), "demo"],
                env=env,
                check=True,
                capture_output=True,
            )
        sys.path.insert(0, str(HERE.parent))
        inputs = Path(tmp) / "inputs.json"
        cases = collect(data)
        inputs.write_text(json.dumps(cases, default=str), encoding="utf-8")
        print(f"{len(cases)} audits (every area and round of the demo) per round")
        before = (args.against.resolve(), "default") if args.against else (HERE.parent, "full")
        sides = {"before": before, "after": (HERE.parent, "default")}
        for i in range(args.rounds):
            for name in ("before", "after") if i % 2 == 0 else ("after", "before"):
                tree, mode = sides[name]
                found = run(tree, inputs, mode)
                load = Path("/proc/loadavg").read_text().split()[:3]
                print(
                    f"round {i + 1} {name:6} ({tree.name}, {mode}): {found['cpu']:6.2f} s CPU,"
                    f" {found['programs']:5} programs, load {' '.join(load)}",
                    flush=True,
                )


if __name__ == "__main__":
    main()

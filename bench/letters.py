"""Time invitation letters (the PDF the letters form answers with) on SYNTHETIC codes.

    python bench/letters.py [--count 1500] [--lang sv] [--addresses] [--runs 3] [--full]
                            [--reminders]

Makes COUNT made-up codes (no database) and writes their letters with write_letters, the
function the web form and `trygghet invitations create` call, --runs times in this process
after one warm-up letter, and prints the machine's load, letters per second (CPU, the figure
to compare on a shared machine, and wall) and the seconds that rate gives for 1,500 and
20,000 letters (MAX_COUNT), the form's largest batch. --full also writes 20,000 letters once
and prints their measured seconds and megabytes. --reminders times reminders instead (one
per unused number, all of an area's in one download).

The web form answers within one request: behind a proxy that gives up after 60 s, 20,000
letters must take well under that.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _app():
    from survey.app import create_app

    return create_app(
        {
            "SECRET_KEY": "bench-letters-secret-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "TRYGGHET_BASE_URL": "https://trygghet.example.se",
        },
        web=True,
    )


#: Who asks, as long as a real sender's names run (two organisations, a telephone number).
SENDER = {
    "asked_by": "Lokalpolisområde Vällingby och Stockholms stad",
    "contact": "trygghet.vallingby@example.se, 114 14",
    "area": "Bromma",
    "round_name": "Hösten 2026",
    "short_url": "trygghet.example.se/k",
}


def _sender(lang: str):
    from survey.reports.letters import Sender, language_names

    languages = language_names(["sv", "en", "ar", "fa", "fi", "so"], lang)
    return Sender(**SENDER, languages=languages)


def _addresses(count: int):
    from survey.imports.addresses import Address

    return [
        Address((f"Anna Andersson {n}", f"Drottningholmsvägen {n % 400 + 1}", "168 67 Bromma"))
        for n in range(count)
    ]


def write(
    app, count: int, lang: str, with_addresses: bool, reminders: bool = False
) -> tuple[float, float, int]:
    """Write ``count`` letters (or reminders); return (CPU seconds, wall seconds, bytes)."""
    from survey.reports.letters import code_url, write_letters, write_reminders
    from survey.services.invitations import Letter

    letters = [
        Letter(n, "".join(secrets.choice(ALPHABET) for _ in range(10))) for n in range(1, count + 1)
    ]
    addresses = _addresses(count) if with_addresses else None
    out = io.BytesIO()
    with app.test_request_context(base_url="https://trygghet.example.se"):
        cpu, wall = time.process_time(), time.perf_counter()
        if reminders:
            numbered = dict(enumerate(addresses, start=1)) if addresses else None
            write_reminders(_sender(lang), range(1, count + 1), out, numbered, lang)
        else:
            write_letters(_sender(lang), letters, code_url, out, addresses, lang)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu, wall, len(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--lang", default="sv")
    parser.add_argument("--addresses", action="store_true", help="print addresses too")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="also write 20,000 letters once")
    parser.add_argument("--reminders", action="store_true", help="reminders, not letters")
    args = parser.parse_args()
    app = _app()
    write(
        app, 1, args.lang, args.addresses, args.reminders
    )  # warm-up: fonts parsed, catalogs loaded
    print(f"load average: {_load()}")
    cpus, walls = [], []
    for _run in range(args.runs):
        cpu, wall, size = write(app, args.count, args.lang, args.addresses, args.reminders)
        cpus.append(cpu)
        walls.append(wall)
    cpu, wall = statistics.median(cpus), statistics.median(walls)
    rate, wall_rate = args.count / cpu, args.count / wall
    kind = "reminders" if args.reminders else "letters"
    print(
        f"{args.count} {kind} ({args.lang}{', addresses' if args.addresses else ''}):"
        f" median {cpu:.2f} s CPU, {wall:.2f} s wall, {size / 1e6:.1f} MB"
    )
    print(f"letters per second: {rate:.0f} (CPU), {wall_rate:.0f} (wall)")
    for count in (1500, 20_000):
        print(f"  {count:>6} letters: {count / rate:.1f} s CPU, {count / wall_rate:.1f} s wall")
    if args.full:
        cpu, wall, size = write(app, 20_000, args.lang, args.addresses, args.reminders)
        print(f"20000 letters measured: {cpu:.1f} s CPU, {wall:.1f} s wall, {size / 1e6:.1f} MB")
    print(f"load average: {_load()}")


if __name__ == "__main__":
    main()

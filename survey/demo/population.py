"""The demo's invented population margins: the demo's picture is weighted as a real one."""

from __future__ import annotations

import datetime as dt

from flask_babel import force_locale
from sqlalchemy.orm import Session

from ..imports.population import import_population
from ..services.responses import live_questionnaire
from .summary import DemoSummary

#: Invented residents aged 16 and over per area (about a district's size), and how they
#: split by age band and gender: the demo's answers lean young and female, so the weighting
#: has something to do.
DEMO_POPULATION = {"bromma": 62_000, "hasselby-vallingby": 58_000, "ekero": 23_000}
DEMO_SHARES = {
    ("16-24", "woman"): 0.06,
    ("16-24", "man"): 0.065,
    ("25-44", "woman"): 0.165,
    ("25-44", "man"): 0.17,
    ("45-64", "woman"): 0.15,
    ("45-64", "man"): 0.15,
    ("65+", "woman"): 0.13,
    ("65+", "man"): 0.11,
}


def invent_population(session: Session, today: dt.date, summary: DemoSummary) -> None:
    """Invented population margins of last year, imported as an admin's file would be."""
    lines = ["area,gender,age_band,count"]
    for slug, total in DEMO_POPULATION.items():
        for (band, gender), share in DEMO_SHARES.items():
            lines.append(f"{slug},{gender},{band},{round(total * share)}")
    year = today.year - 1
    imported = import_population(
        session,
        "\n".join(lines).encode("utf-8"),
        live_questionnaire(session),
        year=year,
        filename="demo-population.csv",
    )
    with force_locale("en"):  # the demo's summary is English, as the CLI's other output
        counted = imported.summary()
    summary.population = f"invented population margins of {year} ({counted})"

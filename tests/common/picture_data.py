"""A small hand-built area for the situation picture: answers, a dialogue, crime, a promise."""

from __future__ import annotations

import datetime as dt

from survey.extensions import db
from tests.common import factories
from tests.common.survey_data import add_responses, columns
from tests.common.web import local_today


def month_back(months: int) -> dt.date:
    today = local_today().replace(day=1)
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def build() -> None:
    """Brommaplan: 12 answers, 8 of 11 unsafe in the evening; Alvik 3 (too few); more."""
    add_responses(
        "brommaplan",
        columns(
            safety_evening=["4"] * 5 + ["3"] * 2 + ["avoid"] + ["1"] * 3 + ["dk"],
            problem_alcohol=["4"] * 6 + ["1"] * 6,
            gender=["woman"] * 6 + ["man"] * 6,
            comment=['=HYPERLINK("http://x")'] + [None] * 11,
        ),
    )
    add_responses("alvik", columns(safety_evening=["4", "4", "3"]))
    # Ten more at Abrahamsberg: with Alvik's three hidden, the smallest place shown is hidden
    # too, so that the area total minus Brommaplan gives nothing small away.
    add_responses("abrahamsberg", columns(safety_evening=["2"] * 10))
    plan = factories.find_place("brommaplan")
    factories.dialogue(
        "bromma",
        plan,
        held_on=local_today() - dt.timedelta(days=20),
        residents=25,
        issues=[
            factories.issue(
                "alcohol",
                place=plan,
                times="evening",
                raised_by=9,
                quote="Berusade personer vid bussarna på kvällen.",
            )
        ],
    )
    # Four years of a steady 10 a month, then a spike last month.
    factories.crime_counts({month_back(back): 31 if back == 1 else 10 for back in range(1, 49)})
    factories.promise(
        places=[plan],
        title="Tryggare Brommaplan på kvällen",
        text="Mer närvaro av polis och ordningsvakter.",
        period_start=local_today() - dt.timedelta(days=60),
        period_end=local_today() + dt.timedelta(days=120),
        indicators=[
            {"kind": "unsafe_share", "time": "evening"},
            {"kind": "crime", "category": "Misshandel"},
        ],
    )
    db.session.commit()

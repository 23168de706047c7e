"""The promise follow-up under the dashboard's filters (issue 15).

A filter on a gender or an age band narrows both rounds of the follow-up to that group and
rakes them to the group's own margins, as the filtered picture's own figures are; a month
filter does not apply (a promise compares its two whole rounds).

Baseline round: 60 women aged 16-24 (36 unsafe in the evening) and 20 women aged 65+ (4),
plus 20 men aged 16-24 (all unsafe). The women's margins have as many 16-24 as 65+, so among
women those aged 16-24 weigh 40/60 and those aged 65+ 40/20 = 2: the women's share is
(36 x 2/3 + 4 x 2) / 80 = 0.40 on n_eff = 80^2 / (60 x 4/9 + 20 x 4) = 60. Follow-up round:
25 and 25 women (5 and 5 unsafe: 0.20) and 20 men.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from analysis.followup import followup
from analysis.picture import situation_picture
from analysis.survey import Filters, survey_indicators
from survey.extensions import db
from tests.analysis.test_weighted_followup import add_even_margins
from tests.common import factories

SUPPRESS = 10
#: (round, gender, age band, answers, unsafe in the evening)
SAMPLE = (
    ("before", "woman", "16-24", 60, 36),
    ("before", "woman", "65+", 20, 4),
    ("before", "man", "16-24", 20, 20),
    ("after", "woman", "16-24", 25, 5),
    ("after", "woman", "65+", 25, 5),
    ("after", "man", "16-24", 20, 20),
)


def _answers(round_id: int, gender: str, age_band: str, count: int, unsafe: int) -> list[dict]:
    rows = factories.answer_rows("brommaplan", round_id, count, gender=gender, age_band=age_band)
    for index, row in enumerate(rows):
        row["safety_evening"] = "4" if index < unsafe else "1"
    return rows


@pytest.fixture
def promise(app: Flask) -> dict[str, int]:
    with app.app_context():
        add_even_margins()
        before, after = factories.rounds_before_and_after()
        rounds = {"before": before.id, "after": after.id}
        factories.insert_answers(
            [row for side, *group in SAMPLE for row in _answers(rounds[side], *group)]
        )
        made = factories.promise(rounds=(before, after), period_end=dt.date(2026, 3, 31))
        db.session.commit()
        return {"id": made.id, "before": before.id}


def test_a_gender_filter_follows_up_that_gender_raked_to_its_own_margins(app, promise):
    women = Filters(gender="woman")
    with app.app_context(), db.engine.connect() as conn:
        result = followup(conn, promise["id"], SUPPRESS, None, women)
        everyone = followup(conn, promise["id"], SUPPRESS)
        filtered = survey_indicators(
            conn, "bromma", Filters(round_id=promise["before"], gender="woman"), SUPPRESS
        )
    assert result["group"] == {"gender": "woman", "age_band": None}
    (evening,) = result["indicators"]
    assert evening["before"] == {"n": 80, "share": 0.4, "n_eff": pytest.approx(60, abs=1e-4)}
    assert evening["after"] == {"n": 50, "share": 0.2, "n_eff": 50.0}
    # The same figure as the filtered picture's own (the whole area is Brommaplan here).
    cell = filtered["area_total"]["times"]["evening"]
    assert (cell["unsafe_share"], cell["n_eff"]) == (evening["before"]["share"], 60.0)
    # Everyone's follow-up counts the men too, with the whole picture's weights.
    assert everyone["group"] == {"gender": None, "age_band": None}
    assert everyone["indicators"][0]["before"]["n"] == 100
    assert everyone["indicators"][0]["before"]["share"] != 0.4


def test_a_group_under_the_threshold_gets_no_follow_up(app, promise):
    """Women aged 65+ answered 20 and 25: shown; men aged 65+ not at all: hidden, no verdict."""
    with app.app_context(), db.engine.connect() as conn:
        older = followup(conn, promise["id"], SUPPRESS, None, Filters(age_band="65+"))
    (evening,) = older["indicators"]
    assert evening["before"]["n"] == 20  # women aged 65+
    assert evening["after"]["n"] == 25
    with app.app_context(), db.engine.connect() as conn:
        none = followup(conn, promise["id"], SUPPRESS, None, Filters(gender="man", age_band="65+"))
    (evening,) = none["indicators"]
    assert evening["before"] == {"n": 0, "suppressed": True}
    assert evening["status"] == "not enough data"


def test_the_picture_follows_up_its_group_but_never_its_months(app, promise):
    with app.app_context(), db.engine.connect() as conn:
        women = situation_picture(conn, "bromma", Filters(gender="woman"), SUPPRESS)
        months = situation_picture(
            conn,
            "bromma",
            Filters(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30)),
            SUPPRESS,
        )
        everyone = situation_picture(conn, "bromma", Filters(), SUPPRESS)
    assert women["followup"][0]["indicators"][0]["before"]["share"] == 0.4
    # A month range (April 2026 has no answer at all) would cut rounds: whole ones are compared.
    assert months["followup"][0]["indicators"] == everyone["followup"][0]["indicators"]
    assert months["followup"][0]["indicators"][0]["before"]["n"] == 100

"""A place unchanged since a release whose area figure said its value: not unresolved.

Threshold 2. The first release shows Bromma's evening (3 answers, none unsafe): Abrahamsberg's
2 and Alvik's 1, hidden, are 0 % each, which the area's figure says of every answer. The second
release adds answers at Alvik and Brommaplan; Abrahamsberg's answers are the same (its n is
shown, 2, both times), so its evening is still pinned at 0 %. The audit used to hide every
evening figure and still list Abrahamsberg's as unresolved, and the release was published
anyway; but all the pin says is what the first release's area figure said.
"""

from __future__ import annotations

import json

from survey import clock
from survey.extensions import db
from survey.services import releases
from tests.common.survey_data import add_responses

THRESHOLD = 2
FIRST = [
    ("alvik", {"safety_day": "4", "safety_afternoon": "na", "safety_evening": "2"}, "25-44"),
    ("abrahamsberg", {"safety_day": "4", "safety_afternoon": "2", "safety_evening": "1"}, None),
    ("abrahamsberg", {"safety_day": "1", "safety_afternoon": "2", "safety_evening": "2"}, "w"),
]
SECOND = [
    ("alvik", {"safety_day": "na", "safety_afternoon": "2", "safety_evening": "2"}, "25-44"),
    ("brommaplan", {"safety_day": "2", "safety_afternoon": "4", "safety_evening": "4"}, "w"),
    ("brommaplan", {"safety_day": "na", "safety_afternoon": "4", "safety_evening": "2"}, "m"),
]
NIGHT = {"alvik": ["1", "4"], "abrahamsberg": ["4", "1"], "brommaplan": ["2", "4"]}
WHO = {
    "25-44": {"age_band": "25-44"},
    None: {"age_band": "16-24"},
    "w": {"gender": "woman", "age_band": "25-44"},
    "m": {"gender": "man"},
}


def add(batch, nights):
    for slug, answer, who in batch:
        add_responses(slug, [{**answer, "safety_night": nights[slug].pop(0), **WHO[who]}])


def test_a_place_unchanged_since_an_area_figure_of_0_percent_is_not_unresolved(app):
    nights = {slug: list(values) for slug, values in NIGHT.items()}
    with app.app_context():
        add(FIRST, nights)
        first = releases.publish(db.session, "bromma", None, THRESHOLD, clock.today())
        db.session.commit()
        shown = first.audited_picture["area_total"]["times"]["evening"]
        assert (shown["n"], shown["unsafe_share"], shown["suppressed"]) == (3, 0.0, False)
        add(SECOND, nights)
        second = releases.publish(db.session, "bromma", None, THRESHOLD, clock.today())
        db.session.commit()
        audit = json.loads(second.audit_summary)["audit"]
        places = {p["place"]: p for p in second.audited_picture["places"]}
    # Before: every evening figure hidden, area's too, and this listed unresolved.
    assert audit["releases_linked"] is True
    assert audit["unresolved"] == []
    assert places["abrahamsberg"]["n"] == 2
    # Hiding Abrahamsberg's evening (0 %, as the hidden parts) would change nothing: the
    # audit hides Brommaplan's, and Abrahamsberg's shows the 0 % the first release said.
    assert places["abrahamsberg"]["times"]["evening"]["unsafe_share"] == 0.0
    assert places["brommaplan"]["times"]["evening"]["suppressed"] is True
    assert "places[brommaplan].times.evening" in audit["hidden_added"]

"""Issue 14: the release's disclosure audit models the added items' cells.

Two releases of one round. The first shows Brommaplan (12 answers, 7 in the top box) and
Alvik (11 answers, 2 in the top box) for "the police are here when needed". Then Brommaplan
gets 10 answers and Abrahamsberg 3, all three in the top box. The item's own suppression
hides Abrahamsberg (3 answers) and Alvik with it (or the total would give it away); the
no-differencing rule lets Brommaplan and the total change (by 10 and 13 answers). Read beside
the first release, that second release would still give Abrahamsberg away: the hidden places
hold 14 answers of which 9 are not in the top box, and Alvik alone had 9 such answers before
(answers are only added), so all of Abrahamsberg's answers are in the top box. The audit must
hide more.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from analysis.survey import Filters
from survey.extensions import db
from survey.models import Release
from survey.reports.pictures import build_pictures
from tests.common.item_data import answer_items, record_version_2
from tests.common.releases import publish
from tests.common.survey_data import default_round_id

FIRST_BROMMAPLAN = ["5", "5", "4", "4", "4", "5", "4", "3", "2", "1", "1", "2"]  # 7 top
ALVIK = ["4", "5", "1", "1", "2", "2", "3", "3", "1", "2", "3"]  # 2 top
LATER_BROMMAPLAN = ["5", "1", "2", "4", "3", "1", "2", "3", "5", "1"]  # 3 top


def _police(picture):
    return next(item for item in picture["items"] if item["code"] == "police_there")


def _release(app, release_id):
    with app.app_context():
        release = db.session.get(Release, release_id)
        return release.audited_picture, release.data, json.loads(release.audit_summary)


def test_a_small_item_cell_revealed_by_differencing_two_releases_is_hidden(app):
    with app.app_context():
        record_version_2()
        for value in FIRST_BROMMAPLAN:
            answer_items("brommaplan", police_there=value)
        for value in ALVIK:
            answer_items("alvik", police_there=value)
        round_id = default_round_id()
    first_id = publish(app, "bromma", round_id)
    first, _public, _summary = _release(app, first_id)
    places = _police(first)["places"]
    assert (places["alvik"]["n"], places["alvik"]["suppressed"]) == (11, False)
    assert places["alvik"]["share"] == round(2 / 11, 4)

    with app.app_context():
        for value in LATER_BROMMAPLAN:
            answer_items("brommaplan", police_there=value)
        for _ in range(3):
            answer_items("abrahamsberg", police_there="5")
        # What the live figures show (the item's own suppression only).
        with db.engine.connect() as conn:
            [live] = build_pictures(conn, ["bromma"], Filters(round_id=round_id), 10)
    item = _police(live)
    total, brommaplan = item["area_total"], item["places"]["brommaplan"]
    assert [item["places"][p]["suppressed"] for p in ("abrahamsberg", "alvik")] == [True, True]
    assert (brommaplan["suppressed"], total["suppressed"]) == (False, False)
    # The differencing the audit must prevent, done with the live figures and release 1.
    hidden_n = total["n"] - brommaplan["n"]
    hidden_not_top = hidden_n - round(
        total["share"] * total["n"] - brommaplan["share"] * brommaplan["n"]
    )
    alvik_before_not_top = 11 - 2
    assert (hidden_n, hidden_not_top, alvik_before_not_top) == (14, 9, 9)  # Abrahamsberg: 3 of 3

    second_id = publish(app, "bromma", round_id)
    audited, public, summary = _release(app, second_id)
    assert summary["audit"]["earlier_releases"] == 1
    police = _police(audited)
    shown = [slug for slug, cell in police["places"].items() if not cell["suppressed"]]
    assert shown == []  # Brommaplan hidden too: the subtraction has nothing to start from
    assert any(path.startswith("items[police_there]") for path in summary["audit"]["hidden_added"])
    assert not summary["audit"]["unresolved"]
    public_police = _police(public)
    assert "abrahamsberg" not in public_police["places"]
    assert "brommaplan" not in public_police["places"]
    # The figures the audit works on are taken back out of the places afterwards.
    assert all("items" not in place for place in audited["places"])
    assert "_item_counts" not in audited


def test_an_item_cell_pinned_to_all_answers_within_one_release_is_hidden(app):
    # Abrahamsberg 3 and Alvik 11 answers, all in the top box, hidden together (14 answers):
    # the area total minus Brommaplan says the hidden answers are all top box, so each is.
    with app.app_context():
        record_version_2()
        for value in FIRST_BROMMAPLAN:
            answer_items("brommaplan", police_there=value)
        for _ in range(11):
            answer_items("alvik", police_there="5")
        for _ in range(3):
            answer_items("abrahamsberg", police_there="4")
        round_id = default_round_id()
        with db.engine.connect() as conn:
            [live] = build_pictures(conn, ["bromma"], Filters(round_id=round_id), 10)
    assert not _police(live)["places"]["brommaplan"]["suppressed"]
    release_id = publish(app, "bromma", round_id)
    audited, _public, summary = _release(app, release_id)
    assert _police(audited)["places"]["brommaplan"]["suppressed"]
    assert "items[police_there].places[brommaplan]" in summary["audit"]["hidden_added"]
    with app.app_context():
        assert db.session.scalar(select(Release.id).where(Release.id == release_id))

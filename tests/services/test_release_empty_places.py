"""Places no one answered about, in a release after new answers behind held-back figures.

Bromma has eight places; here only Brommaplan and Alvik have answers (ten each, all women, in
the first release; at night 5 of 20 unsafe). Then each gets five more, all safe at night. The
area total and the women change by ten answers and show them; each place changed by five, so
the no-differencing rule keeps its figures as first published. Read with those figures, the
ten new answers seem to sit at the six places without answers, hidden, and all safe: the
audit found each of those places pinned at 0 % and hid the places' and the area's night (and
still listed the empty places as unresolved, as the women's figures show the same). But all
that this says is that the ten new answers were safe, which the area's two totals show of
every new answer anyway: a gain of ten answers, as publishable as a cell of ten.

Where the new answers that no shown figure accounts for are fewer than the threshold and all
alike, while the area's gain is not, the empty places are the only place the audit sees them:
there the hiding stays (the second test).
"""

from __future__ import annotations

import json

from survey.extensions import db
from survey.models import Release
from tests.common.releases import publish
from tests.common.survey_data import add_responses

PICTURE = "/api/v1/areas/bromma/lagesbild"
WOMAN = {"gender": "woman"}
EMPTY = ("abrahamsberg", "akeshov", "angbyplan", "islandstorget", "nockeby", "stora-mossen")


def _night(answers: list[str]) -> list[dict[str, str]]:
    return [{"safety_night": value} for value in answers]


def _summary(app, release_id: int) -> dict:
    with app.app_context():
        return json.loads(db.session.get(Release, release_id).audit_summary)["audit"]


def _published(client, release_id: int) -> dict[str, dict]:
    body = client.get(f"{PICTURE}?release={release_id}").get_json()
    cells = {"area": body["area_total"]["times"]["night"]}
    cells |= {p["place"]: p["times"]["night"] for p in body["places"]}
    cells["woman"] = body["by_group"]["gender"]["woman"]["times"]["night"]
    return cells


def test_new_answers_behind_held_figures_leave_empty_places_nothing_to_hide(app, client):
    with app.app_context():
        add_responses("brommaplan", _night(["4"] * 5 + ["1"] * 5), **WOMAN)
        add_responses("alvik", _night(["1"] * 10), **WOMAN)
    first = publish(app)
    with app.app_context():
        add_responses("brommaplan", _night(["1"] * 5), **WOMAN)
        add_responses("alvik", _night(["1"] * 5), **WOMAN)
    second = publish(app)
    summary = _summary(app, second)
    # Before: hidden_added places[alvik], places[brommaplan] and area_total .times.night;
    # unresolved: the six empty places' night and its gain.
    assert summary["hidden_added"] == []
    assert summary["unresolved"] == []
    before, after = _published(client, first), _published(client, second)
    assert after["area"] == {"n": 30, "suppressed": False, "unsafe_share": 0.17, "ci": [0.07, 0.34]}
    assert after["woman"] == after["area"]
    # Five new answers each: held at what the first release showed.
    assert after["brommaplan"] == before["brommaplan"]
    assert (after["brommaplan"]["n"], after["brommaplan"]["unsafe_share"]) == (10, 0.5)
    assert after["alvik"] == before["alvik"]
    assert (after["alvik"]["n"], after["alvik"]["unsafe_share"]) == (10, 0.0)
    assert all(after[slug] == {"suppressed": True} for slug in EMPTY)


def test_a_few_alike_new_answers_no_figure_accounts_for_stay_hidden(app, client):
    # As above, but Brommaplan's five new answers are safe and Alvik gets ten, half unsafe:
    # Alvik shows them, the area gains 15 (5 unsafe), so the 5 it does not account for were
    # all safe, and they are Brommaplan's new answers: fewer than the threshold, pinned.
    with app.app_context():
        add_responses("brommaplan", _night(["4"] * 5 + ["1"] * 5), **WOMAN)
        add_responses("alvik", _night(["1"] * 10), **WOMAN)
    publish(app)
    with app.app_context():
        add_responses("brommaplan", _night(["1"] * 5), **WOMAN)
        add_responses("alvik", _night(["4"] * 5 + ["1"] * 5), **WOMAN)
    second = publish(app)
    summary = _summary(app, second)
    assert summary["hidden_added"]
    assert summary["unresolved"] == []
    after = _published(client, second)
    shown = [cell for cell in after.values() if not cell.get("suppressed")]
    assert shown  # not everything: hidden only as far as the five stay unknown

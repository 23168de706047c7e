"""Changes between survey rounds, as the situation picture and releases publish them."""

from __future__ import annotations

import io
import json
from importlib import resources

import jsonschema
import pytest
from flask import Flask
from pypdf import PdfReader
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.picture import situation_picture
from analysis.round_changes import change, compare
from analysis.stats import published
from analysis.survey import Filters
from analysis.verdict_rules import share_test
from analysis.verdicts import ALPHA
from survey.extensions import db
from survey.models import Release, SurveyRound
from survey.reports.pictures import build_pictures
from survey.reports.writers import write_pictures
from tests.common import factories
from tests.common.releases import publish
from tests.common.survey_data import add_responses, columns

SCHEMA = json.loads(resources.files("analysis").joinpath("lagesbild.schema.json").read_text())


@pytest.fixture
def two_rounds(app: Flask) -> tuple[int, int]:
    with app.app_context():
        rounds = factories.rounds_before_and_after(areas=["bromma"])
        db.session.commit()
        before, after = (r.id for r in rounds)
        evening = ["4"] * 10 + ["avoid"] * 5 + ["1"] * 5
        add_responses("brommaplan", columns(safety_evening=evening), round_id=before)
        add_responses("brommaplan", columns(safety_evening=["3"] * 2 + ["2"] * 18), round_id=after)
        # Alvik: 12 answers before, 4 after (hidden): never a change.
        add_responses("alvik", columns(safety_evening=["4"] * 12), round_id=before)
        add_responses("alvik", columns(safety_evening=["1"] * 4), round_id=after)
        # Abrahamsberg: unchanged, and big enough that hiding it protects Alvik's 4.
        for round_id in (before, after):
            add_responses("abrahamsberg", columns(safety_evening=["1"] * 9), round_id=round_id)
        db.session.commit()
    return before, after


def _picture(app: Flask, round_id: int | None) -> dict:
    with app.app_context(), db.engine.connect() as conn:
        return situation_picture(conn, "bromma", Filters(round_id=round_id), 10)


def test_the_picture_carries_the_change_from_the_round_before(app, two_rounds):
    before, after = two_rounds
    picture = _picture(app, after)
    jsonschema.validate(picture, SCHEMA)
    changes = picture["round_changes"]
    assert (changes["from_round"]["id"], changes["to_round"]["id"]) == (before, after)
    places = {p["place"]: p for p in changes["places"]}
    drop = places["brommaplan"]["times"]["evening"]
    lo, hi = confint_proportions_2indep(2, 20, 15, 20, compare="diff", method="newcomb")
    assert drop["before"] == {"n": 20, "suppressed": False, "share": 0.75}
    assert drop["after"] == {"n": 20, "suppressed": False, "share": 0.1}
    assert drop["diff"] == -0.65
    assert drop["diff_ci"] == [round(lo, 4), round(hi, 4)]
    assert drop["direction"] == "drop"
    # A side hidden in its round's picture never yields a change, whatever the shares.
    hidden = places["alvik"]["times"]["evening"]
    assert hidden["after"] == {"n": 4, "suppressed": True}
    assert hidden["direction"] == "not enough data"
    assert "diff" not in hidden
    assert "diff_ci" not in hidden
    # Abrahamsberg's 9 answers are hidden in each round: no change either.
    assert places["abrahamsberg"]["times"]["evening"]["direction"] == "not enough data"
    # Every change rests on two cells its rounds' pictures show, and only then.
    after_cells = {p["place"]: p["times"] for p in picture["places"]}
    for place in changes["places"]:
        for time, found in place["times"].items():
            if after_cells[place["place"]][time]["suppressed"]:
                assert "diff" not in found
    total = changes["area_total"]["times"]["evening"]
    assert total["after"]["n"] == 33
    assert total["before"]["n"] == 41
    assert total["direction"] == "drop"
    # The newest round without a filter: the same comparison.
    assert _picture(app, None)["round_changes"]["to_round"]["id"] == after


def test_no_earlier_round_no_change(app, two_rounds):
    before, _after = two_rounds
    assert _picture(app, before)["round_changes"] is None


def test_a_change_needs_both_sides_shown():
    shown = {"n": 30, "suppressed": False, "unsafe_share": 0.5}
    assert change(None, shown)["direction"] == "not enough data"
    assert change({"n": 8, "suppressed": True}, shown)["direction"] == "not enough data"
    weighted = change(
        {"n": 40, "n_eff": 31.5, "suppressed": False, "share": 0.5},
        {"n": 40, "n_eff": 28.0, "suppressed": False, "share": 0.25},
    )
    lo, hi = confint_proportions_2indep(
        0.25 * 28.0, 28.0, 0.5 * 31.5, 31.5, compare="diff", method="newcomb"
    )
    assert weighted["diff_ci"] == [round(lo, 4), round(hi, 4)]


@pytest.fixture
def one_place(app: Flask) -> tuple[int, int]:
    """Only Brommaplan has answers: nothing to hide, so both releases show its cells."""
    with app.app_context():
        rounds = factories.rounds_before_and_after(areas=["bromma"])
        db.session.commit()
        before, after = (r.id for r in rounds)
        evening = ["4"] * 10 + ["avoid"] * 5 + ["1"] * 5
        add_responses("brommaplan", columns(safety_evening=evening), round_id=before)
        add_responses("brommaplan", columns(safety_evening=["3"] * 2 + ["2"] * 18), round_id=after)
        db.session.commit()
    return before, after


def test_a_release_publishes_changes_between_published_rounds_only(app, one_place):
    before, after = one_place
    first = publish(app, round_id=after)
    with app.app_context():
        release = db.session.get(Release, first)
        assert release.data["round_changes"] is None  # the earlier round was never published
    publish(app, round_id=before)
    third = publish(app, round_id=after)
    with app.app_context():
        release = db.session.get(Release, third)
        changes = release.data["round_changes"]
        audited = release.audited_picture["round_changes"]
    places = {p["place"]: p for p in changes["places"]}
    drop = places["brommaplan"]["times"]["evening"]
    # The public form: shares and intervals in whole percent, answers to the nearest 5.
    assert drop["before"] == {"n": 20, "suppressed": False, "share": 0.75}
    assert drop["diff"] == -0.65
    [exact] = [p["times"]["evening"] for p in audited["places"] if p["place"] == "brommaplan"]
    lo, hi = exact["diff_ci"]
    assert drop["diff_ci"] == [round(lo, 2), round(hi, 2)]
    assert drop["direction"] == "drop"
    # A place without answers: hidden, with no count at all in public.
    empty = places["alvik"]["times"]["evening"]
    assert empty["after"] == {"suppressed": True}
    assert empty["direction"] == "not enough data"
    assert "diff" not in empty


def _weighted_picture(share: float, year: int | None) -> dict:
    """A picture with one shown cell per time, weighted to ``year``'s margins (None: not)."""
    cell = {"n": 40, "suppressed": False, "unsafe_share": share}
    if year is not None:
        cell["n_eff"] = 30.0
    times = {t: dict(cell) for t in ("day", "afternoon", "evening", "night")}
    picture = {"area_total": {"times": times, "problems": {}}, "places": []}
    picture["weighted"] = year is not None
    picture["weighting"] = {"applied": True, "year": year} if year else {"applied": False}
    return picture


ROUNDS = ({"id": 1, "name": "Hösten 2025"}, {"id": 2, "name": "Våren 2026"})


def test_a_weighted_round_beside_an_unweighted_one_is_not_compared():
    for before, after in ((None, 2025), (2025, None)):
        found = compare(_weighted_picture(0.5, before), _weighted_picture(0.2, after), ROUNDS)
        assert found["comparable"] is False
        assert found["not_comparable"] == "one side weighted"
        assert found["weighting"]["before"]["weighted"] is (before is not None)
        assert found["weighting"]["after"]["weighted"] is (after is not None)
        for cell in found["area_total"]["times"].values():
            assert cell["direction"] == "not comparable"
            assert "diff" not in cell
            assert "diff_ci" not in cell
            # Each side stays as its own picture shows it.
            assert (cell["before"]["share"], cell["after"]["share"]) == (0.5, 0.2)


def test_an_open_round_beside_one_by_invitation_is_not_compared():
    open_round, invited = ({**r, "by_invitation": False} for r in ROUNDS)
    invited["by_invitation"] = True
    for rounds in ((open_round, invited), (invited, open_round)):
        found = compare(_weighted_picture(0.5, None), _weighted_picture(0.2, None), rounds)
        assert found["comparable"] is False
        assert found["not_comparable"] == "one side by invitation"
        evening = found["area_total"]["times"]["evening"]
        assert evening["direction"] == "not comparable"
        assert "diff" not in evening
        assert (evening["before"]["share"], evening["after"]["share"]) == (0.5, 0.2)
    # Weighting is named first when both differ; two rounds by invitation compare.
    mixed = compare(_weighted_picture(0.5, None), _weighted_picture(0.2, 2025), rounds)
    assert mixed["not_comparable"] == "one side weighted"
    both = compare(_weighted_picture(0.5, None), _weighted_picture(0.2, None), (invited, invited))
    assert both["comparable"] is True
    # Rounds of a release made before the key was kept were open.
    assert compare(_weighted_picture(0.5, None), _weighted_picture(0.2, None), ROUNDS)["comparable"]


def test_the_picture_and_its_pages_say_an_invitation_round_is_not_compared(app, client, two_rounds):
    before, after = two_rounds
    with app.app_context():
        db.session.get_one(SurveyRound, after).by_invitation = True
        db.session.commit()
    picture = _picture(app, after)
    jsonschema.validate(picture, SCHEMA)
    changes = picture["round_changes"]
    assert (changes["from_round"]["by_invitation"], changes["to_round"]["by_invitation"]) == (
        False,
        True,
    )
    assert changes["not_comparable"] == "one side by invitation"
    brommaplan = next(p for p in changes["places"] if p["place"] == "brommaplan")
    assert brommaplan["times"]["evening"]["direction"] == "not comparable"
    # The public page and the PDF say why in plain words, and give no change.
    publish(app, "bromma", before)
    release = publish(app, "bromma", after)
    page = client.get(f"/uppfoljning/bromma?lang=en&release={release}").get_data(as_text=True)
    assert "in one survey people chosen at random got a letter" in page
    assert "weighted by age and gender" not in page
    out = io.BytesIO()
    with app.test_request_context(), db.engine.connect() as conn:
        pictures = build_pictures(conn, ["bromma"], Filters(round_id=after), 10, locale="en")
        write_pictures(pictures, "pdf", out, "en")
    text = " ".join(page.extract_text() for page in PdfReader(out).pages).replace("\n", " ")
    assert "people chosen at random got a letter" in text


def test_rounds_weighted_alike_are_compared_and_say_which_margins():
    both = compare(_weighted_picture(0.5, 2024), _weighted_picture(0.2, 2025), ROUNDS)
    assert both["comparable"] is True
    assert both["not_comparable"] is None
    assert both["weighting"] == {
        "before": {"weighted": True, "margins_year": 2024},
        "after": {"weighted": True, "margins_year": 2025},
    }
    assert both["area_total"]["times"]["evening"]["direction"] == "drop"
    neither = compare(_weighted_picture(0.5, None), _weighted_picture(0.2, None), ROUNDS)
    assert neither["comparable"] is True
    assert neither["weighting"]["before"] == {"weighted": False, "margins_year": None}
    # A release made before weighting existed has no such key: it was unweighted.
    old = _weighted_picture(0.5, None)
    del old["weighted"], old["weighting"]
    assert compare(old, _weighted_picture(0.2, None), ROUNDS)["comparable"] is True
    assert compare(old, _weighted_picture(0.2, 2025), ROUNDS)["comparable"] is False


def test_a_bound_that_leaves_0_out_is_never_published_as_0():
    # 5 of 20, then 2 of 34: Newcombe's upper bound is -0.00003 and the p-value just under 5 %.
    # Rounded to 4 decimals the bound would be 0: a "drop" beside an interval that reaches 0,
    # which no one recomputing from the stored interval could find. It is stored as -0.0001.
    found = change(
        {"n": 20, "suppressed": False, "share": 0.25},
        {"n": 34, "suppressed": False, "share": 0.0588},
    )
    assert found["diff_ci"][1] == -0.0001
    assert found["direction"] == "drop"
    tested = share_test(5, 20, 2, 34)
    assert (tested["status"], tested["ci"][1]) == ("improved", -0.0001)
    assert tested["p_value"] < ALPHA  # the p-value agrees with the stored interval
    # The reviewer's case: 10 of 20, then 29 of 104 (upper bound -0.00002, p 0.049997).
    tested = share_test(10, 20, 29, 104)
    assert tested["ci"][1] < 0
    assert tested["p_value"] < ALPHA
    assert tested["status"] == "improved"


def test_published_bounds_keep_their_side_of_the_null_value():
    assert published(-0.00003, 0.2) == [0.0, 0.2]  # holds 0: rounding keeps it inside
    assert published(-0.4, -0.00003) == [-0.4, -0.0001]
    assert published(0.00004, 0.3) == [0.0001, 0.3]
    assert published(0.99996, 1.5, null=1.0) == [1.0, 1.5]
    assert published(1.00002, 1.5, null=1.0) == [1.0001, 1.5]
    assert str(published(-0.00001, 0.00001)[0]) == "0.0"  # no negative zero

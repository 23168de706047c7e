"""Attacks on the dashboard's differencing guard, each a reviewer's that once worked: shown
figures of a few views subtract to one resident's answer. Each test fails when the attack
succeeds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from analysis.picture import situation_picture
from analysis.survey import Filters
from survey.extensions import db
from survey.models import ItemAnswer
from tests.common.item_data import record_version_2
from tests.common.survey_data import add_responses, columns, default_round_id, new_round

OCT, NOV, DEC, JAN = (dt.date(2025, 10, 6), dt.date(2025, 11, 6), dt.date(2025, 12, 5),
                      dt.date(2026, 1, 8))  # fmt: skip
TO_NOVEMBER = dt.date(2025, 11, 30)


def _picture(app, **filters):
    with app.app_context(), db.engine.connect() as conn:
        return situation_picture(conn, "bromma", Filters(**filters), 10, weighted=False)


def _evening(picture, slug="brommaplan"):
    return {p["place"]: p for p in picture["places"]}[slug]["times"]["evening"]


def _unsafe(cell) -> tuple[int, int] | None:
    """(n, unsafe answers) of a shown cell; None for a hidden one (the attack stops there)."""
    if cell["suppressed"]:
        return None
    return cell["n"], round(cell["unsafe_share"] * cell["n"])


def _minus(a, b):
    return None if a is None or b is None else (a[0] - b[0], a[1] - b[1])


def test_four_views_of_rounds_and_months_give_no_answer_away(app):
    # All rounds minus up to November, minus round 2 plus round 2 up to November (known to be
    # empty: it opened in December) is round 1's one December answer.
    with app.app_context():
        first = default_round_id()
        second = new_round("Vinter", dt.date(2025, 12, 11))
        db.session.commit()
        woman = {"gender": "woman", "age_band": "25-44"}
        christmas = dt.date(2025, 12, 20)
        for day, count, round_id in ((OCT, 20, first), (NOV, 20, first), (christmas, 12, second),
                                     (JAN, 20, second)):  # fmt: skip
            add_responses("brommaplan", columns(safety_evening=["1"] * count), round_id=round_id,
                          submitted_on=day, **woman)  # fmt: skip
        add_responses("brommaplan", columns(safety_evening=["4"]), round_id=first,
                      submitted_on=DEC, gender="man", age_band="65+")  # fmt: skip
    every = _unsafe(_evening(_picture(app)))
    up_to = _unsafe(_evening(_picture(app, date_to=TO_NOVEMBER)))
    second_round = _unsafe(_evening(_picture(app, round_id=second)))
    assert every is not None
    assert second_round is not None
    assert up_to is None  # else every - up_to - second_round is round 1's December answer


def test_a_hidden_place_is_not_the_total_minus_the_places_shown(app):
    with app.app_context():
        add_responses("brommaplan", columns(safety_evening=["1"] * 20), submitted_on=NOV)
        add_responses("brommaplan", columns(safety_evening=["4"]), submitted_on=DEC)
        add_responses("alvik", columns(safety_evening=["2"] * 30), submitted_on=NOV)
        add_responses("alvik", columns(safety_evening=["1"] * 12), submitted_on=DEC)
    up_to, every = _picture(app, date_to=TO_NOVEMBER), _picture(app)
    assert _evening(up_to)["suppressed"]
    derived = _minus(
        _unsafe(up_to["area_total"]["times"]["evening"]), _unsafe(_evening(up_to, "alvik"))
    )
    assert _minus(_unsafe(_evening(every)), derived) != (1, 1)


def test_a_hidden_group_is_not_the_total_minus_the_groups_shown(app):
    with app.app_context():
        for gender, day, count in (("woman", NOV, 20), ("woman", DEC, 12), ("man", NOV, 20)):
            add_responses("brommaplan", columns(safety_evening=["1"] * count), submitted_on=day,
                          gender=gender)  # fmt: skip
        add_responses("brommaplan", columns(safety_evening=["4"]), submitted_on=DEC, gender="man")
    up_to, every = _picture(app, date_to=TO_NOVEMBER), _picture(app)
    women = up_to["by_group"]["gender"].get("woman")  # taken off the view: nothing to subtract
    derived = women and _minus(_unsafe(up_to["area_total"]["times"]["evening"]),
                               _unsafe(women["times"]["evening"]))  # fmt: skip
    men = _unsafe(every["by_group"]["gender"]["man"]["times"]["evening"])
    assert _minus(men, derived) != (1, 1)


def test_the_n_of_a_hidden_cell_does_not_say_what_the_answer_was(app, auth):
    # 'reported' is asked of victims only: its n going from 0 to 1 said December's resident
    # was a victim.
    with app.app_context():
        add_responses("brommaplan", columns(victim=["no"] * 20), submitted_on=NOV)
        add_responses("brommaplan", columns(victim=["yes"], reported=["no"]), submitted_on=DEC)
    auth.login("organizer")
    up_to = auth.client.get("/organizer/areas/bromma/lagesbild.json?month_to=2025-11").get_json()
    every = auth.client.get("/organizer/areas/bromma/lagesbild.json").get_json()

    def place(picture):
        return {p["place"]: p for p in picture["places"]}["brommaplan"]

    # A hidden figure carries no count of its own in what organizers get: nothing to subtract.
    for picture in (up_to, every):
        assert place(picture)["reported"]["suppressed"]
        assert place(picture)["reported"]["n"] is None


def test_an_added_question_is_hidden_with_the_survey_figures(app):
    with app.app_context():
        record_version_2()
        for day, value, count in ((NOV, "1", 20), (DEC, "5", 1)):
            for _ in range(count):
                [response] = add_responses("brommaplan", [{}], submitted_on=day)
                db.session.execute(
                    insert(ItemAnswer.__table__),
                    [{"response_id": response.id, "code": "police_there", "value": value,
                      "number": None, "text": None}],
                )  # fmt: skip
        db.session.commit()
    up_to, every = _picture(app, date_to=TO_NOVEMBER), _picture(app)
    before = {i["code"]: i for i in up_to["items"]}["police_there"]
    after = {i["code"]: i for i in every["items"]}["police_there"]
    assert before["area_total"]["suppressed"] or after["area_total"]["suppressed"]
    assert all(c["suppressed"] for c in before["places"].values())


def test_a_filtered_view_of_an_area_without_answers_is_empty(app):
    with app.app_context(), db.engine.connect() as conn:
        filters = Filters(date_to=TO_NOVEMBER, gender="woman")
        assert situation_picture(conn, "ekero", filters, 10)["n"] == 0

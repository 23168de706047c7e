"""Citizen promises: record, edit and delete them, log activities, read the follow-up."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from survey import clock
from survey.extensions import db
from survey.models import (
    AuditEvent,
    CrimeCount,
    Place,
    Promise,
    PromiseActivity,
    SurveyRound,
)
from tests.common import factories
from tests.common.web import post_form

NEW = "/organizer/promises/new"


@pytest.fixture
def org(client, auth):
    auth.login("organizer")
    client.get("/?lang=en")
    return client


@pytest.fixture
def ref(app):
    """Ids of the places and areas the forms refer to, by slug."""
    with app.app_context():
        places = {p.slug: p for p in db.session.scalars(select(Place))}
        return {
            "place": {slug: p.id for slug, p in places.items()},
            "area": {"bromma": places["brommaplan"].area_id, "ekero": places["stenhamra"].area_id},
        }


def valid(ref, **changes):
    data = {
        "area_id": str(ref["area"]["bromma"]),
        "title": "Tryggare Brommaplan",
        "text": "Polis och kommun ökar närvaron\r\npå kvällarna.",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "places": [str(ref["place"]["brommaplan"]), str(ref["place"]["alvik"])],
        "problems": ["alcohol", "groups"],
        "times": ["evening", "night"],
        "baseline_round_id": "",
        "followup_round_id": "",
        "indicators": ["unsafe_share:evening", "problem_share:alcohol"],
        "crime_categories": "Misshandel\r\n\r\n  Misshandel \r\nRån",
    }
    return data | changes


def stored(app):
    with app.app_context():
        promises = list(db.session.scalars(select(Promise).order_by(Promise.id)))
        for promise in promises:
            _ = promise.places, promise.activities, promise.area
        return promises


def events(app, prefix="promise"):
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.startswith(prefix))
                .order_by(AuditEvent.id)
            )
        )


def create(org, app, ref, **changes):
    response = post_form(org, NEW, valid(ref, **changes))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return stored(app)[-1]


def test_the_menu_and_an_empty_list(org):
    assert 'href="/organizer/promises">Citizen promises</a>' in org.get("/organizer/").text
    page = org.get("/organizer/promises").get_data(as_text=True)
    assert "No promises yet." in page


def test_create_a_promise(app, org, ref):
    promise = create(org, app, ref)
    assert promise.title == "Tryggare Brommaplan"
    assert promise.text == "Polis och kommun ökar närvaron\npå kvällarna."
    assert promise.area.slug == "bromma"
    assert sorted(p.slug for p in promise.places) == ["alvik", "brommaplan"]
    assert (promise.problems, promise.times) == ("alcohol;groups", "evening;night")
    assert promise.indicators == [
        {"kind": "unsafe_share", "time": "evening"},
        {"kind": "problem_share", "problem": "alcohol"},
        {"kind": "crime", "category": "Misshandel"},
        {"kind": "crime", "category": "Rån"},
    ]
    [created] = events(app)
    assert created.action == "promise.create"
    assert created.target_id == promise.id
    assert created.details["places"] == ["alvik", "brommaplan"]
    page = org.get(f"/organizer/promises/{promise.id}").get_data(as_text=True)
    assert "The promise is saved." in page
    # The indicators are named as on the public follow-up and in the PDF (survey.labels).
    assert "Feel unsafe: Evening (18–22)" in page
    assert "Reported crimes: Robbery" in page  # the category Rån in the page's language
    assert "Not enough data" in page
    # A release hides figures on enough answers too: not only "too few answers".
    assert "hid a figure (too few answers, or to protect other cells)" in page
    listing = org.get("/organizer/promises").get_data(as_text=True)
    assert "Tryggare Brommaplan" in listing
    assert "Alvik, Brommaplan" in listing


def test_without_indicators_the_chosen_times_and_problems_are_followed(app, org, ref):
    promise = create(org, app, ref, indicators=[], crime_categories="")
    assert promise.indicators == [
        {"kind": "unsafe_share", "time": "evening"},
        {"kind": "unsafe_share", "time": "night"},
        {"kind": "problem_share", "problem": "alcohol"},
        {"kind": "problem_share", "problem": "groups"},
    ]


def test_crime_categories_do_not_replace_the_survey_indicators(app, org, ref):
    promise = create(org, app, ref, indicators=[], crime_categories="Misshandel")
    assert promise.indicators == [
        {"kind": "unsafe_share", "time": "evening"},
        {"kind": "unsafe_share", "time": "night"},
        {"kind": "problem_share", "problem": "alcohol"},
        {"kind": "problem_share", "problem": "groups"},
        {"kind": "crime", "category": "Misshandel"},
    ]


def test_a_crime_indicator_without_crime_data_says_so(app, org, ref):
    # It read "0 in 0 months (None – None)".
    promise = create(org, app, ref, indicators=[], times=[], problems=[], crime_categories="Rån")
    page = org.get(f"/organizer/promises/{promise.id}").get_data(as_text=True)
    assert "None" not in page
    assert "No crime data yet." in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "Fill in this field."),
        ({"text": ""}, "text", "Fill in this field."),
        ({"area_id": ""}, "area_id", "Choose an area."),
        ({"period_end": "2025-12-31"}, "period_end", "The end cannot be before the start."),
        ({"period_start": "1/1/2026"}, "period_start", "Enter a date as YYYY-MM-DD"),
        ({"places": ["place:stenhamra"]}, "places", "Not in the chosen area: Stenhamra."),
        ({"problems": ["weather"]}, "problems", "Choose one of the options shown."),
        ({"times": ["noon"]}, "times", "Choose one of the options shown."),
        ({"indicators": ["unsafe_share:noon"]}, "indicators", "Choose one of the options shown."),
        ({"baseline_round_id": "999999"}, "baseline_round_id", "Choose one of the options shown."),
        ({"crime_categories": "x" * 121}, "crime_categories", "at most 120 characters"),
        # The title is shown on the public page; an override would turn the text around.
        ({"title": "Tryggare\u202e kvällar"}, "title", "characters that cannot be saved"),
        ({"primary": "unsafe_share:day"}, "primary", "Choose an indicator the promise follows."),
        (
            {"primary": "crime", "crime_categories": ""},
            "primary",
            "List a crime category to make it the primary indicator.",
        ),
        ({"primary": "problem_share:weather"}, "primary", "Choose one of the options shown."),
        (
            {"crime_categories": "\n".join(f"c{i}" for i in range(21))},
            "crime_categories",
            "Give at most 20 categories.",
        ),
        # A typo followed nothing, and the follow-up said "no crime data yet" for good.
        (
            {"crime_categories": "Misshandl\nRån"},
            "crime_categories",
            "No crime data has the category “Misshandl”. Write one of: Alkohollagen, Bedrägeri,",
        ),
    ],
)
def test_bad_input_stores_nothing(app, org, ref, change, field, message):
    if change.get("places") == ["place:stenhamra"]:
        change = {"places": [str(ref["place"]["stenhamra"])]}
    response = post_form(org, NEW, valid(ref, **change))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'href="#{field}' in page
    assert message in page
    assert stored(app) == []
    assert events(app) == []


def test_a_category_is_stored_as_the_crime_data_spells_it(app, org, ref):
    # A CSV's own category (not in the mapping) is known once its counts are stored.
    with app.app_context():
        db.session.add(
            CrimeCount(
                area_id=ref["area"]["bromma"],
                month=dt.date(2026, 1, 1),
                category="Klotter",
                count=3,
                source="csv",
            )
        )
        db.session.commit()
    promise = create(org, app, ref, crime_categories="misshandel\nRÅN\nMisshandel\nklotter")
    crimes = [i["category"] for i in promise.indicators if i["kind"] == "crime"]
    assert crimes == ["Misshandel", "Rån", "Klotter"]


def test_a_primary_indicator_is_stored_with_its_indicator(app, org, ref):
    promise = create(org, app, ref, primary="problem_share:alcohol")
    assert [i for i in promise.indicators if i.get("primary")] == [
        {"kind": "problem_share", "problem": "alcohol", "primary": True}
    ]
    page = org.get(f"/organizer/promises/{promise.id}").get_data(as_text=True)
    assert "is its primary indicator's, chosen in advance" in page
    edit = org.get(f"/organizer/promises/{promise.id}/edit").get_data(as_text=True)
    assert '<option selected value="problem_share:alcohol">' in edit
    crime = create(org, app, ref, primary="crime")
    assert [i for i in crime.indicators if i.get("primary")] == [
        {"kind": "crime", "category": "Misshandel", "primary": True}
    ]
    none = create(org, app, ref, primary="")
    assert not any(i.get("primary") for i in none.indicators)
    page = org.get(f"/organizer/promises/{none.id}").get_data(as_text=True)
    assert "No primary indicator was chosen" in page


def test_the_same_round_before_and_after_is_refused(app, org, ref):
    with app.app_context():
        round_id = db.session.scalar(select(SurveyRound.id))
    response = post_form(
        org, NEW, valid(ref, baseline_round_id=str(round_id), followup_round_id=str(round_id))
    )
    assert response.status_code == 422
    assert "Choose a different round than the baseline." in response.get_data(as_text=True)
    assert stored(app) == []


def test_edit_a_promise(app, org, ref):
    promise = create(org, app, ref)
    path = f"/organizer/promises/{promise.id}/edit"
    page = org.get(path).get_data(as_text=True)
    assert "Misshandel\nRån</textarea>" in page
    assert re.search(r'<input checked [^>]*value="unsafe_share:evening"', page)
    assert not re.search(r'<input checked [^>]*value="unsafe_share:day"', page)
    # Saved unchanged: nothing recorded.
    unchanged = valid(ref, crime_categories="Misshandel\nRån")
    response = post_form(org, path, unchanged, follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert [e.action for e in events(app)] == ["promise.create"]
    changed = valid(ref, title="Lugnare Brommaplan", places=[str(ref["place"]["brommaplan"])])
    assert post_form(org, path, changed).status_code == 303
    [after] = stored(app)
    assert after.title == "Lugnare Brommaplan"
    assert [p.slug for p in after.places] == ["brommaplan"]
    update = events(app)[-1]
    assert update.action == "promise.update"
    assert update.details["changes"]["title"] == ["Tryggare Brommaplan", "Lugnare Brommaplan"]
    assert update.details["changes"]["places"] == [["alvik", "brommaplan"], ["brommaplan"]]
    # Moving it to another area while keeping Bromma's places is refused.
    moved = valid(ref, area_id=str(ref["area"]["ekero"]))
    assert post_form(org, path, moved).status_code == 422
    assert stored(app)[0].area.slug == "bromma"


def _activity(org, promise_id, **changes):
    data = {
        "held_on": "2026-02-03",
        "kind": "presence_patrol",
        "place_id": "",
        "hours": "2,5",
        "count": "1",
        "note": "Kvällspass",
    } | changes
    return post_form(
        org,
        f"/organizer/promises/{promise_id}/activities",
        data,
        token_from=f"/organizer/promises/{promise_id}",
    )


def test_activities_are_summed_in_the_follow_up(app, org, ref):
    promise = create(org, app, ref)
    first = _activity(org, promise.id, place_id=str(ref["place"]["brommaplan"]))
    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"/organizer/promises/{promise.id}#activities")
    assert _activity(org, promise.id, hours="3", count="2").status_code == 303
    assert _activity(org, promise.id, kind="alcohol_ban", hours="", count="4").status_code == 303
    [after] = stored(app)
    assert sorted((a.kind, a.hours, a.count) for a in after.activities) == [
        ("alcohol_ban", None, 4),
        ("presence_patrol", 2.5, 1),
        ("presence_patrol", 3.0, 2),
    ]
    assert [e.action for e in events(app, "promise_activity")] == ["promise_activity.create"] * 3
    page = org.get(f"/organizer/promises/{promise.id}").get_data(as_text=True)
    assert "3 activities" in page
    assert "5.5 hours" in page
    assert "7 interventions or people reached" in page
    assert "Alcohol-ban intervention" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours": "-1"}, "Enter a number from 0 to 10000."),
        ({"hours": "två"}, "Enter a number, like 2,5."),
        ({"hours": "nan"}, "Enter a number, like 2,5."),
        ({"count": "-2"}, "Enter a number from 0 to 100000."),
        ({"kind": ""}, "Choose the kind of activity."),
        ({"kind": "party"}, "Choose one of the options shown."),
        ({"held_on": ""}, "Fill in this field."),
        ({"held_on": "2026-02-30"}, "Enter a date as YYYY-MM-DD"),
        (
            {"held_on": "2025-12-31"},
            "Choose a date within the period of the promise, 2026-01-01–2026-06-30.",
        ),
        (
            {"held_on": "2026-07-01"},
            "Choose a date within the period of the promise, 2026-01-01–2026-06-30.",
        ),
        ({"place_id": "stenhamra"}, "Choose one of the options shown."),
    ],
)
def test_a_bad_activity_stores_nothing(app, org, ref, change, message):
    promise = create(org, app, ref)
    if change.get("place_id") == "stenhamra":
        change = {"place_id": str(ref["place"]["stenhamra"])}
    response = _activity(org, promise.id, **change)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(app)[0].activities == []
    assert events(app, "promise_activity") == []


def test_an_activity_cannot_be_logged_before_it_is_done(app, org, ref):
    promise = create(org, app, ref, period_end="2099-12-31")
    with app.app_context():
        today = clock.today()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    response = _activity(org, promise.id, held_on=tomorrow)
    assert response.status_code == 422
    assert "The date is in the future: log an activity once it is done." in response.text
    assert _activity(org, promise.id, held_on=today.isoformat()).status_code == 303
    assert [a.held_on for a in stored(app)[0].activities] == [today]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"period_end": "2026-02-28"},
            "period_end",
            "An activity is logged on 2026-03-10: end the period then or later",
        ),
        (
            {"period_start": "2026-03-11"},
            "period_start",
            "An activity is logged on 2026-03-10: start the period then or before",
        ),
        (
            {"area_id": "ekero", "places": []},
            "area_id",
            "Activities are logged at Alvik, in another area: delete them first",
        ),
    ],
)
def test_an_edit_cannot_leave_a_logged_activity_out(app, org, ref, change, field, message):
    """The follow-up sums every activity of the promise: a period that no longer holds one,
    or another area than the one its place is in, would count it all the same."""
    promise = create(org, app, ref)
    _activity(org, promise.id, held_on="2026-03-10", place_id=str(ref["place"]["alvik"]))
    if change.get("area_id") == "ekero":
        change = change | {"area_id": str(ref["area"]["ekero"])}
    path = f"/organizer/promises/{promise.id}/edit"
    response = post_form(org, path, valid(ref, crime_categories="Misshandel\nRån", **change))
    assert response.status_code == 422
    assert f'href="#{field}' in response.text
    assert message in response.text
    [after] = stored(app)
    assert (after.area.slug, after.period_start, after.period_end) == (
        "bromma",
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
    )
    kept = valid(ref, period_start="2026-03-10", crime_categories="Misshandel\nRån")
    assert post_form(org, path, kept).status_code == 303
    assert stored(app)[0].period_start == dt.date(2026, 3, 10)


def test_delete_an_activity(app, org, ref):
    promise = create(org, app, ref)
    _activity(org, promise.id)
    [activity] = stored(app)[0].activities
    path = f"/organizer/promises/{promise.id}/activities/{activity.id}/delete"
    page = org.get(path).get_data(as_text=True)
    assert "Delete this activity?" in page
    assert stored(app)[0].activities != []
    assert post_form(org, path, {}).status_code == 303
    assert stored(app)[0].activities == []
    assert events(app, "promise_activity")[-1].action == "promise_activity.delete"


def test_delete_a_promise_with_its_activities(app, org, ref):
    promise = create(org, app, ref)
    _activity(org, promise.id)
    path = f"/organizer/promises/{promise.id}/delete"
    page = org.get(path).get_data(as_text=True)
    assert "Delete this promise?" in page
    assert "Its 1 logged activity is deleted with it." in page
    assert stored(app) != []
    response = post_form(org, path, {})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/organizer/promises")
    assert stored(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PromiseActivity)) == 0
    deleted = events(app)[-1]
    assert (deleted.action, deleted.details["activities"]) == ("promise.delete", 1)
    assert org.get(f"/organizer/promises/{promise.id}").status_code == 404


def test_the_follow_up_shows_figures_and_hides_small_cells(app, org, ref):
    with app.app_context():
        before, after = factories.rounds_before_and_after()
        factories.answers("brommaplan", before, 20, safety_evening="3", safety_night="4")
        factories.answers("brommaplan", before, 10, safety_evening="3", safety_night="2")
        factories.answers("brommaplan", before, 20, safety_evening="1")
        factories.answers("brommaplan", after, 45, safety_evening="1")
        factories.answers("brommaplan", after, 5, safety_evening="4", safety_night="3")
        db.session.commit()
        ids = (str(before.id), str(after.id))
    promise = create(
        org,
        app,
        ref,
        baseline_round_id=ids[0],
        followup_round_id=ids[1],
        indicators=["unsafe_share:evening", "unsafe_share:night"],
        crime_categories="",
    )
    page = org.get(f"/organizer/promises/{promise.id}").get_data(as_text=True)
    assert "Status:</strong> Improved" in page
    assert "60% <span" in page  # 30 of 50 before
    assert "10% <span" in page  # 5 of 50 after
    # 5 night answers after: too few to show, and no count (it would say what the few
    # answered: here that all five were there at night).
    assert "too few answers</span>" in page
    assert "(5 answers)" not in page
    assert "67% <span" in page  # 20 of 30 nights before
    assert "100%" not in page  # 5 of 5 nights after: too few to show
    assert " %" not in page.split("<main", 1)[1].replace("95 %", "")  # one style in English
    # U+2212, the minus sign in every language; one decimal, for the size and both bounds.
    assert re.search(r"−50\.0 points \(−\d+\.\d – −\d+\.\d\)", page)
    # 30 of 50, then 5 of 50: p is far below 0.001, and says so rather than "0.000".
    assert "&lt;\u00a00.001" in page
    assert "0.000" not in page

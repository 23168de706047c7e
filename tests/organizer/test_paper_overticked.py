"""A paper form where the resident ticked more priorities than allowed: keyed in as invalid,
the question unanswered and the rest of the form saved (the web survey still refuses it)."""

import html

import pytest

from tests.common.web import count_responses, local_today, post_form, stored_responses

PATH = "/organizer/paper"
FOUR = ["presence", "drugs", "youth", "traffic"]


@pytest.fixture
def organizer(client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    return client


def _paper(**answers):
    return {"place": "brommaplan", "written_on": local_today().isoformat(), **answers}


def test_the_question_offers_an_invalid_choice(organizer):
    page = html.unescape(organizer.get(PATH, follow_redirects=True).get_data(as_text=True))
    assert 'name="police_priority" type="checkbox" value="-invalid"' in page
    assert "Invalid: more than 3 ticked (saved as not answered)" in page
    # Only on questions with a most number of choices.
    assert page.count('value="-invalid"') == 1


def test_four_ticks_say_how_to_key_them_in_and_store_nothing(app, organizer):
    response = post_form(organizer, PATH, _paper(relation="live", police_priority=FOUR))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert (
        "Did the resident tick more than 3? Then tick “Invalid” at the end of the question" in page
    )
    assert 'href="#police_priority' in page
    assert count_responses(app) == 0


def test_an_over_ticked_question_keyed_in_as_invalid_is_saved_unanswered(app, organizer):
    data = _paper(relation="live", safety_evening="3", police_priority=[*FOUR, "-invalid"])
    response = post_form(organizer, PATH, data)
    assert response.status_code == 303
    [stored] = stored_responses(app)
    assert stored.police_priority is None
    assert (stored.relation, stored.safety_evening) == ("live", "3")


def test_invalid_alone_is_unanswered_too(app, organizer):
    response = post_form(organizer, PATH, _paper(relation="work", police_priority=["-invalid"]))
    assert response.status_code == 303
    [stored] = stored_responses(app)
    assert (stored.relation, stored.police_priority) == ("work", None)


def test_a_correction_keys_in_an_over_ticked_question_as_invalid(app, organizer):
    post_form(organizer, PATH, _paper(relation="live", police_priority=["drugs"]))
    [stored] = stored_responses(app)
    path = f"{PATH}/answers/{stored.id}/edit"
    data = _paper(relation="live", survey_round="", police_priority=[*FOUR, "-invalid"])
    assert post_form(organizer, path, data).status_code == 303
    [corrected] = stored_responses(app)
    assert (corrected.relation, corrected.police_priority) == ("live", None)


def test_the_message_is_plain_swedish_on_a_swedish_page(organizer):
    organizer.get(f"{PATH}?lang=sv", follow_redirects=True)
    page = html.unescape(post_form(organizer, PATH, _paper(police_priority=FOUR)).get_data(True))
    assert "Har svarspersonen kryssat i fler än 3? Kryssa då i ”Ogiltigt ifyllt”" in page
    assert "Ogiltigt ifyllt: fler än 3 kryss (sparas som obesvarad)" in page


def test_only_questions_that_offer_the_invalid_choice_are_cleared_by_it():
    from survey.organizer.paper.overticked import without_invalid

    # An added item whose real option is literally "-invalid" offers no such choice: kept.
    data = {"police_priority": ["presence", "-invalid"], "q7": ["-invalid"], "relation": "live"}
    assert without_invalid(data, {"police_priority": 3}) == {
        "police_priority": None,
        "q7": ["-invalid"],
        "relation": "live",
    }

"""Answering the survey: a valid answer is stored once; every bad input stores nothing."""

import datetime as dt
import io
import os
import re

import pytest
from sqlalchemy import inspect

from survey.extensions import db
from survey.models import Response
from tests.common.redis_keys import keys_with
from tests.common.web import (
    CSRF_INPUT,
    VALID_ANSWER,
    count_responses,
    csrf_token,
    local_today,
    stored_responses,
    submit,
)


def test_the_form_shows_every_question_as_a_labelled_group(client):
    page = client.get("/s/brommaplan").get_data(as_text=True)
    assert "<h1>Brommaplan</h1>" in page
    assert page.count("<fieldset") == 24  # every item but the comment is a choice group
    assert "<legend>Hur trygg känner du dig här på kvällen (kl. 18–22)?" in page
    assert '<label for="safety_evening-4">Jag undviker platsen då av oro</label>' in page
    assert '<label for="comment">' in page
    assert 'maxlength="1000"' in page


def test_unknown_place_is_404(client):
    response = client.get("/s/atlantis")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def test_a_valid_answer_is_stored_and_redirects_to_thanks(app, client):
    data = VALID_ANSWER | {
        "problem_alcohol": "4",
        "problem_drug_dealing": "dk",
        "worry": "3",
        "victim": "yes",
        "reported": "no",
        "police_priority": ["presence", "alcohol"],
        "police_cares": "2",
        "comment": "Mörkt vid busshållplatsen.",
        "age_band": "25-44",
        "gender": "woman",
    }
    response = submit(client, "brommaplan", data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/s/brommaplan/tack")
    [stored] = stored_responses(app)
    assert stored.place.slug == "brommaplan"
    assert stored.submitted_on == local_today()
    assert stored.questionnaire_version == 1
    assert stored.source == "web"
    assert stored.safety_night == "avoid"
    assert stored.problem_alcohol == "4"
    assert stored.police_priority == "presence;alcohol"
    assert stored.reported == "no"
    assert stored.comment == "Mörkt vid busshållplatsen."
    assert stored.worry == "3"
    assert stored.avoided is None

    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tack för dina svar" in thanks
    assert "minst 10 personer" in thanks


def test_reported_is_dropped_when_not_a_victim(app, client):
    submit(client, "alvik", VALID_ANSWER | {"victim": "no", "reported": "yes"})
    [stored] = stored_responses(app)
    assert stored.victim == "no"
    assert stored.reported is None


def test_nothing_identifying_is_stored(app, client):
    submit(
        client,
        "alvik",
        VALID_ANSWER,
        headers={"User-Agent": "UniqueAgent/1.0"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("response")}
        row = db.session.execute(Response.__table__.select()).one()
    assert not {"ip", "ip_address", "user_agent", "created_at", "session", "cookie"} & columns
    assert "203.0.113.7" not in repr(tuple(row))
    assert "UniqueAgent" not in repr(tuple(row))
    assert type(row.submitted_on) is dt.date


def _errors(page: str) -> str:
    start = page.index('class="error-summary"')
    return page[start : page.index("</div>", start)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (VALID_ANSWER | {"safety_evening": "5"}, "safety_evening", "Välj ett av alternativen"),
        (VALID_ANSWER | {"relation": "tourist"}, "relation", "Välj ett av alternativen"),
        (
            {k: v for k, v in VALID_ANSWER.items() if k != "safety_night"},
            "safety_night",
            "Svara på frågan.",
        ),
        (VALID_ANSWER | {"problem_litter": "9"}, "problem_litter", "Välj ett av alternativen"),
        (VALID_ANSWER | {"comment": "x" * 1001}, "comment", "Skriv högst 1000 tecken."),
        (
            VALID_ANSWER | {"police_priority": ["presence", "drugs", "youth", "traffic"]},
            "police_priority",
            "Välj högst 3 alternativ.",
        ),
        (
            VALID_ANSWER | {"police_priority": ["presence", "bribes"]},
            "police_priority",
            "Välj ett av alternativen",
        ),
        # The key-in form's "invalid" choice is not one of the web survey's.
        (
            VALID_ANSWER | {"police_priority": ["presence", "-invalid"]},
            "police_priority",
            "Välj ett av alternativen",
        ),
    ],
)
def test_bad_answers_get_a_message_and_store_nothing(app, client, data, field, message):
    response = submit(client, "brommaplan", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = _errors(page)
    assert f'href="#{field}' in summary
    assert message in summary
    assert 'class="field-error"' in page
    assert count_responses(app) == 0


def test_entered_values_are_kept_when_the_form_comes_back(client):
    data = VALID_ANSWER | {
        "safety_day": "",
        "worry": "4",
        "comment": "Kvar <b>efter</b> fel",
        "police_priority": ["drugs"],
    }
    page = submit(client, "brommaplan", data).get_data(as_text=True)
    assert '<input checked id="worry-3" name="worry" type="radio" value="4">' in page
    assert (
        '<input checked id="police_priority-2" name="police_priority" type="checkbox" '
        'value="drugs">' in page
    )
    assert "Kvar &lt;b&gt;efter&lt;/b&gt; fel</textarea>" in page


def test_english_messages(client):
    page = submit(client, "brommaplan?lang=en", {"relation": "live"}).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Answer this question." in page


def test_an_expired_token_shows_the_answers_again_and_stores_nothing(app, client):
    # A phone restarted with the tab open lost its session: a plain error page, then a
    # reload as it advised, emptied the form.
    sent = VALID_ANSWER | {"comment": "Mörkt vid <busshållplatsen>"}
    response = client.post("/s/brommaplan", data=sent)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sidan hade hunnit gå ut, så dina svar är inte skickade än." in page
    assert "Mörkt vid &lt;busshållplatsen&gt;</textarea>" in page
    assert re.search(r'value="live"[^>]*checked|checked[^>]*value="live"', page)
    assert count_responses(app) == 0
    # The page carries a new token: sent again, the answer is stored.
    token = CSRF_INPUT.search(page).group(1)
    again = client.post("/s/brommaplan", data=sent | {"csrf_token": token})
    assert again.status_code == 303
    assert count_responses(app) == 1
    # Elsewhere a refused token is the plain page, in the user's language.
    english = client.post("/organizer/login", data={}, headers={"Accept-Language": "en"})
    assert english.status_code == 400
    assert "The form has expired" in english.get_data(as_text=True)


def test_an_unknown_place_without_a_token_is_a_page_not_a_500(app, make_app):
    # The form shown again looked the place up inside the error handler: a 500 for any bot.
    client = app.test_client()
    response = client.post("/s/atlantis", data=VALID_ANSWER)
    assert response.status_code == 400
    assert "Formuläret har gått ut" in response.get_data(as_text=True)
    limited = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="1 per minute").test_client()
    token = csrf_token(limited, "/s/alvik")
    statuses = [
        limited.post("/s/atlantis", data=VALID_ANSWER | {"csrf_token": token}).status_code
        for _ in range(3)
    ]
    assert statuses == [404, 429, 429]


def test_wrong_csrf_token_is_refused(app, client):
    csrf_token(client, "/s/brommaplan")
    response = client.post("/s/brommaplan", data=VALID_ANSWER | {"csrf_token": "forged"})
    assert response.status_code == 400
    assert count_responses(app) == 0


def test_a_token_from_another_session_is_refused(app):
    token = csrf_token(app.test_client(), "/s/brommaplan")
    response = app.test_client().post("/s/brommaplan", data=VALID_ANSWER | {"csrf_token": token})
    assert response.status_code == 400
    assert count_responses(app) == 0


def test_a_filled_honeypot_is_dropped_silently(app, client):
    response = submit(client, "brommaplan", VALID_ANSWER | {"homepage": "http://spam.example"})
    assert response.status_code == 303
    assert count_responses(app) == 0


def test_an_oversized_body_is_413(app, client):
    token = csrf_token(client, "/s/brommaplan")
    response = client.post(
        "/s/brommaplan", data=VALID_ANSWER | {"csrf_token": token, "comment": "x" * 100_000}
    )
    assert response.status_code == 413
    assert "För mycket data" in response.get_data(as_text=True)
    assert count_responses(app) == 0


def test_rate_limit_answers_429_with_a_page(make_app):
    app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    response = submit(client, "alvik", VALID_ANSWER | {"comment": "Mörkt vid stationen"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    # The form again, as it was filled in: a plain error page lost the answers.
    assert "Vi har fått många svar från din uppkoppling på kort tid" in page
    assert "Mörkt vid stationen</textarea>" in page
    assert response.headers["Retry-After"]
    assert count_responses(app) == 2
    # Reading the form is never limited, nor is switching its language.
    assert client.get("/s/alvik").status_code == 200
    token = csrf_token(client, "/s/alvik")
    switched = client.post("/s/alvik?lang=en", data={"csrf_token": token, "_language": "en"})
    assert switched.status_code == 200
    # Nor is a form shown again after an expired token.
    expired = client.post("/s/alvik?lang=en", data=VALID_ANSWER | {"csrf_token": "old"})
    assert expired.status_code == 400
    assert "They are still here" in expired.get_data(as_text=True)
    assert count_responses(app) == 2


def _limit_storages() -> list[str]:
    # Redis is tested where CI provides it (TEST_REDIS_URL); memory storage always.
    redis_url = os.environ.get("TEST_REDIS_URL")
    return ["memory"] + (["redis"] if redis_url else [])


@pytest.mark.parametrize("storage", _limit_storages())
def test_rate_limit_counts_per_address_across_sessions_and_servers(make_app, storage, request):
    """A new cookie session does not reset the limit; two servers on one Redis share it."""
    if storage == "memory":
        app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="2 per minute")
        apps = [app, app]
    else:
        # Redis is left as it was found: the fixture deletes the keys and checks.
        config = request.getfixturevalue("redis_limits") | {"SURVEY_RATE_LIMIT": "2 per minute"}
        apps = [make_app(**config), make_app(**config)]
    clients = [app.test_client() for app in apps]
    statuses = [
        submit(clients[i % len(clients)], "alvik", VALID_ANSWER).status_code for i in range(3)
    ]
    assert statuses == [303, 303, 429]
    assert count_responses(apps[0]) == 2
    if storage == "redis":
        assert keys_with(config["RATELIMIT_KEY_PREFIX"]), "the limiter stored nothing in Redis"


def test_answers_record_the_open_round_of_their_area(app, client):
    with app.app_context():
        from survey.models import SurveyRound

        round_id = db.session.query(SurveyRound.id).scalar()
    submit(client, "alvik", VALID_ANSWER)
    [stored] = stored_responses(app)
    assert stored.round_id == round_id


def _close_rounds(app, opens_next=None):
    from survey.models import Area, SurveyRound

    with app.app_context():
        for survey_round in db.session.query(SurveyRound):
            survey_round.opens_on = local_today() - dt.timedelta(days=30)
            survey_round.closes_on = local_today() - dt.timedelta(days=1)
        if opens_next:
            db.session.add(
                SurveyRound(name="Hösten", opens_on=opens_next, areas=db.session.query(Area).all())
            )
        db.session.commit()


def test_a_closed_round_says_when_the_next_opens_and_stores_nothing(app, client):
    token = csrf_token(client, "/s/alvik")
    _close_rounds(app, opens_next=dt.date(2031, 9, 1))
    page = client.get("/s/alvik").get_data(as_text=True)
    assert "Enkäten för den här platsen är stängd just nu." in page
    assert "1 september 2031" in page
    assert "<form" not in page.split("<main", 1)[1]
    response = client.post("/s/alvik", data=VALID_ANSWER | {"csrf_token": token})
    assert response.status_code == 409
    assert count_responses(app) == 0


def test_a_closed_round_without_a_next_one_says_so(app, client):
    _close_rounds(app)
    page = client.get("/s/alvik?lang=en").get_data(as_text=True)
    assert "No new survey round has been planned yet." in page


def test_a_retired_place_takes_no_answers_and_is_not_listed(app, client):
    from survey.models import Place

    with app.app_context():
        db.session.query(Place).filter_by(slug="nockeby").one().retired = True
        db.session.commit()
    assert client.get("/s/nockeby").status_code == 410
    assert "/s/nockeby" not in client.get("/").get_data(as_text=True)


def test_a_nul_byte_in_the_comment_is_refused_on_every_database(app, client):
    response = submit(client, "alvik", VALID_ANSWER | {"comment": "a\x00b"})
    assert response.status_code == 422
    assert "Texten innehåller tecken som inte kan sparas." in response.get_data(as_text=True)
    assert count_responses(app) == 0


def test_line_and_page_breaks_pasted_from_word_are_line_breaks(app, client):
    # Word's manual line break is a vertical tab, its page break a form feed: invisible,
    # and refused before as characters that cannot be saved.
    comment = "Mörkt vid\vtunneln.\fTrasig lampa."
    assert submit(client, "alvik", VALID_ANSWER | {"comment": comment}).status_code == 303
    [stored] = stored_responses(app)
    assert stored.comment == "Mörkt vid\ntunneln.\nTrasig lampa."


def test_line_breaks_count_once_as_in_the_browser(app, client):
    comment = ("a" * 99 + "\r\n") * 10  # 1000 characters in the browser's maxlength
    assert submit(client, "alvik", VALID_ANSWER | {"comment": comment}).status_code == 303
    [stored] = stored_responses(app)
    assert stored.comment == ("a" * 99 + "\n") * 9 + "a" * 99


def test_a_file_in_a_text_field_is_not_taken_as_an_answer(app, client):
    token = csrf_token(client, "/s/alvik")
    data = VALID_ANSWER | {"csrf_token": token, "comment": (io.BytesIO(b"secret"), "x.txt")}
    response = client.post("/s/alvik", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    [stored] = stored_responses(app)
    assert stored.comment is None


def test_each_priority_is_stored_once_in_questionnaire_order(app, client):
    data = VALID_ANSWER | {"police_priority": ["other", "presence", "presence", "other"]}
    assert submit(client, "alvik", data).status_code == 303
    [stored] = stored_responses(app)
    assert stored.police_priority == "presence;other"


def test_json_bodies_are_415(app, client):
    csrf_token(client, "/s/alvik")
    response = client.post("/s/alvik", json=VALID_ANSWER)
    assert response.status_code == 415
    assert count_responses(app) == 0


def test_a_body_of_unknown_length_is_411(app, client):
    token = csrf_token(client, "/s/alvik")
    response = client.post(
        "/s/alvik",
        data=VALID_ANSWER | {"csrf_token": token},
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"CONTENT_LENGTH": ""},
    )
    assert response.status_code == 411
    assert count_responses(app) == 0


def test_a_failing_rate_limit_store_does_not_stop_answers(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    assert submit(app.test_client(), "alvik", VALID_ANSWER).status_code == 303
    assert count_responses(app) == 1


def test_the_language_switch_keeps_what_was_filled_in_and_stores_nothing(app, client):
    page = client.get("/s/alvik").get_data(as_text=True)
    # Buttons of the survey form, so the answers go along with or without JavaScript.
    assert 'form="survey" formaction="/s/alvik?lang=en"' in page
    assert '<form id="survey"' in page
    token = csrf_token(client, "/s/alvik")
    # A whole valid answer: the switch must not store it either.
    filled = {**VALID_ANSWER, "comment": "Mörkt vid busshållplatsen", "police_priority": "drugs"}
    response = client.post(
        "/s/alvik?lang=en", data={"csrf_token": token, **filled, "_language": "en"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "How safe" in page
    assert "error-summary" not in page
    for name, value in (
        ("relation", "live"),
        ("safety_night", "avoid"),
        ("police_priority", "drugs"),
    ):
        assert re.search(rf'<input checked[^>]*name="{name}"[^>]*value="{value}"', page), name
    assert "Mörkt vid busshållplatsen</textarea>" in page
    assert count_responses(app) == 0
    # Sent from the English page, the answer is stored once.
    assert client.post("/s/alvik", data={"csrf_token": token, **filled}).status_code == 303
    assert count_responses(app) == 1

"""A survey answered in a language chosen on the site stays in it when the session expires."""

import re

import pytest
from flask_babel import force_locale, gettext

from tests.common.invitations import invitation_round
from tests.common.web import CSRF_INPUT, VALID_ANSWER, count_responses

#: A phone that speaks Swedish: Somali is the resident's own choice on the site.
SWEDISH_PHONE = {"HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.9"}
ACTION = re.compile(r'<form id="survey"[^>]*action="([^"]+)"')


def _somali(app, msgid: str) -> str:
    with app.test_request_context(), force_locale("so"):
        return gettext(msgid)


def _expire(client) -> None:
    """The session cookie gone, as after a phone's restart hours later."""
    [key] = [key for key in client._cookies if key[2] == "session"]
    del client._cookies[key]


@pytest.fixture
def resident(client):
    client.environ_base.update(SWEDISH_PHONE)
    client.get("/?lang=so")  # Soomaali, chosen on the start page
    return client


def test_an_answer_sent_after_the_session_expired_comes_back_in_the_chosen_language(app, resident):
    # The expired page and the thank-you page were Swedish: the form carried no language.
    page = resident.get("/s/brommaplan").get_data(as_text=True)
    assert '<html lang="so"' in page
    # The language switch still sends the form to its own language.
    assert 'form="survey" formaction="/s/brommaplan?lang=en"' in page
    [action] = ACTION.findall(page)
    _expire(resident)
    refused = resident.post(action, data={**VALID_ANSWER, "csrf_token": "from-the-lost-session"})
    assert refused.status_code == 400
    again = refused.get_data(as_text=True)
    assert '<html lang="so"' in again
    expired = _somali(
        app,
        "The page had expired, so your answers are not sent yet. They are still here: look"
        " them over and send them again.",
    )
    assert expired in again
    assert "Sidan hade hunnit" not in again
    assert count_responses(app) == 0
    [action] = ACTION.findall(again)
    token = CSRF_INPUT.search(again).group(1)
    sent = resident.post(action, data={**VALID_ANSWER, "csrf_token": token})
    assert sent.status_code == 303
    assert count_responses(app) == 1
    thanks = resident.get(sent.headers["Location"]).get_data(as_text=True)
    assert '<html lang="so"' in thanks
    assert _somali(app, "Thank you for your answers") in thanks


def test_the_form_names_no_language_the_browser_gets_by_itself(client):
    # Swedish on a Swedish phone, English on an English one: the address stays as it was.
    client.environ_base.update(SWEDISH_PHONE)
    assert ACTION.findall(client.get("/s/alvik").get_data(as_text=True)) == ["/s/alvik"]
    english = {"Accept-Language": "en"}
    page = client.get("/s/alvik", headers=english).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert ACTION.findall(page) == ["/s/alvik"]
    # Swedish chosen on an English phone is kept, as any other choice.
    page = client.get("/s/alvik?lang=sv", headers=english).get_data(as_text=True)
    assert ACTION.findall(page) == ["/s/alvik?lang=sv"]


def test_the_invited_survey_keeps_the_chosen_language_after_the_session_expired(app, resident):
    _round_id, codes = invitation_round(app)
    assert resident.get(f"/k/{codes[0]}").status_code == 303
    page = resident.get("/k/svar").get_data(as_text=True)
    assert '<html lang="so"' in page
    [action] = ACTION.findall(page)
    _expire(resident)
    refused = resident.post(action, data={**VALID_ANSWER, "at": "brommaplan"})
    assert refused.status_code == 400
    assert '<html lang="so"' in refused.get_data(as_text=True)
    assert count_responses(app) == 0

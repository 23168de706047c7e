"""Answering by invitation code: the code page, the QR link, one answer per code."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select

from survey.extensions import db
from survey.models import InvitationCode, QuestionnaireVersion
from survey.services.invitations import format_code
from tests.common.invitations import invitation_round
from tests.common.web import VALID_ANSWER, count_responses, csrf_token, stored_responses

ANSWER = {**VALID_ANSWER, "at": "brommaplan"}


def _english(client):
    # The new texts are in English until the lead adds their Swedish to the catalogs.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _enter(client, code: str):
    _english(client)
    return client.post("/k", data={"csrf_token": csrf_token(client, "/k"), "code": code})


def _answer(client, data=ANSWER):
    return client.post("/k/svar", data={"csrf_token": csrf_token(client, "/k/svar"), **data})


def test_code_typed_opens_the_area_survey_and_answers_once(app, client):
    round_id, codes = invitation_round(app)
    # Typed as a person would: lower case, a space instead of the dash.
    typed = format_code(codes[0]).lower().replace("-", " ")
    response = _enter(client, typed)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/k/svar")
    page = client.get("/k/svar").get_data(as_text=True)
    assert "Bromma" in page
    assert "Brommaplan" in page
    assert "Alvik" in page
    # Only the area's places: another area's place is not offered.
    assert "Vällingby centrum" not in page
    response = _answer(client)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/s/brommaplan/tack")
    # Bromma's places take answers by letter only: no link to answer "for another place".
    assert "Answer for another place" not in client.get("/s/brommaplan/tack").text
    [stored] = stored_responses(app)
    assert (stored.place.slug, stored.round_id, stored.source) == ("brommaplan", round_id, "web")
    with app.app_context():
        used = db.session.scalars(select(InvitationCode.used).order_by(InvitationCode.number))
        assert list(used) == [True, False, False]
    # The same code again, from another browser: a clear page, nothing stored.
    other = app.test_client()
    response = _enter(other, codes[0])
    assert response.status_code == 409
    assert "This code has already been used" in response.get_data(as_text=True)
    assert count_responses(app) == 1


def test_answers_sent_again_from_a_second_tab_say_why_they_were_not_saved(app, client):
    """The second tab's filled-in form, sent after the first tab answered: the resident
    landed on an empty code page with no word of what happened."""
    _round_id, codes = invitation_round(app)
    _enter(client, codes[0])
    token = csrf_token(client, "/k/svar")  # the second tab, opened before the first answered
    assert _answer(client).status_code == 303
    again = client.post("/k/svar", data={"csrf_token": token, **ANSWER})
    assert again.headers["Location"].endswith("/k")
    page = client.get("/k").get_data(as_text=True)
    assert "Your answers were not saved: the code from the letter is no longer in" in page
    assert count_responses(app) == 1


def test_the_qr_code_s_address_pasted_as_the_code_works(app, client):
    _round_id, codes = invitation_round(app)
    pasted = f" https://trygghet.example.se/k/{format_code(codes[2])}?utm=x "
    assert _enter(client, pasted).headers["Location"].endswith("/k/svar")


def test_qr_link_puts_the_code_in_the_session_not_the_address(app, client):
    _round_id, codes = invitation_round(app)
    response = client.get(f"/k/{codes[1]}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/k/svar")
    page = client.get("/k/svar")
    assert codes[1] not in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert _answer(client).status_code == 303
    assert count_responses(app) == 1


def test_the_qr_link_of_a_letter_in_another_language_opens_the_survey_in_it(app, client):
    # An Arabic letter's code opened /k/svar in Swedish on a Swedish phone.
    _round_id, codes = invitation_round(app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    response = client.get(f"/k/{codes[0]}?lang=ar")
    assert response.status_code == 303
    assert codes[0] not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert 'name="at"' in page  # the survey, not the code page


def test_unknown_and_malformed_codes_get_a_clear_message(app, client):
    invitation_round(app)
    response = _enter(client, "ABCDE-FGHJK")
    assert response.status_code == 422
    assert "We cannot find this code" in response.get_data(as_text=True)
    response = _enter(client, "0000-1111")
    assert response.status_code == 422
    assert "10 letters and digits" in response.get_data(as_text=True)
    assert client.get("/k/nonsense").status_code == 422
    # Without a code the survey page sends the resident to the code page.
    assert client.get("/k/svar").headers["Location"].endswith("/k")
    assert count_responses(app) == 0


def test_invitation_round_closes_the_open_link(app, client):
    invitation_round(app)
    page = _english(client).get("/s/brommaplan")
    assert "by invitation" in page.get_data(as_text=True)
    response = client.post(
        "/s/brommaplan", data={"csrf_token": csrf_token(client, "/k"), **VALID_ANSWER}
    )
    assert response.status_code == 409
    assert count_responses(app) == 0


def test_a_wrong_answer_keeps_the_code_unused(app, client):
    invitation_round(app)
    _round_id, codes = invitation_round(app, count=1)
    _enter(client, codes[0])
    response = _answer(client, {**VALID_ANSWER, "at": ""})
    assert response.status_code == 422
    with app.app_context():
        assert not any(db.session.scalars(select(InvitationCode.used)))


def test_an_empty_invited_form_names_the_place_first_and_says_to_choose_one(app, client):
    import re

    _round_id, codes = invitation_round(app, count=1)
    _enter(client, codes[0])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = _answer(client, {"at": ""}).get_data(as_text=True)
    summary = page.split('class="error-summary"')[1].split("</ul>")[0]
    items = re.findall(r"<li><a href=\"#([^\"]+)\">([^<]+)</a></li>", summary)
    assert items[0] == (
        "at",
        "Vilken plats i ditt område gäller dina svar? – Välj den plats som dina svar gäller.",
    )
    assert len(items) > 1  # the questions' own messages follow


def test_two_answers_with_one_code_at_once_store_one(app):
    _round_id, codes = invitation_round(app, count=1)
    clients = [app.test_client(), app.test_client()]
    tokens = []
    for client in clients:
        assert _enter(client, codes[0]).status_code == 303
        tokens.append(csrf_token(client, "/k/svar"))
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(client, token):
        barrier.wait()
        response = client.post("/k/svar", data={"csrf_token": token, **ANSWER})
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=post, args=pair) for pair in zip(clients, tokens, strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 409]
    assert count_responses(app) == 1


def test_guessing_codes_is_limited_and_no_address_is_kept(make_app, tmp_path):
    import sqlite3

    from survey.web import limits

    counters = tmp_path / "counters.sqlite"
    app = make_app(
        RATELIMIT_ENABLED=True,
        SURVEY_RATE_LIMIT="100 per minute",
        RATELIMIT_STORAGE_URI=f"{limits.SCHEME}://{counters}",
    )
    _round_id, codes = invitation_round(app, count=1)
    resident = _english(app.test_client())
    for _ in range(3):  # a code in the wrong form is not a guess and is not counted
        assert _enter(resident, "ABC").status_code == 422
    for _ in range(20):
        assert _enter(resident, "ABCDE-FGHJK").status_code == 422
    refused = _enter(resident, "ABCDE-FGHJM")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many wrong codes. Wait 15 minutes and try again." in refused.get_data(as_text=True)
    assert resident.get("/k/ABCDE-FGHJN").status_code == 429  # the QR link counts too
    # A real code is never refused by the wrong-code limit.
    assert _enter(resident, codes[0]).status_code == 303
    keys = [k for (k,) in sqlite3.connect(counters).execute("SELECT key FROM counter")]
    assert any("invitation-code-miss" in k for k in keys)
    assert not [k for k in keys if "127.0.0.1" in k]


def test_an_invited_answer_is_stored_as_the_version_its_page_showed(app, client):
    _round_id, codes = invitation_round(app)
    assert _enter(client, codes[0]).status_code == 303
    assert 'name="_version" value="1"' in client.get("/k/svar").get_data(as_text=True)
    # Version 2 goes live while the resident fills in version 1's page.
    with app.app_context():
        definition = (Path(__file__).parents[1] / "common" / "questionnaire_v2.yaml").read_text()
        db.session.add(
            QuestionnaireVersion(version=2, definition=definition, status="live", uploaded_by="t")
        )
        db.session.commit()
    response = _answer(client, {**ANSWER, "_version": "1"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    [stored] = stored_responses(app)
    assert stored.questionnaire_version == 1
    assert stored.safety_day == VALID_ANSWER["safety_day"]  # a question version 2 does not ask


def test_the_language_switch_on_the_invited_survey_keeps_the_code_unused(app, client):
    _round_id, codes = invitation_round(app)
    assert _enter(client, codes[0]).status_code == 303
    assert 'form="survey" formaction="/k/svar?lang=sv"' in client.get("/k/svar").get_data(
        as_text=True
    )
    token = csrf_token(client, "/k/svar")
    response = client.post(
        "/k/svar?lang=sv", data={"csrf_token": token, **ANSWER, "_language": "sv"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="sv"' in page
    assert '<option selected value="brommaplan">' in page
    _nothing_stored(app)
    assert _answer(client).status_code == 303
    assert count_responses(app) == 1


def test_an_invited_answer_over_the_rate_limit_comes_back_as_it_was_filled_in(make_app):
    # A library's residents share one limit: the plain 429 page lost the answers.
    app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="1 per minute")
    _round_id, codes = invitation_round(app)
    client = app.test_client()
    assert _enter(client, codes[0]).status_code == 303
    token = csrf_token(client, "/k/svar")
    # The one answer of the minute, sent with a question left out: the form says which.
    assert client.post("/k/svar", data={"csrf_token": token}).status_code == 422
    sent = {"csrf_token": token, **ANSWER, "comment": "Mörkt vid stationen"}
    refused = client.post("/k/svar", data=sent)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "We have received many answers from your connection in a short time" in page
    assert "Mörkt vid stationen</textarea>" in page
    _nothing_stored(app)


def _nothing_stored(app) -> None:
    """No answer stored, and every code still unused."""
    assert count_responses(app) == 0
    with app.app_context():
        assert not any(db.session.scalars(select(InvitationCode.used)))

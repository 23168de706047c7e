"""Residents delete their own answer on /radera with the receipt code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Response
from tests.common.web import VALID_ANSWER, count_responses, csrf_token, submit

CODE_ON_PAGE = re.compile(r'class="receipt-code"[^>]*>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})<')
NOT_FOUND = "No answer has this receipt code"


def post_form(client, path: str, data: dict):
    """POST to /radera or its confirmation with the token of the client's session."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/radera"), **data})


def _answer(client, slug="brommaplan", **extra) -> str:
    client.get("/?lang=en")
    assert submit(client, slug, VALID_ANSWER | extra).status_code == 303
    match = CODE_ON_PAGE.search(client.get(f"/s/{slug}/tack").get_data(as_text=True))
    assert match
    return match.group(1)


def _other_resident(make_app):
    client = make_app().test_client()
    client.get("/?lang=en")
    return client


def test_a_resident_finds_confirms_and_deletes_their_answer(app, client, make_app):
    code = _answer(client, comment="Mörkt vid tunneln.")
    kept = _answer(client, "alvik")
    resident = _other_resident(make_app)
    page = resident.get("/radera").get_data(as_text=True)
    assert "<h1>Delete my answers</h1>" in page
    assert 'name="code"' in page

    found = post_form(resident, "/radera", {"code": code.lower().replace("-", " ")})
    assert found.status_code == 200
    assert found.headers["Cache-Control"] == "no-store"
    text = found.get_data(as_text=True)
    assert "Delete this answer?" in text
    # The code as the thank-you page showed it, not as typed ("22h4 qc41 93").
    assert f"The code {code} belongs to one answer." in re.sub(r"<[^>]+>", "", text)
    assert code.lower().replace("-", " ") not in text
    assert 'action="/radera/bekrafta"' in text
    assert "Mörkt" not in text
    assert "Brommaplan" not in text.split("<main")[1]
    assert count_responses(app) == 2  # finding changes nothing

    done = post_form(resident, "/radera/bekrafta", {"code": code})
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/radera")
    assert "Your answer is deleted for good." in resident.get("/radera").get_data(as_text=True)
    with app.app_context():
        [left] = db.session.scalars(select(Response)).all()
        assert left.place.slug == "alvik"
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "response.erase")
        ).all()
        assert event.actor == "resident"
        assert event.user_id is None
        assert event.details == {"erased": 1, "place": "brommaplan"}
        trail = repr((event.details, event.target_id, event.actor))
    for shown in (code, code.replace("-", ""), code.replace("-", "").lower()):
        assert shown not in trail
    # The same code again finds nothing; the other answer's code still works.
    again = post_form(resident, "/radera", {"code": code})
    assert again.status_code == 422
    assert NOT_FOUND in again.get_data(as_text=True)
    assert post_form(resident, "/radera", {"code": kept}).status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the receipt code."),
        ("K7QM-4XTP", "A receipt code has 10 letters and digits"),
        ("UUUU-UUUU-UU", "A receipt code has 10 letters and digits"),
        ("K7QM-4XTP-2B", NOT_FOUND),
    ],
)
@pytest.mark.parametrize("path", ["/radera", "/radera/bekrafta"])
def test_a_wrong_code_gets_one_clear_message_and_changes_nothing(
    app, client, make_app, typed, message, path
):
    _answer(client)
    resident = _other_resident(make_app)
    response = post_form(resident, path, {"code": typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count(message) == 2  # in the error summary and at the field
    assert "Delete this answer?" not in page
    assert count_responses(app) == 1
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.erase"))
            is None
        )


def test_without_a_csrf_token_nothing_is_deleted(app, client, make_app):
    code = _answer(client)
    resident = _other_resident(make_app)
    assert resident.post("/radera/bekrafta", data={"code": code}).status_code == 400
    assert count_responses(app) == 1


def test_the_form_is_never_filled_in_with_the_code(client):
    # On a shared device the next person must not find the previous resident's code here.
    code = _answer(client)
    page = client.get("/radera").get_data(as_text=True)
    assert code not in page
    assert code.replace("-", "") not in page
    assert post_form(client, "/radera/bekrafta", {"code": code}).status_code == 303
    # Once erased, the thank-you page no longer shows the dead code.
    assert CODE_ON_PAGE.search(client.get("/s/brommaplan/tack").get_data(as_text=True)) is None


def test_after_erasing_the_resident_can_answer_again(app, client):
    code = _answer(client)
    assert submit(client, "alvik", VALID_ANSWER, same_browser=True).status_code == 303
    assert submit(client, "brommaplan", VALID_ANSWER, same_browser=True).status_code == 409
    assert post_form(client, "/radera/bekrafta", {"code": code}).status_code == 303
    thanks = client.get("/s/brommaplan/tack").get_data(as_text=True)
    assert "have been saved" not in thanks
    assert "We have no answer from you here yet" in thanks
    # This place is open again to this browser; the other answered place is not.
    assert submit(client, "brommaplan", VALID_ANSWER, same_browser=True).status_code == 303
    assert submit(client, "alvik", VALID_ANSWER, same_browser=True).status_code == 409
    assert count_responses(app) == 2


def _locked_out(make_app):
    """A client (and its address) that has sent 20 codes matching nothing."""
    app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="100 per minute")
    resident = app.test_client()
    resident.get("/?lang=en")
    # A code in the wrong form is not a guess and is not counted...
    for _ in range(3):
        assert post_form(resident, "/radera", {"code": "K7QM"}).status_code == 422
    for _ in range(20):
        assert post_form(resident, "/radera", {"code": "K7QM-4XTP-2B"}).status_code == 422
    return app, resident


def test_guessing_codes_is_limited_with_its_own_message(make_app):
    _app, resident = _locked_out(make_app)
    # ... but after twenty codes that match nothing in 15 minutes, the next miss is refused.
    refused = post_form(resident, "/radera", {"code": "K7QM-4XTP-2C"})
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 15 * 60
    text = refused.get_data(as_text=True)
    assert "Too many wrong codes. Wait 15 minutes and try again." in text
    assert "answers" not in text.split("<main")[1].split("</main>")[0]
    assert post_form(resident, "/radera/bekrafta", {"code": "K7QM-4XTP-2C"}).status_code == 429
    assert resident.get("/radera").status_code == 200  # reading the page is never limited


def test_a_valid_code_is_never_refused_by_the_wrong_code_limit(make_app):
    app, resident = _locked_out(make_app)
    owner = app.test_client()  # a fresh browser behind the same address
    code = _answer(owner)
    for client in (resident, owner):
        found = post_form(client, "/radera", {"code": code})
        assert found.status_code == 200
        assert "Delete this answer?" in found.get_data(as_text=True)
    assert post_form(owner, "/radera/bekrafta", {"code": code}).status_code == 303
    assert count_responses(app) == 0


def test_the_wait_is_said_in_minutes_in_both_languages(app):
    from survey.web.errors import erase_throttled

    with app.test_request_context("/radera?lang=en"):
        assert "Wait 3 minutes" in str(erase_throttled("130", wrong_codes=True)[1])
        assert "Wait 2 minutes" in str(erase_throttled("20", wrong_codes=True)[1])
        assert "Wait 15 minutes" in str(erase_throttled("x", wrong_codes=True)[1])
        assert "Wait 60 minutes" in str(erase_throttled("3600", wrong_codes=False)[1])


def test_posts_to_radera_follow_the_survey_rate_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="2 per minute")
    resident = app.test_client()
    assert post_form(resident, "/radera", {"code": "K7QM"}).status_code == 422
    assert post_form(resident, "/radera", {"code": "K7QM"}).status_code == 422
    refused = post_form(resident, "/radera?lang=en", {"code": "K7QM"})
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60
    assert "Many codes have been sent from your connection" in text
    assert "Wait 2 minutes and try again." in text
    assert "answers from" not in text
    # A code that belongs to an answer still passes, from this browser or a fresh one.
    owner = app.test_client()
    code = _answer(owner)
    assert post_form(resident, "/radera", {"code": code}).status_code == 200
    assert post_form(owner, "/radera/bekrafta", {"code": code}).status_code == 303


def test_the_flood_limit_page_says_the_real_wait(make_app):
    app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="2 per hour")
    resident = app.test_client()
    for _ in range(2):
        assert post_form(resident, "/radera", {"code": "K7QM"}).status_code == 422
    refused = post_form(resident, "/radera?lang=en", {"code": "K7QM"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 59 * 60
    assert "Wait 60 minutes and try again." in refused.get_data(as_text=True)

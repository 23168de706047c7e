"""The receipt code on the thank-you page: kept for a while across reloads and languages."""

from __future__ import annotations

import re

from survey.public import views
from tests.common.web import VALID_ANSWER, forget_answers, post_form, submit

CODE_ON_PAGE = re.compile(r'class="receipt-code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})<')


def _code(page: str) -> str | None:
    match = CODE_ON_PAGE.search(page)
    return match.group(1) if match else None


def _answer(client, monkeypatch, at: float = 1_000_000.0) -> str:
    monkeypatch.setattr(views, "_now", lambda: at)
    client.get("/?lang=en")
    posted = submit(client, "brommaplan", VALID_ANSWER)
    assert posted.status_code == 303
    code = _code(client.get("/s/brommaplan/tack").get_data(as_text=True))
    assert code
    return code


def test_the_code_survives_a_reload_and_a_language_switch(client, monkeypatch):
    code = _answer(client, monkeypatch)
    reloaded = client.get("/s/brommaplan/tack")
    assert _code(reloaded.get_data(as_text=True)) == code
    assert reloaded.headers["Cache-Control"] == "no-store"
    swedish = client.get("/s/brommaplan/tack?lang=sv")
    page = swedish.get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert _code(page) == code
    english = client.get("/s/brommaplan/tack?lang=en").get_data(as_text=True)
    assert _code(english) == code
    assert "30 minutes" in english


def test_the_code_is_gone_after_thirty_minutes(client, monkeypatch):
    code = _answer(client, monkeypatch, at=1_000_000.0)
    monkeypatch.setattr(views, "_now", lambda: 1_000_000.0 + 29 * 60)
    assert _code(client.get("/s/brommaplan/tack").get_data(as_text=True)) == code
    monkeypatch.setattr(views, "_now", lambda: 1_000_000.0 + 30 * 60 + 1)
    later = client.get("/s/brommaplan/tack")
    page = later.get_data(as_text=True)
    assert _code(page) is None
    assert "Your receipt code" not in page
    assert "no-store" not in later.headers.get("Cache-Control", "")
    # The session forgot it: moving the clock back does not bring it back.
    monkeypatch.setattr(views, "_now", lambda: 1_000_000.0 + 60)
    assert _code(client.get("/s/brommaplan/tack").get_data(as_text=True)) is None
    # The answer itself is still remembered by this browser, so the page still thanks.
    assert "Your answers about Brommaplan have been saved" in page


def test_a_code_from_the_future_or_tampered_is_not_shown(client, monkeypatch):
    _answer(client, monkeypatch, at=1_000_000.0)
    monkeypatch.setattr(views, "_now", lambda: 1_000_000.0 - 3600)
    assert _code(client.get("/s/brommaplan/tack").get_data(as_text=True)) is None
    with client.session_transaction() as session:
        session[views.RECEIPT_KEY] = {"place": "brommaplan", "code": "ABCDEFGHJK", "at": "x"}
    assert _code(client.get("/s/brommaplan/tack").get_data(as_text=True)) is None


def test_thanks_without_an_answer_does_not_say_saved(client):
    page = client.get("/s/alvik/tack?lang=en").get_data(as_text=True)
    assert "have been saved" not in page
    assert "Thank you for your answers" not in page
    assert "We have no answer from you here yet" in page
    assert 'href="/s/alvik"' in page
    assert _code(page) is None


def test_thanks_after_the_answer_of_another_browser_does_not_say_saved(client, monkeypatch):
    _answer(client, monkeypatch)
    forget_answers(client)
    with client.session_transaction() as session:
        session.pop(views.RECEIPT_KEY)
    page = client.get("/s/brommaplan/tack").get_data(as_text=True)
    assert "have been saved" not in page


def test_the_page_offers_print_copy_deletion_and_the_follow_up(client, monkeypatch):
    _answer(client, monkeypatch)
    page = client.get("/s/brommaplan/tack").get_data(as_text=True)
    # Print and copy are buttons that the script shows; without it they stay hidden.
    assert re.search(r"<button[^>]*data-print[^>]*hidden", page)
    assert re.search(r"<button[^>]*data-copy=\"receipt-code\"[^>]*hidden", page)
    assert '<script src="/static/receipt.js" defer></script>' in page
    # The full address of the deletion page, also on paper (not hidden in print).
    receipt = page.split('id="receipt-title"')[1].split("</section>")[0]
    assert re.search(r'<p>[^<]*<a href="(http://[^"]+/radera)"[^>]*>\1</a>', receipt)
    assert 'href="/uppfoljning/bromma"' in page
    assert "Answer for another place" in page  # an open round (not by a letter's code)
    # No e-mail address as the way to erasure on this page.
    assert (
        "registrator@polisen.se" not in page.split('id="receipt-title"')[1].split("</section>")[0]
    )


def test_the_script_is_served(client):
    with client.get("/static/receipt.js") as response:
        assert response.status_code == 200
        assert "navigator.clipboard" in response.get_data(as_text=True)


def test_the_deletion_address_follows_the_base_url(make_app, monkeypatch):
    client = make_app(TRYGGHET_BASE_URL="http://trygghet.example.se/").test_client()
    _answer(client, monkeypatch)
    page = client.get("/s/brommaplan/tack").get_data(as_text=True)
    assert ">http://trygghet.example.se/radera</a>" in page


def test_an_expired_code_leaves_the_session_on_any_page(client, monkeypatch):
    _answer(client, monkeypatch, at=1_000_000.0)
    monkeypatch.setattr(views, "_now", lambda: 1_000_000.0 + 10 * 60)
    client.get("/")
    with client.session_transaction() as session:
        assert views.RECEIPT_KEY in session  # still fresh: kept
    monkeypatch.setattr(views, "_now", lambda: 1_000_000.0 + 30 * 60 + 1)
    client.get("/integritet")
    with client.session_transaction() as session:
        assert views.RECEIPT_KEY not in session


def test_the_session_says_when_the_answer_came_to_the_minute_only(client):
    client.get("/?lang=en")
    assert submit(client, "brommaplan", VALID_ANSWER).status_code == 303
    with client.session_transaction() as session:
        at = session[views.RECEIPT_KEY]["at"]
    assert at % 60 == 0


def test_the_answered_cookie_lasts_120_days_at_most(client):
    posted = submit(client, "brommaplan", VALID_ANSWER)
    [cookie] = [
        c for c in posted.headers.getlist("Set-Cookie") if c.startswith("trygghet_answered=W")
    ]
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert 0 < max_age <= 120 * 86400
    assert "Path=/;" in cookie


def test_on_a_shared_computer_the_code_can_be_hidden_at_once(client, monkeypatch):
    # The next person at a library PC opened /tack and saw the code, enough to erase.
    code = _answer(client, monkeypatch)
    page = client.get("/s/brommaplan/tack").get_data(as_text=True)
    assert "On a shared computer" in page
    hidden = post_form(client, "/s/brommaplan/tack/dolj", {}, token_from="/s/brommaplan/tack")
    assert hidden.status_code == 303
    after = client.get("/s/brommaplan/tack").get_data(as_text=True)
    assert _code(after) is None
    assert code not in after
    # The next person is neither told that "their" answers were saved nor sent away from
    # the survey as one who has answered (the library's next resident could not answer).
    assert "Your answers about Brommaplan have been saved." not in after
    assert "Then the next person at this computer can answer" in page
    survey = client.get("/s/brommaplan")
    assert survey.status_code == 200
    assert 'name="csrf_token"' in survey.get_data(as_text=True)
    assert client.post("/s/brommaplan/tack/dolj", data={}).status_code == 400  # CSRF
    assert post_form(client, "/s/atlantis/tack/dolj", {}, token_from="/s/alvik").status_code == 404


def test_a_printed_thank_you_page_gives_the_follow_up_address(client, monkeypatch):
    # A receipt is often printed: the link to the follow-up must say where it leads.
    _answer(client, monkeypatch)
    page = client.get("/s/brommaplan/tack?lang=sv").get_data(as_text=True)
    assert '<span class="print-only">: trygghet.test/uppfoljning/bromma</span>' in page

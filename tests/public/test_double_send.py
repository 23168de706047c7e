"""A survey page sent twice (a double click, a request the browser sent again) stores one
answer, and the second send shows the first one's receipt code: before, a double click stored
two answers and the first one's code, the only way to erase it, was never shown."""

from __future__ import annotations

import re
import threading

from survey.services.receipts import FORM_FIELD
from tests.common.invitations import invitation_round
from tests.common.web import VALID_ANSWER, count_responses, stored_responses
from tests.public.test_receipt import CODE_ON_PAGE

PAGE_ID = re.compile(rf'name="{FORM_FIELD}" value="([A-Za-z0-9_-]{{22}})"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SESSION = re.compile(r"session=[^;]+")


class Browser:
    """One page of the survey as a browser holds it: its session cookie, token and page id.
    Each send goes out with that cookie, as a second click does before the first's answer
    (and the cookies it sets) has come back."""

    def __init__(self, app, path: str, cookie: str = "") -> None:
        self.client = app.test_client(use_cookies=False)
        self.path = path
        headers = {"Accept-Language": "en", **({"Cookie": cookie} if cookie else {})}
        page = self.client.get(path, headers=headers)
        text = page.get_data(as_text=True)
        self.page_id = PAGE_ID.search(text).group(1)
        self.token = CSRF.search(text).group(1)
        found = SESSION.search(page.headers.get("Set-Cookie", ""))
        self.cookie = found.group(0) if found else cookie

    def send(self, data: dict[str, str], page_id: str | None = None):
        fields = {"csrf_token": self.token, FORM_FIELD: page_id or self.page_id, **data}
        return self.client.post(
            self.path, data=fields, headers={"Cookie": self.cookie, "Accept-Language": "en"}
        )

    def code_after(self, sent) -> str | None:
        """The receipt code the thank-you page shows after this send."""
        cookie = SESSION.search(" ".join(sent.headers.getlist("Set-Cookie"))).group(0)
        page = self.client.get(sent.headers["Location"], headers={"Cookie": cookie})
        found = CODE_ON_PAGE.search(page.get_data(as_text=True))
        return found.group(1) if found else None


def test_a_page_sent_twice_stores_one_answer_and_shows_its_code_both_times(app):
    browser = Browser(app, "/s/brommaplan")
    first, second = browser.send(VALID_ANSWER), browser.send(VALID_ANSWER)
    assert (first.status_code, second.status_code) == (303, 303)
    assert count_responses(app) == 1
    code = browser.code_after(first)
    assert code is not None
    assert browser.code_after(second) == code


def test_two_sends_of_one_page_at_once_store_one_answer(app):
    browser = Browser(app, "/s/brommaplan")
    barrier = threading.Barrier(2)
    sent = []

    def send():
        barrier.wait()
        sent.append(browser.send(VALID_ANSWER))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [s.status_code for s in sent] == [303, 303]
    assert count_responses(app) == 1
    assert browser.code_after(sent[0]) == browser.code_after(sent[1])


def test_each_page_shown_is_an_answer_of_its_own(app):
    # Two residents at one library PC: the page is shown again for the second one.
    browser = Browser(app, "/s/brommaplan")
    again = Browser(app, "/s/brommaplan", cookie=browser.cookie)
    assert again.page_id != browser.page_id
    first, second = browser.send(VALID_ANSWER), again.send(VALID_ANSWER)
    assert (first.status_code, second.status_code) == (303, 303)
    assert count_responses(app) == 2
    assert browser.code_after(first) != again.code_after(second)


def test_a_page_without_its_id_or_with_a_made_up_one_still_answers(app):
    browser = Browser(app, "/s/brommaplan")
    for page_id in ("", "not an id", "x" * 500):
        assert browser.send(VALID_ANSWER, page_id=page_id or " ").status_code == 303
    assert count_responses(app) == 3


def test_a_wrong_answer_then_the_same_page_corrected_stores_one(app):
    browser = Browser(app, "/s/brommaplan")
    refused = browser.send({**VALID_ANSWER, "safety_day": "nine"})
    assert refused.status_code == 422
    assert count_responses(app) == 0
    assert browser.send(VALID_ANSWER).status_code == 303
    assert count_responses(app) == 1


def test_an_invited_page_sent_twice_shows_its_thanks_not_code_used(app):
    _round_id, codes = invitation_round(app)
    entered = app.test_client(use_cookies=True)
    entered.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = CSRF.search(entered.get("/k").get_data(as_text=True)).group(1)
    assert entered.post("/k", data={"csrf_token": token, "code": codes[0]}).status_code == 303
    cookie = next(c for c in entered._cookies.values() if c.key == "session")
    browser = Browser(app, "/k/svar", cookie=f"session={cookie.value}")
    answer = {**VALID_ANSWER, "at": "brommaplan"}
    first, second = browser.send(answer), browser.send(answer)
    assert (first.status_code, second.status_code) == (303, 303), second.get_data(as_text=True)
    assert second.headers["Location"].endswith("/s/brommaplan/tack")
    assert count_responses(app) == 1
    assert browser.code_after(second) == browser.code_after(first) is not None


def test_a_page_sent_twice_counts_once_toward_the_burst_hold(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        SURVEY_RATE_LIMIT="100 per minute",
        TRYGGHET_BURST_ANSWERS=2,
        TRYGGHET_BURST_MINUTES=10,
    )
    clicked_twice = Browser(app, "/s/alvik")
    assert [clicked_twice.send(VALID_ANSWER).status_code for _ in range(2)] == [303, 303]
    # Two residents' answers, not three: the limit of 2 is not passed and nothing is held.
    assert Browser(app, "/s/alvik").send(VALID_ANSWER).status_code == 303
    assert [r.held for r in stored_responses(app)] == [False, False]
    # A third resident passes it: the burst is held, the two before it included.
    assert Browser(app, "/s/alvik").send(VALID_ANSWER).status_code == 303
    assert [r.held for r in stored_responses(app)] == [True, True, True]

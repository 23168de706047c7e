"""Keying in paper forms in a real browser: Save, Back, Save stores the form once."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.test_organizer_pages_browser import DESKTOP, _log_in
from tests.common.web import count_responses


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_save_back_save_stores_the_paper_form_once(app, live_server, new_page, users, js):
    """The page was sent with no-store: Back fetched a new blank form (a new random name)
    and the browser put the ticks back, so Save stored the same paper form again."""
    page = new_page(locale="sv-SE", viewport=DESKTOP, js=js)
    _log_in(page, live_server, "organizer")
    today = dt.date.today().isoformat()
    page.goto(f"{live_server}/organizer/paper?place=alvik&date={today}&lang=en")
    page.locator("input[name=relation][value=live]").check()
    page.locator("form.paper-form button[type=submit]").click()
    page.wait_for_url("**/organizer/paper?*batch=*")
    assert count_responses(app) == 1
    page.go_back()
    page.locator("input[name=relation][value=live]").check()  # as the browser may restore
    page.locator("form.paper-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "It was not saved again." in page.content()
    assert count_responses(app) == 1

"""Organizer pages in a narrower window or a longer language: the menu wraps instead of
running past the page, the start page's cards hold their text, and the dialogue form's
participant labels break only between words."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.common.web import ACCOUNTS

#: Elements of a status card that reach past its border (the card's box, 1 px slack).
OUTSIDE_CARD = """els => els.filter(e => {
  const card = e.closest('.status-card').getBoundingClientRect();
  const box = e.getBoundingClientRect();
  return box.right > card.right + 1 || box.left < card.left - 1;
}).map(e => e.textContent.trim())"""

#: Words of a label that the browser split over two lines (a hyphen is a fair place to break).
BROKEN_WORDS = """labels => labels.flatMap(label => {
  const node = label.firstChild;
  const text = node.textContent;
  const broken = [];
  for (const match of text.matchAll(/[^\\s-]+/g)) {
    const range = document.createRange();
    range.setStart(node, match.index);
    range.setEnd(node, match.index + match[0].length);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (tops.size > 1) broken.push(match[0]);
  }
  return broken;
})"""


def _log_in(page: Page, base: str) -> None:
    page.goto(base + "/organizer/login?lang=en")
    email, password = ACCOUNTS["organizer"]
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".subnav")).to_be_visible()


@pytest.mark.parametrize(("lang", "width"), [("sv", 960), ("sv", 1024), ("so", 1280)])
def test_the_menu_wraps_and_the_start_page_keeps_its_width(
    users, live_server, new_page, screenshot, lang, width
):
    page = new_page(locale="sv-SE", viewport={"width": width, "height": 900})
    _log_in(page, live_server)
    page.goto(f"{live_server}/organizer/?lang={lang}")
    # Swedish at 960 px was 1,053 px wide, Somali at 1,280 px 1,562 px: the menu never wrapped.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    rights = page.locator(".subnav li, .subnav .logout").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().right))"
    )
    assert max(rights) <= width, rights
    # The default round has no last day: "from DATE, no last day" stays inside its card.
    expect(page.locator(".status-card").first.locator("li")).to_have_count(1)
    assert page.locator(".status-card *").evaluate_all(OUTSIDE_CARD) == []
    screenshot(page, f"organizer-start-{lang}-{width}")


@pytest.mark.parametrize("lang", ["sv", "en", "fi"])
def test_participant_labels_break_only_between_words_on_a_phone(
    users, live_server, new_page, screenshot, lang
):
    page = new_page(locale="sv-SE")
    _log_in(page, live_server)
    page.goto(f"{live_server}/organizer/dialogues/new?lang={lang}")
    labels = page.locator(".participants .counts label")
    expect(labels).to_have_count(3)
    # "Polispersonal" read "Polisperso / nal" at 360 px, Finnish "Kumppanit" the same.
    assert labels.evaluate_all(BROKEN_WORDS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"dialogue-participants-{lang}-phone")

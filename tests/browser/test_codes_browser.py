"""Codes in messages on a phone: one line each, read left to right also on a right-to-left page.

"10 letters and digits, like K7QM-4XTP-2B." broke at the code's hyphens at 360 px ("K7QM-" and
"4XTP-2B."), and in Persian a hyphen left at a line's end was set on the other side.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE

#: Each code in the main part of the page: its lines, and whether its first character stands
#: left of its last (left to right), measured on the text as laid out.
CODES_AS_LAID_OUT = r"""() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const code = /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}|[0-9A-Z]{5}-[0-9A-Z]{5}/g;
  const box = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return range;
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(code)) {
      const end = match.index + match[0].length;
      const whole = box(node, match.index, end);
      if (!whole.getClientRects().length) continue;  // not shown (hidden input, etc.)
      const lines = new Set([...whole.getClientRects()].map(r => Math.round(r.top))).size;
      const first = box(node, match.index, match.index + 1).getBoundingClientRect();
      const last = box(node, end - 1, end).getBoundingClientRect();
      found.push([match[0], lines, first.left < last.left]);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("lang", ["sv", "fa", "so", "fi", "ar"])
def test_example_codes_stay_whole_and_left_to_right_on_a_phone(live_server, new_page, lang):
    page = new_page(locale=lang, viewport=PHONE)
    for path, typed in (("/radera", "ABC"), ("/k", "ABC")):
        page.goto(f"{live_server}{path}?lang={lang}")
        page.locator("input[name=code]").fill(typed)
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator(".field-error").first).to_be_visible()
        # Measured once the style sheet is in: a click waits only for the navigation to
        # start, and an unstyled page lets a code wrap (a CI run measured one in Somali).
        page.wait_for_load_state("load")
        codes = page.evaluate(CODES_AS_LAID_OUT)
        # The hint, the error and the summary's error each show the example code.
        assert len(codes) >= 3, (path, codes)
        assert [c for c in codes if c[1:] != [1, True]] == [], (path, lang)

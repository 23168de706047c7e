"""At 360 px, in every language, with JavaScript off and on: the language switch and the
answers stay on the screen, each answer inside its own column, no word cut in two."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

WIDTH = 360
LANGUAGES = ["sv", "en", "ar", "fa", "fi", "so"]

#: The language switch's entries that stand outside the switch or the screen.
SWITCH_OUTSIDE = """() => {
  const nav = document.querySelector('nav.languages').getBoundingClientRect();
  return [...document.querySelectorAll('nav.languages > *')]
    .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
    .filter(([, b]) => b.left < Math.max(0, nav.left) - 0.5
                       || b.right > Math.min(innerWidth, nav.right) + 0.5)
    .map(([name, b]) => [name, b.left, b.right]);
}"""

#: Answer labels wider than their answer (a column of the grid): into the next one, or off.
OUT_OF_COLUMN = """() => [...document.querySelectorAll('.option label')]
  .map(l => [l.textContent.trim(), l.getBoundingClientRect(),
             l.parentElement.getBoundingClientRect()])
  .filter(([, b, cell]) => b.left < cell.left - 0.5 || b.right > cell.right + 0.5)
  .map(([words, b, cell]) => [words, b.right - cell.right, cell.left - b.left])"""

#: Words of answer labels set on two lines (broken inside the word to fit).
SPLIT_WORDS = """() => {
  const split = [];
  for (const label of document.querySelectorAll('.option label')) {
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(word[0]);
      }
    }
  }
  return split;
}"""

#: How many columns the answers to "what should the police prioritise" stand in.
PRIORITY_COLUMNS = """() => new Set([...document.querySelectorAll('input[name=police_priority]')]
  .map(i => Math.round(i.closest('.option').getBoundingClientRect().left))).size"""


def _fits(page: Page) -> None:
    assert page.evaluate(SWITCH_OUTSIDE) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


@pytest.mark.parametrize("js", [False, True])
def test_somali_fits_a_phone_in_the_switch_and_the_answers(live_server, new_page, screenshot, js):
    page = new_page(locale="so", js=js)
    for path in ("/", "/uppfoljning/bromma", "/s/brommaplan"):
        page.goto(f"{live_server}{path}?lang=so")
        expect(page.locator("nav.languages [aria-current]")).to_have_text("Soomaali")
        _fits(page)
    # "Khamriga iyo sakhraannimada" ran 18 px past its column and 2 px off the screen, and
    # "Maandooriyaha" into the next answer's box: Somali answers stand one a line here.
    assert page.evaluate(OUT_OF_COLUMN) == []
    assert page.evaluate(SPLIT_WORDS) == []
    assert page.evaluate(PRIORITY_COLUMNS) == 1
    screenshot(page, f"survey-so-phone-{'js' if js else 'nojs'}")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "so"])
def test_other_languages_keep_short_answers_two_a_line(live_server, new_page, lang):
    page = new_page(locale=lang)
    page.goto(f"{live_server}/s/brommaplan?lang={lang}")
    _fits(page)
    assert page.evaluate(OUT_OF_COLUMN) == []
    assert page.evaluate(SPLIT_WORDS) == []
    assert page.evaluate(PRIORITY_COLUMNS) == 2

"""Arabic, right to left: a resident answers, keeps the receipt, reads privacy, erases and
follows up, on a phone and a desktop, with JavaScript off and on; axe checks every page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.common.web import stored_responses
from tests.test_i18n_questionnaire import make_arabic_live

AXE = Axe()
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def axe_clean(browser: Browser, live_server: str) -> Iterator[Callable[[Page, str], None]]:
    """Check a page's current DOM with axe-core in a page of the same site that runs it."""
    context = browser.new_context(java_script_enabled=True)
    checker = context.new_page()
    checker.goto(live_server + "/healthz")

    def check(page: Page, what: str) -> None:
        checker.set_viewport_size(page.viewport_size or PHONE)
        checker.set_content(page.content())
        results = AXE.run(checker)
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"

    yield check
    context.close()


def _mirrored(page: Page, width: int) -> None:
    """The page runs right to left and nothing scrolls sideways."""
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _start(element_box: dict, container_box: dict) -> float:
    """How far an element's right edge sits from its container's (right is the start in RTL)."""
    return container_box["x"] + container_box["width"] - (element_box["x"] + element_box["width"])


@pytest.mark.parametrize(("viewport", "js"), [(PHONE, False), (DESKTOP, True)])
def test_a_resident_answers_in_arabic_right_to_left(
    app, live_server, new_page, screenshot, axe_clean, viewport, js
):
    make_arabic_live(app)
    size = "phone" if viewport is PHONE else "desktop"
    page = new_page(locale="ar", viewport=viewport, js=js)
    page.goto(live_server + "/s/brommaplan?lang=ar")
    _mirrored(page, viewport["width"])
    expect(page.locator(".notice-language")).to_have_count(0)
    # The language switch offers the questionnaire's languages only (buttons of the form).
    expect(page.locator("nav.languages button")).to_have_count(2)
    # Mirrored: the heading starts at the right, a radio sits right of its label, and the
    # "asked by" bar has its rule on the right.
    main = page.locator("main").bounding_box()
    assert main
    heading = page.evaluate(
        "(() => { const r = document.createRange();"
        " r.selectNodeContents(document.querySelector('h1'));"
        " const b = r.getBoundingClientRect(); return {x: b.x, width: b.width}; })()"
    )
    assert _start(heading, main) < 40  # the text of the heading starts at the right
    assert heading["x"] > main["x"] + 40
    radio = page.get_by_role("radio", name="أسكن هنا")
    label = page.locator("label[for=relation-0]")
    radio_box, label_box = radio.bounding_box(), label.bounding_box()
    assert radio_box
    assert label_box
    assert radio_box["x"] > label_box["x"]
    rule = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.asked-by'));"
        " return [s.borderRightWidth, s.borderLeftWidth]; })()"
    )
    assert rule == ["4px", "0px"]
    axe_clean(page, f"survey ar {size}")
    screenshot(page, f"rtl-survey-ar-{size}")

    radio.check()
    page.get_by_role("group", name=re.compile("ما مدى شعورك بالأمان")).get_by_text(
        "غير آمن إلى حد ما"
    ).click()
    page.get_by_role("button", name="أرسل إجاباتي").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("شكرًا على إجاباتك")
    _mirrored(page, viewport["width"])
    code = page.locator(".receipt-code")
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code.inner_text())
    # The code reads left to right inside the right-to-left page.
    assert code.evaluate("e => getComputedStyle(e).direction") == "ltr"
    if js:
        expect(page.get_by_role("button", name="انسخ الرمز")).to_be_visible()
    axe_clean(page, f"thanks ar {size}")
    screenshot(page, f"rtl-thanks-ar-{size}")
    [stored] = stored_responses(app)
    assert (stored.questionnaire_version, stored.safety_evening) == (2, "3")

    page.get_by_role("link", name="حذف إجاباتي").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("حذف إجاباتي")
    _mirrored(page, viewport["width"])
    axe_clean(page, f"erase ar {size}")
    screenshot(page, f"rtl-erase-ar-{size}")

    page.get_by_role("link", name="الخصوصية: كيف نتعامل مع إجاباتك").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("كيف نتعامل مع إجاباتك")
    _mirrored(page, viewport["width"])
    expect(page.locator(".notice-language")).to_have_count(0)
    axe_clean(page, f"privacy ar {size}")
    screenshot(page, f"rtl-privacy-ar-{size}")

    page.goto(live_server + "/uppfoljning/bromma?lang=ar")
    _mirrored(page, viewport["width"])
    axe_clean(page, f"follow-up ar {size}")
    screenshot(page, f"rtl-followup-ar-{size}")


def test_persian_is_right_to_left_on_resident_and_organizer_pages(live_server, new_page, axe_clean):
    page = new_page(locale="fa", viewport=PHONE)
    page.goto(live_server + "/?lang=fa")
    _mirrored(page, PHONE["width"])
    expect(page.locator(".notice-language")).to_have_count(0)
    axe_clean(page, "home fa")
    # The organizer pages have a (drafted) Persian catalog too; a page whose catalog lacks a
    # message falls back to Swedish with a notice (tests/test_i18n_catalogs.py).
    page.goto(live_server + "/organizer/login")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".notice-language")).to_have_count(0)
    expect(page.get_by_role("button", name="ورود", exact=True)).to_be_visible()
    axe_clean(page, "login fa")

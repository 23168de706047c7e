"""Every organizer page, logged in as admin on the demo data: axe, keyboard, menu and print."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.demo import load_demo
from survey.extensions import db
from survey.models import Dialogue, Place, Promise, SurveyRound
from tests.common.web import ACCOUNTS

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
SERIOUS = {"serious", "critical"}


@pytest.fixture
def demo(app, users) -> dict[str, int]:
    """The demo data (fewer answers than the CLI's, to stay quick) and ids pages need."""
    with app.app_context():
        load_demo(db.session, dt.date.today(), answers=400)
        db.session.commit()
        return {
            "dialogue": db.session.scalars(select(Dialogue.id)).first(),
            "promise": db.session.scalars(select(Promise.id)).first(),
            "round": db.session.scalars(select(SurveyRound.id)).first(),
            "place": db.session.scalars(select(Place.id)).first(),
        }


def _log_in(page: Page, base: str, role: str = "admin") -> None:
    page.goto(base + "/organizer/login?lang=en")
    email, password = ACCOUNTS[role]
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".subnav")).to_be_visible()


def _pages(ids: dict[str, int]) -> list[str]:
    return [
        "/organizer/",
        "/organizer/areas",
        "/organizer/areas/bromma",
        "/organizer/areas/bromma/held",
        "/organizer/areas/bromma/publish",
        "/organizer/dialogues",
        f"/organizer/dialogues/{ids['dialogue']}",
        "/organizer/dialogues/new",
        "/organizer/paper",
        "/organizer/comments",
        "/organizer/promises",
        f"/organizer/promises/{ids['promise']}",
        "/organizer/promises/new",
        "/organizer/export",
        "/organizer/rounds",
        "/organizer/rounds/new",
        f"/organizer/rounds/{ids['round']}/edit",
        "/organizer/places",
        f"/organizer/places/{ids['place']}/edit",
        "/organizer/questionnaires",
        "/organizer/users",
        "/organizer/erasure",
        "/organizer/audit",
    ]


def _serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_every_organizer_page_passes_axe(live_server, new_page, demo, viewport):
    page = new_page(locale="sv-SE", viewport=viewport, js=True)
    _log_in(page, live_server)
    # Every page on the menu (also ones added later), and the pages behind them.
    menu = page.locator(".subnav a[href^='/organizer']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    paths = _pages(demo) + [m for m in menu if m not in _pages(demo)]
    assert len(menu) >= 13
    found = {}
    for path in paths:
        response = page.goto(live_server + path)
        assert response is not None, path
        assert response.status == 200, path
        expect(page.locator(".demo-banner")).to_be_visible()
        problems = _serious(page)
        if problems:
            found[path] = problems
        # Nothing sticks out sideways: wide tables scroll inside their own region.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (path, width)
        # A table's caption is not cut off by its scroll region: it stays on the screen.
        captions = page.locator(".table-wrap caption").evaluate_all(
            "cs => cs.map(c => [c.getBoundingClientRect().left, c.getBoundingClientRect().right])"
        )
        assert all(0 <= left and right <= viewport["width"] for left, right in captions), (
            path,
            captions,
        )
    assert found == {}


def test_the_menu_is_one_line_and_the_rest_sits_under_more(live_server, new_page, demo, screenshot):
    page = new_page(locale="en-GB", viewport=DESKTOP)
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/?lang=sv")
    tops = page.locator(".subnav .menu > li").evaluate_all(
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(tops) == 8, tops
    assert len(set(tops)) == 1, tops
    subnav = page.locator(".subnav").bounding_box()
    assert subnav is not None
    assert subnav["height"] < 60
    # Header, menu and content share one width.
    lefts = [
        page.locator(sel).first.evaluate("e => Math.round(e.getBoundingClientRect().left)")
        for sel in (".site-header .wrap", ".subnav .wrap", "main", ".site-footer .wrap")
    ]
    assert len(set(lefts)) == 1, lefts
    more = page.locator("details.menu-more")
    expect(more.get_by_role("link", name="Händelselogg")).to_be_hidden()
    more.locator("summary").click()  # no JavaScript here: <details> opens by itself
    more.get_by_role("link", name="Händelselogg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Händelselogg")
    expect(page.locator(".menu-more summary")).to_have_class("current")
    screenshot(page, "organizer-audit-sv-desktop")


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    def lum(rgb: tuple[int, ...]) -> float:
        parts = [c / 255 for c in rgb[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(x)) for x in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def test_focus_ring_contrasts_on_white_and_on_the_header(live_server, new_page, demo, screenshot):
    page = new_page(locale="en-GB", viewport=DESKTOP)
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/")
    screenshot(page, "organizer-home-en-desktop")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand, in the blue header
    header = page.evaluate(
        "(() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return [e.className, s.outlineColor, s.outlineStyle,"
        " getComputedStyle(document.querySelector('.site-header')).backgroundColor]; })()"
    )
    assert header[0] == "brand"
    assert header[2] == "solid"
    assert _contrast(_rgb(header[1]), _rgb(header[3])) >= 3
    page.locator(".status-card a").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    body = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineColor, s.outlineStyle, s.outlineWidth]; })()"
    )
    assert body[1] == "solid"
    assert body[2] == "3px"
    assert _contrast(_rgb(body[0]), (255, 255, 255)) >= 3


def test_after_an_empty_submit_focus_is_on_the_summary_and_links_show_the_field(
    live_server, new_page, demo
):
    page = new_page(locale="en-GB", viewport=PHONE, js=True)
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/rounds/new")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    first = summary.locator("a").first
    target_id = first.get_attribute("href").lstrip("#")
    first.click()
    target = page.locator(f"#{target_id}")
    expect(target).to_be_focused()
    # The field's label is on screen too, not scrolled off above it.
    label_top = page.evaluate(
        f"document.querySelector('label[for=\"{target_id}\"], #{target_id}')"
        ".closest('.field, fieldset').getBoundingClientRect().top"
    )
    assert 0 <= label_top < PHONE["height"] / 2


def test_wide_tables_scroll_by_keyboard_with_a_hint_on_a_phone(
    live_server, new_page, demo, screenshot
):
    page = new_page(locale="sv-SE", viewport=PHONE, js=True)
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/areas/bromma")
    region = page.locator(".heat-table").locator("xpath=ancestor::div[@role='region']")
    expect(region).to_have_attribute("tabindex", "0")
    hint = region.locator("xpath=preceding-sibling::p[@class='scroll-hint']")
    expect(hint).to_be_visible()
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Arrow keys scroll smoothly: wait for the scroll rather than read it at once.
    page.wait_for_function("e => e.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
    screenshot(page, "organizer-dashboard-sv-phone")
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(100)
    expect(hint).to_be_hidden()
    screenshot(page, "organizer-dashboard-sv-desktop")


def test_a_printed_dashboard_keeps_the_shading_and_drops_the_menus(
    live_server, new_page, demo, screenshot, tmp_path
):
    page = new_page(locale="sv-SE", viewport=DESKTOP)
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/areas/bromma")
    page.emulate_media(media="print")
    for selector in (".subnav", ".area-filters", ".languages", ".site-footer", ".site-header"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none"
    expect(page.locator(".demo-banner")).to_be_visible()
    shades = page.locator("table.heat-table td.heat").evaluate_all(
        "cells => cells.map(c => [c.className, getComputedStyle(c).backgroundColor,"
        " getComputedStyle(c).printColorAdjust])"
    )
    assert shades
    assert all(adjust == "exact" for _, _, adjust in shades)
    darkest = [bg for cls, bg, _ in shades if "heat-4" in cls]
    lightest = [bg for cls, bg, _ in shades if "heat-0" in cls]
    if darkest:
        assert set(darkest) == {"rgb(51, 51, 51)"}
    if lightest:
        assert set(lightest) == {"rgb(255, 255, 255)"}
    screenshot(page, "organizer-dashboard-sv-print")
    pdf = tmp_path / "dashboard.pdf"
    page.pdf(path=str(pdf), print_background=False)
    if os.environ.get("TRYGGHET_SCREENSHOTS"):
        shutil.copy(pdf, os.environ["TRYGGHET_SCREENSHOTS"])
    assert pdf.stat().st_size > 10_000

"""An organizer reads an area's situation picture on a phone, with JavaScript off."""

from playwright.sync_api import Page, expect

from tests.common.picture_data import build
from tests.common.web import ACCOUNTS


def _log_in(page: Page, base: str) -> None:
    page.goto(base + "/organizer/areas")
    email, password = ACCOUNTS["organizer"]
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()


def _charts_loaded(page: Page) -> list[int]:
    return page.evaluate("[...document.images].map(i => i.complete ? i.naturalWidth : 0)")


def test_organizer_reads_the_dashboard_on_a_phone(app, users, live_server, new_page, screenshot):
    with app.app_context():
        build()
    page = new_page(locale="en-GB")
    _log_in(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Situation picture")
    page.get_by_role("link", name="Bromma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bromma")
    heat = page.locator("table.heat-table")
    expect(heat.get_by_role("row", name="Brommaplan")).to_contain_text("73%")
    expect(heat.get_by_role("row", name="Alvik")).to_contain_text("too few answers")
    page.locator("img").last.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    widths = _charts_loaded(page)
    assert len(widths) == 2
    assert all(w > 0 for w in widths), widths
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "area-dashboard-en-phone")

    page.get_by_label("Gender").select_option(label="Woman")
    page.get_by_role("button", name="Filter").click()
    # Six women answered: a filtered group under the threshold shows nothing, not its count.
    expect(page.locator(".area-summary")).to_contain_text("Too few answers with these filters")
    expect(page.locator(".area-summary")).not_to_contain_text("6 answers")
    assert "gender=woman" in page.url
    expect(page.locator("table.heat-table")).to_have_count(0)

    page.get_by_label("Month from").fill("1066-10")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_contain_text("Month from")
    expect(page.locator(".area-summary")).to_contain_text("25 answers counted.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "area-dashboard-en-phone-error")


def test_dashboard_on_a_desktop_screen(app, users, live_server, new_page, screenshot):
    with app.app_context():
        build()
    page = new_page(locale="sv-SE", viewport={"width": 1280, "height": 900})
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/areas/bromma")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bromma")
    expect(page.locator("table.heat-table").get_by_role("row", name="Alvik")).to_contain_text(
        "för få svar"
    )
    page.wait_for_load_state("networkidle")
    assert all(w > 0 for w in _charts_loaded(page))
    # Desktop: the heat table fits without scrolling inside its wrapper.
    assert page.evaluate(
        "(() => { const w = document.querySelector('.heat-table').parentElement;"
        " return w.scrollWidth <= w.clientWidth; })()"
    )
    screenshot(page, "area-dashboard-sv-desktop")

"""The crime imports page on a desktop and a phone: 'Ångra' in reach, the table in plain words."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_organizer_pages_browser import DESKTOP, PHONE, _log_in
from tests.services.test_crime_imports import AUGUST_2026, MARCH_2023

#: A file name as people save them: long, with no space to break at.
LONG = "brottsstatistik_bromma_hasselby_vallingby_ekero_2024_januari_till_december_rattad.csv"


def test_undo_is_in_reach_at_1280_px_and_the_table_speaks_swedish(
    live_server, new_page, cli, users, tmp_path, screenshot
):
    for path in (MARCH_2023, AUGUST_2026):
        assert cli("import", "crime", str(path)).exit_code == 0
    csv = tmp_path / LONG
    csv.write_text("month;area;category;count\n2024-01;Bromma;Stöld;10\n", encoding="utf-8")
    assert cli("import", "crime", str(csv)).exit_code == 0
    page = new_page(viewport=DESKTOP)
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/crime-imports?lang=sv")
    screenshot(page, "crime-imports-desktop")
    undo = page.get_by_role("link", name="Ångra", exact=True)
    box = undo.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= DESKTOP["width"]  # no sideways scrolling to reach it
    table = page.locator("table.data")
    expect(table).to_contain_text("polisens händelser (JSON)")
    expect(table).to_contain_text("CSV-fil")
    expect(table).to_contain_text("kommandoraden")
    expect(table).to_contain_text("tillagda 500, ändrade 0, oförändrade 0")
    expect(table.get_by_role("cell", name="events", exact=True)).to_have_count(0)
    undo.click()
    expect(page.locator("h1")).to_contain_text("Ångra import")
    screenshot(page, "crime-import-undo-confirm")
    page.get_by_role("button", name="Ångra importen").click()
    expect(page.locator("body")).to_contain_text("är ångrad: brottsdata är som före den.")
    phone = new_page(viewport=PHONE)
    _log_in(phone, live_server)
    phone.goto(live_server + "/organizer/crime-imports?lang=sv")
    screenshot(phone, "crime-imports-phone")
    expect(phone.get_by_role("link", name="Ångra", exact=True)).to_have_count(1)
    # The question page, with a file name in its facts, fits the phone: the name broke the
    # width when it kept the tables' 12rem.
    phone.get_by_role("link", name="Ångra", exact=True).click()
    expect(phone.locator("h1")).to_contain_text("Ångra import")
    screenshot(phone, "crime-import-undo-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

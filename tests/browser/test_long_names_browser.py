"""A long name without spaces (an area or place someone typed or pasted) never pushes an
organizer's or a resident's page sideways on a phone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Area, Place, SurveyRound
from tests.browser.test_organizer_pages_browser import PHONE, _log_in

LONG = "Brommaplanstunnelbanestationsbussterminalsområdet" * 4  # 196 letters, no space


@pytest.fixture
def long_names(app, users) -> dict[str, int]:
    with app.app_context():
        area = db.session.scalars(select(Area).where(Area.slug == "bromma")).one()
        area.name = LONG
        place = db.session.scalars(select(Place).where(Place.slug == "brommaplan")).one()
        place.name = LONG
        round_ = db.session.scalars(select(SurveyRound)).first()
        db.session.commit()
        return {"place": place.id, "round": round_.id}


def test_a_long_name_never_pushes_a_page_sideways(live_server, new_page, long_names, screenshot):
    page = new_page(locale="sv-SE", viewport=PHONE)
    _log_in(page, live_server)
    paths = [
        "/organizer/",
        "/organizer/areas",
        "/organizer/areas/bromma",
        "/organizer/rounds",
        "/organizer/rounds/new",
        f"/organizer/rounds/{long_names['round']}/edit",
        "/organizer/places",
        f"/organizer/places/{long_names['place']}/edit",
        "/organizer/promises/new",
        "/organizer/dialogues/new",
        "/organizer/paper",
        "/organizer/area-names",
        "/organizer/population",
        "/",
        "/s/brommaplan",
        "/uppfoljning",
        "/uppfoljning/bromma",
    ]
    wide = {}
    for path in paths:
        response = page.goto(live_server + path)
        assert response is not None, path
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert wide == {}
    page.goto(live_server + "/organizer/rounds/new")
    screenshot(page, "round-form-long-area-name")


def test_a_crime_file_s_long_name_stays_inside_the_messages(
    live_server, new_page, users, tmp_path, screenshot
):
    # A refusal quotes what the file says, here a name without spaces.
    path = tmp_path / "brott.csv"
    path.write_text(f"month;area;category;count\n2020-01;{LONG};Misshandel;3\n", encoding="utf-8")
    page = new_page(locale="sv-SE", viewport=PHONE)
    _log_in(page, live_server)
    page.goto(live_server + "/organizer/crime-imports?lang=sv")
    page.set_input_files("input[name=file]", str(path))
    page.locator("form[enctype] button[type=submit]").click()
    assert LONG[:70] in page.locator(".error-summary li").inner_text()  # quoted, shortened
    page.wait_for_load_state("load")  # measured with the style sheet, not before it has come
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "crime-upload-refused-phone")
    # A file imported: its name, as long and without spaces, in the message that says so.
    named = tmp_path / f"{LONG[:100]}.csv"
    named.write_text("month;area;category;count\n2020-01;Bromma;Misshandel;3\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(named))
    page.locator("form[enctype] button[type=submit]").click()
    assert named.name in page.locator(".flash-success").inner_text()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

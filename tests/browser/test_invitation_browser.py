"""A resident answers with the code from a letter, with JavaScript off and on."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_organizer_pages_browser import DESKTOP, _log_in
from tests.common.invitations import invitation_round
from tests.common.web import stored_responses


def _answer(page: Page) -> None:
    page.get_by_label("Which place in your area are your answers about?").select_option(
        "brommaplan"
    )
    page.get_by_role("group", name="What is your connection to this place?").get_by_text(
        "I live here"
    ).click()
    for legend in ("in the daytime", "in the afternoon", "in the evening", "at night"):
        page.get_by_role("group", name=f"How safe do you feel here {legend}").get_by_text(
            "Fairly safe", exact=True
        ).click()
    page.get_by_role("button", name="Send my answers").click()


@pytest.mark.parametrize("js", [False, True])
def test_a_resident_answers_with_the_code_from_the_letter(app, live_server, new_page, js):
    round_id, codes = invitation_round(app, count=2)
    page = new_page(locale="en-GB", js=js)
    page.goto(live_server + "/k")
    page.get_by_label("Code from the letter").fill(codes[0].lower())
    page.get_by_role("button", name="Go to the questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bromma")
    assert page.url.endswith("/k/svar")
    _answer(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    [stored] = stored_responses(app)
    assert (stored.place.slug, stored.round_id, stored.safety_night) == (
        "brommaplan",
        round_id,
        "2",
    )
    # The QR code's link of the other letter; then the first code again.
    page.goto(live_server + f"/k/{codes[1]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bromma")
    page.goto(live_server + f"/k/{codes[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This code has already been used")
    assert len(stored_responses(app)) == 1


@pytest.mark.parametrize(
    "live_server", [{"TRYGGHET_BASE_URL": "http://trygghet.test"}], indirect=True
)
def test_the_letters_page_shows_what_was_made_once_the_pdf_has_come(
    app, live_server, new_page, users, screenshot
):
    round_id, _codes = invitation_round(app, count=2)
    page = new_page(js=True, viewport=DESKTOP)
    _log_in(page, live_server)
    page.goto(live_server + f"/organizer/rounds/{round_id}/invitations?lang=sv")
    page.get_by_label("Antal brev").fill("3")
    button = page.get_by_role("button", name="Gör koder och ladda ner breven (PDF)")
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "inbjudningar-bromma-3-5.pdf"
    # The page loads itself again: what was made is said, and the table counts it.
    expect(page.locator(".flash-success")).to_contain_text("Brev 3–5 för Bromma är gjorda")
    expect(page.locator(".flash-success")).to_be_focused()  # read out first
    expect(page.locator("table.data tbody tr").first).to_contain_text("5")
    assert page.url.endswith(f"/organizer/rounds/{round_id}/invitations")
    screenshot(page, "letters-downloaded")

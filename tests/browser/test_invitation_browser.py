"""A resident answers with the code from a letter, with JavaScript off and on."""

import pytest
from playwright.sync_api import Page, expect

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

"""A resident answers by clicking labels, on a phone-sized screen, with JavaScript off."""

import unicodedata

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.common.web import stored_responses


def _answer_required(page: Page, relation: str, times: list[str]) -> None:
    page.get_by_role("group", name=relation[0]).get_by_text(relation[1], exact=True).click()
    for legend, option in times:
        page.get_by_role("group", name=legend).get_by_text(option, exact=True).click()


def test_swedish_resident_answers_on_a_phone_without_javascript(
    app, live_server, new_page, screenshot
):
    page = new_page(locale="sv-SE")
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    screenshot(page, "home-sv-phone")
    page.get_by_role("link", name="Brommaplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brommaplan")

    _answer_required(
        page,
        ("Vilken är din koppling till platsen?", "Jag bor här"),
        [
            ("Hur trygg känner du dig här dagtid", "Mycket trygg"),
            ("Hur trygg känner du dig här på eftermiddagen", "Ganska trygg"),
            ("Hur trygg känner du dig här på kvällen", "Ganska otrygg"),
            ("Hur trygg känner du dig här på natten", "Jag undviker platsen då av oro"),
        ],
    )
    # The problems are a matrix: each row a group, each radio named by its answer.
    page.get_by_role("group", name="Narkotikaförsäljning").get_by_role(
        "radio", name="Mycket stora problem"
    ).click()
    priorities = page.get_by_role("group", name="Vad tycker du att polisen ska prioritera här?")
    priorities.get_by_text("Synas mer på platsen").click()
    priorities.get_by_text("Narkotika", exact=True).click()
    page.get_by_label("Vill du berätta något mer om platsen?").fill("Mörkt vid tunnelbanan.")
    screenshot(page, "survey-sv-phone-filled")
    # No sideways scrolling at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    screenshot(page, "thanks-sv-phone")

    [stored] = stored_responses(app)
    assert stored.place.slug == "brommaplan"
    assert (stored.relation, stored.safety_day, stored.safety_afternoon) == ("live", "1", "2")
    assert (stored.safety_evening, stored.safety_night) == ("3", "avoid")
    assert stored.problem_drug_dealing == "4"
    assert stored.police_priority == "presence;drugs"
    assert stored.comment == "Mörkt vid tunnelbanan."


def test_english_resident_corrects_an_error_and_is_stored(app, live_server, new_page, screenshot):
    page = new_page(locale="sv-SE")
    page.goto(live_server + "/s/alvik")
    # Started in Swedish: what was filled in comes along to the English page.
    page.locator("input[name=safety_evening][value='3']").check()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("input[name=safety_evening][value='3']")).to_be_checked()

    page.get_by_role("group", name="What is your connection to this place?").get_by_text(
        "I pass through"
    ).click()
    page.get_by_role("group", name="How safe do you feel here in the daytime").get_by_text(
        "Very safe"
    ).click()
    page.get_by_role("button", name="Send my answers").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(2)  # the evening came along
    screenshot(page, "survey-en-phone-errors")
    # What was chosen is still chosen.
    expect(page.get_by_label("I pass through")).to_be_checked()
    summary.get_by_role("link").first.click()
    assert page.url.endswith("#safety_afternoon-0")
    assert stored_responses(app) == []

    for legend in ("in the afternoon", "in the evening", "at night"):
        page.get_by_role("group", name=f"How safe do you feel here {legend}").get_by_text(
            "I am not here then"
        ).click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")

    [stored] = stored_responses(app)
    assert (stored.place.slug, stored.relation, stored.safety_night) == ("alvik", "pass", "na")


def test_desktop_layout(live_server, new_page, screenshot):
    page = new_page(locale="en-GB", viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/s/vallingby-centrum")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vällingby centrum")
    box = page.locator("main").bounding_box()
    assert box is not None
    assert box["width"] <= 44 * 17 + 40  # the reading column stays narrow on wide screens
    screenshot(page, "survey-en-desktop")


def test_a_printed_survey_has_no_buttons_to_press(live_server, new_page, screenshot, tmp_path):
    # Printed, the send button was a box that cannot be pressed, alone on a last page.
    page = new_page(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/s/brommaplan")
    send = page.get_by_role("button", name="Skicka mina svar")
    expect(send).to_be_visible()
    page.emulate_media(media="print")
    expect(send).to_be_hidden()
    for control in page.locator("button, input[type=submit], a.button").all():
        expect(control).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brommaplan")
    screenshot(page, "survey-sv-print")
    pdf = tmp_path / "survey.pdf"
    page.pdf(path=str(pdf))
    printed = PdfReader(pdf)
    assert "Skicka mina svar" not in "".join(p.extract_text() for p in printed.pages)
    # The last sheet holds the last question, not only what is left of the form.
    assert "Kön" in printed.pages[-1].extract_text()
    # (NFKC: the PDF's text writes "fi" as one ligature.)
    sheets = [unicodedata.normalize("NFKC", p.extract_text()) for p in printed.pages]
    # The problem matrix prints on one sheet with its column headings (a sheet began with
    # rows of circles whose question and headings were on the sheet before).
    [matrix] = [text for text in sheets if "Narkotikaförsäljning" in text]
    assert "Inga problem" in matrix
    assert "Trafik (fortkörning, farlig trafik)" in matrix
    # A part's number prints with its title (a sheet ended with "DEL 3 AV 6").
    [part] = [text for text in sheets if "Problem på platsen" in text]
    assert "DEL 3 AV 6" in part


def test_a_double_click_on_send_sends_the_answer_once(app, live_server, new_page):
    page = new_page(locale="sv-SE", js=True)
    page.goto(live_server + "/s/alvik")
    _answer_required(
        page,
        ("Vilken är din koppling till platsen?", "Jag bor här"),
        [
            (f"Hur trygg känner du dig här {when}", "Mycket trygg")
            for when in ("dagtid", "på eftermiddagen", "på kvällen", "på natten")
        ],
    )
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else 0)
    # A slow mobile network: the second click comes while the first send is on its way.
    network = page.context.new_cdp_session(page)
    slow = {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1}
    network.send("Network.emulateNetworkConditions", slow)
    send = page.get_by_role("button", name="Skicka mina svar")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert box is not None
    for _ in range(2):  # as a person clicks: no waiting for the page in between
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(400)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    assert len(posts) == 1
    assert len(stored_responses(app)) == 1

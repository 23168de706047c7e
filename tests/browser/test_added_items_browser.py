"""Issue 14: residents answer a version with added items and skip logic, with and without JS."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import ItemAnswer, QuestionnaireVersion
from tests.common.web import stored_responses

EXAMPLE = (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text()


@pytest.fixture
def v2_live(app):
    with app.app_context():
        db.session.add(
            QuestionnaireVersion(version=2, definition=EXAMPLE, status="live", uploaded_by="t")
        )
        db.session.commit()


def _added(app) -> dict[str, list]:
    with app.app_context():
        rows = db.session.execute(select(ItemAnswer.code, ItemAnswer.value, ItemAnswer.number))
        found: dict[str, list] = {}
        for code, value, number in rows:
            found.setdefault(code, []).append(value if number is None else number)
        return found


def _choose(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_text(answer, exact=True).click()


def test_with_javascript_questions_appear_when_they_are_asked(
    app, v2_live, live_server, new_page, screenshot
):
    page = new_page(locale="sv-SE", js=True)
    page.goto(live_server + "/s/brommaplan")
    district = page.get_by_label("I vilket område bor du?")
    why = page.get_by_label("Vad gör att du känner dig otrygg här?")
    expect(district).to_be_hidden()
    expect(why).to_be_hidden()
    _choose(page, "Vilken är din koppling till platsen?", "Jag bor här")
    expect(district).to_be_visible()
    district.select_option("bromma")
    page.get_by_label("Hur många år har du bott i området?").fill("12")
    _choose(page, "Hur trygg känner du dig här på kvällen?", "Mycket trygg")
    expect(why).to_be_hidden()
    # or: burglary worry every week, and not a visitor
    _choose(page, "Hur ofta oroar du dig för inbrott i din bostad?", "Varje vecka")
    expect(why).to_be_visible()
    why.fill("Inbrott i källaren")
    witnessed = page.get_by_role("group", name="Vad har du sett här det senaste året?")
    witnessed.get_by_text("Klotter").click()
    screenshot(page, "added-items-sv-phone-js")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    [stored] = stored_responses(app)
    assert (stored.questionnaire_version, stored.relation) == (2, "live")
    assert _added(app) == {
        "home_district": ["bromma"],
        "years_in_area": [12],
        "worry_burglary": ["4"],
        "witnessed": ["graffiti"],
        "unsafe_why": [None],
    }


def test_without_javascript_every_question_shows_and_the_server_skips(
    app, v2_live, live_server, new_page, screenshot
):
    page = new_page(locale="sv-SE")
    page.goto(live_server + "/s/brommaplan")
    _choose(page, "Vilken är din koppling till platsen?", "Jag besöker platsen")
    # Shown without JavaScript, but not asked of a visitor: the answer is not kept.
    page.get_by_label("Hur många år har du bott i området?").fill("3")
    _choose(page, "Hur trygg känner du dig här på kvällen?", "Ganska otrygg")
    page.get_by_label("Vad gör att du känner dig otrygg här?").fill("Mörkt")
    screenshot(page, "added-items-sv-phone-nojs")
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    assert _added(app) == {"unsafe_why": [None]}

"""Issue 14: the dashboard shows added items' figures, readable at desktop and phone width."""

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Place, QuestionnaireVersion
from survey.services.responses import live_questionnaire, record_response
from tests.browser.test_area_dashboard_browser import _log_in

EXAMPLE = (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text()


def test_the_dashboard_shows_added_items(app, users, live_server, new_page, screenshot):
    with app.app_context():
        db.session.add(
            QuestionnaireVersion(version=2, definition=EXAMPLE, status="live", uploaded_by="t")
        )
        db.session.commit()
        questionnaire = live_questionnaire(db.session)
        place = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        for i in range(14):
            answers = {
                "relation": "live",
                "safety_evening": "1",
                "police_there": str(1 + i % 5),
                "years_in_area": str(i),
                "witnessed": ["noise"] if i % 3 else ["fights", "graffiti"],
            }
            record_response(
                db.session, place, 2, questionnaire.clean(answers), questionnaire=questionnaire
            )
        db.session.commit()
    for width, name in ((1280, "desktop"), (360, "phone")):
        page = new_page(locale="en-GB", viewport={"width": width, "height": 900})
        _log_in(page, live_server)
        page.goto(live_server + "/organizer/areas/bromma?lang=en")
        heading = page.get_by_role("heading", name="Added questions")
        expect(heading).to_be_visible()
        expect(page.get_by_role("heading", name="The police are here when needed.")).to_be_visible()
        heading.scroll_into_view_if_needed()
        screenshot(page, f"dashboard-items-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

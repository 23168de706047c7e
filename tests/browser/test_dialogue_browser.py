"""An organizer logs a safety walk and its stops on a phone, with JavaScript off."""

import datetime as dt

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import AuditEvent, Dialogue, DialogueIssue
from tests.common.web import ACCOUNTS


def _no_sideways_scrolling(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _stored(app) -> list[Dialogue]:
    with app.app_context():
        query = select(Dialogue).options(
            selectinload(Dialogue.area),
            selectinload(Dialogue.place),
            selectinload(Dialogue.issues).selectinload(DialogueIssue.place),
        )
        return list(db.session.scalars(query))


def test_organizer_logs_a_safety_walk_with_a_stop(app, users, live_server, new_page, screenshot):
    page = new_page(locale="en-GB")
    page.goto(live_server + "/organizer/dialogues")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in for organizers")
    email, password = ACCOUNTS["organizer"]
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialogues")
    expect(page.get_by_text("No dialogues found.")).to_be_visible()

    page.get_by_role("link", name="Log a new dialogue").click()
    page.get_by_label("Date").fill("2026-03-10")
    page.get_by_role("group", name="Kind of dialogue").get_by_text("Safety walk").click()
    page.get_by_label("Area").select_option(label="Bromma")
    page.get_by_label("Place", exact=True).select_option(label="Alvik")
    page.get_by_label("Residents").fill("8")
    page.get_by_label("Police staff").fill("2")
    page.get_by_role("button", name="Save the dialogue").click()

    # The organizer was left out: a message, and what was entered is still there.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Organizer – Fill in this field.")
    expect(page.get_by_label("Safety walk")).to_be_checked()
    screenshot(page, "dialogue-new-en-phone-error")
    _no_sideways_scrolling(page)
    assert _stored(app) == []
    summary.get_by_role("link").click()
    page.get_by_role("textbox", name="Organizer").fill("Kommunpolis Bromma")
    page.get_by_role("button", name="Save the dialogue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bromma · Alvik, 2026-03-10")
    expect(page.get_by_role("heading", name="Stops on the walk")).to_be_visible()
    problem = page.get_by_role("group", name="Problem")
    problem.get_by_text("Poor lighting").click()
    times = page.get_by_role("group", name="Times of day")
    times.get_by_text("Evening (18–22)").click()
    times.get_by_text("Night (22–06)").click()
    page.get_by_label("Place", exact=True).select_option(label="Abrahamsberg")
    page.get_by_label("How many raised it").fill("3")
    page.get_by_label("Quote or note").fill("Tunneln är helt mörk på kvällen.")
    page.get_by_label("Proposed measure").fill("Byt lamporna i tunneln.")
    page.get_by_role("button", name="Add the stop").click()

    expect(page.get_by_role("status")).to_have_text("The stop is added.")
    stop = page.locator("ol.issues li").first
    expect(stop.get_by_role("heading")).to_have_text("Poor lighting · Abrahamsberg")
    expect(stop).to_contain_text("Raised by 3 people")
    screenshot(page, "dialogue-detail-en-phone")
    _no_sideways_scrolling(page)

    page.get_by_role("link", name="All dialogues").click()
    expect(page.locator("table.data tbody tr")).to_have_count(1)
    screenshot(page, "dialogue-list-en-phone")
    _no_sideways_scrolling(page)

    [walk] = _stored(app)
    assert (walk.held_on, walk.kind, walk.area.slug, walk.place.slug) == (
        dt.date(2026, 3, 10),
        "trygghetsvandring",
        "bromma",
        "alvik",
    )
    assert (walk.residents, walk.partners, walk.staff, walk.organizer) == (
        8,
        0,
        2,
        "Kommunpolis Bromma",
    )
    [stored] = walk.issues
    assert (stored.position, stored.place.slug, stored.problem) == (1, "abrahamsberg", "lighting")
    assert (stored.times, stored.raised_by, stored.weight) == ("evening;night", 3, None)
    assert stored.quote == "Tunneln är helt mörk på kvällen."
    assert stored.measure == "Byt lamporna i tunneln."
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["dialogue.create", "dialogue_issue.create"]

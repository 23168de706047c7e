"""A resident reads the follow-up of a citizen promise on a phone, with JavaScript off."""

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import insert, select

from survey.extensions import db
from survey.models import Area, Dialogue, Place, Promise, PromiseActivity, Response, SurveyRound


def _promise_with_figures(app) -> int:
    with app.app_context():
        places = {p.slug: p for p in db.session.scalars(select(Place))}
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        before = SurveyRound(name="Hösten 2025", opens_on=dt.date(2025, 9, 1))
        after = SurveyRound(name="Våren 2026", opens_on=dt.date(2026, 4, 1))
        db.session.add_all([before, after])
        db.session.flush()
        base = {
            "place_id": places["brommaplan"].id,
            "submitted_on": dt.date(2025, 10, 1),
            "questionnaire_version": 1,
            "source": "web",
        }
        rows = (
            [base | {"round_id": before.id, "safety_evening": "3", "safety_night": "4"}] * 20
            + [base | {"round_id": before.id, "safety_evening": "1"}] * 30
            + [base | {"round_id": after.id, "safety_evening": "1"}] * 45
            + [base | {"round_id": after.id, "safety_evening": "4", "safety_night": "3"}] * 5
        )
        db.session.execute(insert(Response), rows)
        promise = Promise(
            area_id=bromma.id,
            title="Tryggare Brommaplan på kvällar och nätter",
            text="Polis och kommun ökar närvaron på kvällarna.\nBelysningen ses över.",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            baseline_round_id=before.id,
            followup_round_id=after.id,
            indicators=[
                {"kind": "unsafe_share", "time": "evening"},
                {"kind": "unsafe_share", "time": "night"},
            ],
            places=[places["brommaplan"]],
        )
        db.session.add(promise)
        db.session.flush()
        db.session.add_all(
            [
                PromiseActivity(
                    promise_id=promise.id,
                    held_on=dt.date(2026, 2, 1),
                    kind="presence_patrol",
                    hours=3.5,
                ),
                PromiseActivity(
                    promise_id=promise.id, held_on=dt.date(2026, 2, 9), kind="alcohol_ban", count=4
                ),
                Dialogue(
                    held_on=dt.date(2099, 3, 2),
                    area_id=bromma.id,
                    place_id=places["alvik"].id,
                    kind="trygghetsvandring",
                    organizer="Kommunpolis",
                    notes="Inte offentligt",
                ),
            ]
        )
        db.session.commit()
        return promise.id


def test_a_resident_reads_the_follow_up_on_a_phone(app, live_server, new_page, screenshot):
    promise_id = _promise_with_figures(app)
    page = new_page(locale="en-GB")
    page.goto(live_server + "/uppfoljning?lang=en")
    page.get_by_role("link", name="Bromma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Citizen promises in Bromma")
    promise = page.locator(f"#promise-{promise_id}")
    expect(promise.get_by_role("heading", level=2)).to_have_text(
        "Tryggare Brommaplan på kvällar och nätter"
    )
    expect(promise).to_contain_text("40 % (n = 50)")
    expect(promise).to_contain_text("10 % (n = 50)")
    expect(promise).to_contain_text("too few answers (n = 5)")
    expect(promise).to_contain_text("Presence patrol: 1 occasion, 3.5 hours")
    expect(page.get_by_text("Next: Safety walk on March 2, 2099, Alvik.")).to_be_visible()
    expect(page.get_by_text("Inte offentligt")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The bars are drawn to scale: 10 % of the track after, 40 % before.
    for side, share in (("after", 0.10), ("before", 0.40)):
        track = promise.locator(f".bar-{side} .bar-track").first.bounding_box()
        fill = promise.locator(f".bar-{side} .bar-fill").first.bounding_box()
        assert track is not None
        assert fill is not None
        assert abs(fill["width"] / track["width"] - share) < 0.02
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image.endswith(f"/uppfoljning/bromma/{promise_id}.png?lang=en")
    screenshot(page, "followup-bromma-en-phone")

    page.get_by_role("link", name="How to take part").first.click()
    page.get_by_role("link", name="Brommaplan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brommaplan")

    desktop = new_page(locale="sv-SE", viewport={"width": 1280, "height": 900})
    desktop.goto(live_server + "/uppfoljning/bromma")
    expect(desktop.locator("html")).to_have_attribute("lang", "sv")
    expect(desktop.get_by_text("för få svar")).to_be_visible()
    screenshot(desktop, "followup-bromma-sv-desktop")
    picture = desktop.goto(live_server + f"/uppfoljning/bromma/{promise_id}.png")
    assert picture is not None
    assert picture.headers["content-type"] == "image/png"

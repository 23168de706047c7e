"""A resident reads the follow-up of a citizen promise on a phone, with JavaScript off."""

import datetime as dt

from playwright.sync_api import expect

from survey.extensions import db
from tests.common import factories
from tests.common.releases import publish


def _promise_with_figures(app) -> int:
    with app.app_context():
        before, after = factories.rounds_before_and_after(areas=["bromma"])
        factories.answers("brommaplan", before, 20, safety_evening="3", safety_night="4")
        factories.answers("brommaplan", before, 30, safety_evening="1")
        factories.answers("brommaplan", after, 45, safety_evening="1")
        factories.answers("brommaplan", after, 5, safety_evening="4", safety_night="3")
        promise = factories.promise(
            rounds=(before, after),
            title="Tryggare Brommaplan på kvällar och nätter",
            text="Polis och kommun ökar närvaron på kvällarna.\nBelysningen ses över.",
            indicators=[
                {"kind": "unsafe_share", "time": "evening"},
                {"kind": "unsafe_share", "time": "night"},
            ],
            activities=[
                factories.activity("presence_patrol", dt.date(2026, 2, 1), hours=3.5),
                factories.activity("alcohol_ban", dt.date(2026, 2, 9), count=4),
            ],
        )
        factories.dialogue(
            "bromma",
            "alvik",
            held_on=dt.date(2099, 3, 2),
            kind="trygghetsvandring",
            residents=0,
            notes="Inte offentligt",
        )
        db.session.commit()
        promise_id, before_id = promise.id, before.id
    # The public page shows releases only; a promise's baseline as its round's release did.
    publish(app, round_id=before_id)
    publish(app)
    return promise_id


def _track_and_fill(promise, side: str) -> tuple[dict, dict]:
    """The first bar's track and fill on one side, as bounding boxes."""
    track = promise.locator(f".bar-{side} .bar-track").first.bounding_box()
    fill = promise.locator(f".bar-{side} .bar-fill").first.bounding_box()
    assert track is not None
    assert fill is not None
    return track, fill


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
    expect(promise).to_contain_text("40% (about 50 answers)")
    expect(promise).to_contain_text("10% (about 50 answers)")
    expect(promise).to_contain_text("hidden to protect the anonymity of those who answered")
    expect(promise).to_contain_text("Presence patrol: 1 occasion, 3.5 hours")
    expect(page.get_by_text("Next: Safety walk on 2 March 2099, Alvik.")).to_be_visible()
    expect(page.get_by_text("Inte offentligt")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The bars are drawn to scale: 10 % of the track after, 40 % before.
    for side, share in (("after", 0.10), ("before", 0.40)):
        track, fill = _track_and_fill(promise, side)
        assert abs(fill["width"] / track["width"] - share) < 0.02
        assert abs(fill["x"] - track["x"]) < 1  # filled from the left
    # Every bar on one scale at 360 px, however long the figure beside it ("100%" before
    # at night, "40%" before in the evening, "10%" after): the same track width.
    widths = [
        box["width"]
        for track in promise.locator(".bar-track").all()
        if (box := track.bounding_box()) is not None
    ]
    assert len(widths) >= 3
    assert max(widths) - min(widths) < 0.5, widths
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image.endswith(f"/uppfoljning/bromma/{promise_id}.png?lang=en")
    screenshot(page, "followup-bromma-en-phone")

    page.get_by_role("link", name="How to take part").first.click()
    page.get_by_role("link", name="Brommaplan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brommaplan")

    desktop = new_page(locale="sv-SE", viewport={"width": 1280, "height": 900})
    desktop.goto(live_server + "/uppfoljning/bromma")
    expect(desktop.locator("html")).to_have_attribute("lang", "sv")
    expect(desktop.get_by_text("dold för att skydda de svarandes anonymitet").first).to_be_visible()
    expect(desktop.locator("#method")).to_be_visible()
    screenshot(desktop, "followup-bromma-sv-desktop")
    picture = desktop.goto(live_server + f"/uppfoljning/bromma/{promise_id}.png")
    assert picture is not None
    assert picture.headers["content-type"] == "image/png"


def test_a_printed_follow_up_gives_the_survey_addresses(app, live_server, new_page, screenshot):
    # A page printed for a notice board: a link to tap is no use on paper, its address is.
    _promise_with_figures(app)
    page = new_page(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/uppfoljning/bromma")
    take_part = page.locator("#take-part")
    host = live_server.split("://", 1)[1]
    address = f"{host}/s/brommaplan"
    expect(take_part.get_by_text(address)).to_be_hidden()  # on screen the name is the link
    expect(page.get_by_role("link", name="Bild att dela").first).to_be_visible()
    page.emulate_media(media="print")
    expect(take_part.get_by_text(address)).to_be_visible()
    expect(take_part).to_contain_text(f"Brommaplan: {address}")
    for on_screen_only in ("Bild att dela", "Hur vi räknar", "Alla områden"):
        links = page.get_by_role("link", name=on_screen_only, include_hidden=True).all()
        assert links, on_screen_only
        for link in links:
            expect(link).to_be_hidden()
    # Each indicator's name, bars and change stay on one page.
    styles = page.locator("figure.indicator").evaluate_all(
        "figures => figures.map(f => getComputedStyle(f).breakInside)"
    )
    assert styles
    assert set(styles) == {"avoid"}, styles
    screenshot(page, "followup-bromma-sv-print")


def test_bars_fill_from_the_right_in_arabic(app, live_server, new_page, screenshot):
    # Right to left the text starts on the right, so a bar fills from its right end too.
    promise_id = _promise_with_figures(app)
    page = new_page(locale="ar")
    page.goto(live_server + "/uppfoljning/bromma?lang=ar")
    promise = page.locator(f"#promise-{promise_id}")
    for side, share in (("after", 0.10), ("before", 0.40)):
        track, fill = _track_and_fill(promise, side)
        assert abs(fill["width"] / track["width"] - share) < 0.02
        track_right = track["x"] + track["width"]
        assert abs(fill["x"] + fill["width"] - track_right) < 1, (side, fill, track)
        assert fill["x"] - track["x"] > track["width"] * 0.5
    screenshot(page, "followup-bromma-ar-phone")

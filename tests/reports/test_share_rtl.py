"""The share picture right to left: laid out from the right, Latin names in their own order."""

from __future__ import annotations

import io

from PIL import Image

from survey.reports import directions, share

BEFORE = (0xBF, 0xBF, 0xBF)  # the before bar's fill (BAR_STYLES), between its hatching


def _card(rtl: bool) -> dict:
    name = directions.isolated("[DEMO] Trygghetsmätning november 2025", rtl)
    side = {"label": "قبل · " + name, "value": "40%", "n": "نحو 20 إجابة", "share": 0.4}
    return {
        "footer": "/uppfoljning/bromma",
        "eyebrow": "وعد المواطنين · " + directions.isolated("Bromma", rtl),
        "period": "2026",
        "title": "[DEMO] Mer närvaro på Brommaplan",
        "label": "يشعر بعدم الأمان",
        "sides": [("before", side)],
        "empty": "",
        "status": "",
        "alt": "",
        "rtl": rtl,
    }


def _before_columns(card: dict) -> list[int]:
    """The columns of the bar row holding the before bar's grey fill."""
    image = Image.open(io.BytesIO(share.render_png(card))).convert("RGB")
    y = round(share.HEIGHT * (1 - (0.44 - 0.075 / 2)))  # the middle of the first bar
    return [x for x in range(share.WIDTH) if image.getpixel((x, y)) == BEFORE]


def test_a_bar_fills_from_the_right_in_arabic():
    left_to_right = _before_columns(_card(rtl=False))
    right_to_left = _before_columns(_card(rtl=True))
    assert left_to_right
    assert right_to_left
    # 40 % of the scale (0.06-0.58 of the width): from its left end, or from its right end.
    assert min(left_to_right) < 0.10 * share.WIDTH < max(left_to_right) < 0.30 * share.WIDTH
    assert 0.70 * share.WIDTH < min(right_to_left) < 0.90 * share.WIDTH < max(right_to_left)


def test_latin_names_are_isolated_only_right_to_left():
    assert directions.isolated("[DEMO] Höst", rtl=True) == "\u2068[DEMO] Höst\u2069"
    assert directions.isolated("[DEMO] Höst", rtl=False) == "[DEMO] Höst"
    assert directions.isolated("", rtl=True) == ""


def test_the_arabic_picture_of_a_promise_isolates_its_round_and_area(app, client):
    from tests.public.test_followup import _world

    _world(app)
    page = client.get("/uppfoljning/bromma?lang=ar").get_data(as_text=True)
    alt = page.split('property="og:image:alt" content="', 1)[1].split('"', 1)[0]
    assert "\u2068Hösten 2025\u2069" in alt or "\u2068Våren 2026\u2069" in alt
    swedish = client.get("/uppfoljning/bromma?lang=sv").get_data(as_text=True)
    assert "\u2068" not in swedish


def test_a_crime_category_is_isolated_in_the_arabic_picture(app):
    from flask_babel import force_locale

    from survey.public.followup import share_card

    indicator = {"kind": "crime", "category": "[DEMO] Misshandel", "before": {}, "after": {}}
    side = {"months": 0, "count": 0}
    indicator |= {"before": side, "after": side, "status": "not enough data"}
    promise = {"title": "Löfte", "period_start": "2026-01-01", "period_end": "2026-07-31"}
    result = {"promise": promise, "indicators": [indicator]}
    with app.test_request_context("/"), force_locale("ar"):
        card = share_card(result, "Bromma", "/uppfoljning/bromma")
    # The category in Arabic (a draft translation), its demo tag kept, as one isolated run.
    assert "\u2068[DEMO] الاعتداء بالضرب\u2069" in card["label"]
    assert card["rtl"] is True


def test_a_picture_is_drawn_once_and_kept_as_drawn(monkeypatch):
    # A shared link is fetched by every reader and crawler; each drawing costs ~0.06 s of CPU.
    share._png_of.cache_clear()
    drawn = []
    render = share.render_png
    monkeypatch.setattr(share, "render_png", lambda card: drawn.append(card) or render(card))
    card = _card(rtl=True)
    first = share.card_png(card)
    assert share.card_png(_card(rtl=True)) == first
    assert len(drawn) == 1
    assert first == render(card)  # the kept picture is the card's own (tuples and all)
    assert share.card_png(_card(rtl=False)) != first
    assert len(drawn) == 2

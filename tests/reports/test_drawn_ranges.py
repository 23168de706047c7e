"""Number ranges drawn right to left: "18–22" reads 18–22 in Arabic and Persian pictures.

matplotlib lays text out with libraqm, which applies the Unicode bidirectional algorithm: an
unmarked range inside Arabic words is drawn "22–18". These tests read the drawn order from
matplotlib's own layout of each text the picture or chart was given.
"""

from __future__ import annotations

import pytest
from matplotlib import _text_helpers
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.text import Text

from survey.reports import charts, share
from survey.reports.figures import TIMES

#: Typed without the isolating marks, as in a new questionnaire version or a round's name.
#: Each time of day's range as read: 06–15, 15–18, 18–22, 22–06.
TIMES_DRAWN = {"day": "0615", "afternoon": "1518", "evening": "1822", "night": "2206"}
EVENING_AR = "يشعر بعدم الأمان: المساء (18–22)"
WINTER_AR = "شتاء 2025–2026"


def drawn_digits(text: str) -> str:
    """The digits of a one-line text in the order matplotlib draws them, left to right."""
    font = get_font(findfont(FontProperties()))
    font.set_size(12, 72)
    items = sorted(_text_helpers.layout(text, font), key=lambda item: item.x)
    return "".join(item.char for item in items if item.char.isdigit())


def drawn_texts(monkeypatch, module) -> list[Figure]:
    """The figures ``module`` makes from now on, kept to read their texts afterwards."""
    figures: list[Figure] = []

    class Kept(Figure):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            figures.append(self)

    monkeypatch.setattr(module, "Figure", Kept)
    return figures


def _texts(figures: list[Figure]) -> list[str]:
    return [t.get_text() for f in figures for t in f.findobj(Text) if t.get_text()]


def _drawn_with(texts: list[str], *words: str) -> list[str]:
    return [t for t in texts for line in t.split("\n") if any(w in line for w in words)]


def test_the_test_reads_the_order_as_drawn():
    assert drawn_digits(EVENING_AR) == "2218"  # what the picture showed
    assert drawn_digits("يشعر بعدم الأمان: المساء (\u206618–22\u2069)") == "1822"
    assert drawn_digits("Evening (18–22)") == "1822"


def _card(rtl: bool) -> dict:
    side = {"label": "قبل · \u2068" + WINTER_AR + "\u2069", "value": "40%", "n": "", "share": 0.4}
    after = {"label": "بعد · " + EVENING_AR, "value": "10%", "n": "", "share": 0.1}
    return {
        "footer": "/uppfoljning/bromma",
        "eyebrow": "وعد المواطنين",
        "period": "1 فبراير 2026 – 31 أغسطس 2026",
        "title": "حضور أكثر بين 18–22",
        "label": EVENING_AR,
        "sides": [("before", side), ("after", after)],
        "empty": "",
        "status": "من 40% إلى 10%.",
        "alt": "",
        "rtl": rtl,
    }


def test_a_share_picture_draws_number_ranges_in_reading_order_right_to_left(monkeypatch):
    figures = drawn_texts(monkeypatch, share)
    share.render_png(_card(rtl=True))
    texts = _texts(figures)
    ranged = _drawn_with(texts, "المساء", "شتاء", "حضور")
    assert len(ranged) == 4  # the indicator, the two rounds and the title
    for text in ranged:
        assert drawn_digits(text) in ("1822", "20252026"), text
    # The period's two dates are no range of numbers: they read right as they are.
    assert "1 فبراير 2026 – 31 أغسطس 2026" in texts


def test_a_share_picture_left_to_right_is_drawn_as_given(monkeypatch):
    figures = drawn_texts(monkeypatch, share)
    share.render_png(_card(rtl=False))
    assert not [t for t in _texts(figures) if "\u2066" in t]


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_a_chart_draws_number_ranges_in_reading_order_right_to_left(app, monkeypatch, lang):
    figures = drawn_texts(monkeypatch, charts)
    cell = {"suppressed": False, "unsafe_share": 0.5, "ci": (0.3, 0.7), "n": 12}
    picture = {"places": [{"name": "مبنى 2–4", "n": 12, "suppressed": False,
                           "times": dict.fromkeys(TIMES, cell)}]}  # fmt: skip
    rows = [{"label": EVENING_AR, "n": 12, "suppressed": False, "share": 0.4, "ci": (0.2, 0.6)}]
    with app.test_request_context():
        charts.unsafe_by_time(picture, lang, "png")
        charts.problem_shares(rows, lang, "svg")
    texts = _texts(figures)
    lines = [line for text in texts for line in text.split("\n")]
    for time, digits in TIMES_DRAWN.items():  # the legend; the problem's is the evening's
        drawn = [line for line in lines if digits[:2] in line and digits[2:] in line]
        assert drawn, time
        assert all(digits in drawn_digits(line) for line in drawn), (time, drawn)
    place = next(line for line in lines if "مبنى" in line)
    assert "24" in drawn_digits(place), place


def test_the_follow_up_pictures_read_the_evening_18_to_22(app, client, monkeypatch):
    from tests.public.test_followup import _world

    world = _world(app)
    share._png_of.cache_clear()  # drawn again, through the kept figures
    figures = drawn_texts(monkeypatch, share)
    for lang in ("ar", "fa"):
        path = f"/uppfoljning/bromma/{world['promise']}.png?lang={lang}"
        assert client.get(path).status_code == 200
    evenings = [t for t in _texts(figures) if "18" in t and "22" in t]
    assert len(evenings) == 2
    assert [drawn_digits(t) for t in evenings] == ["1822", "1822"]
    assert "سر شب" in evenings[1]  # Persian: as the survey asks about it


def test_words_in_arabic_are_never_set_in_the_oblique_font_that_lacks_them(app):
    # DejaVu Sans Oblique has no Arabic letters: a hidden figure's note, "no figures yet" and
    # "too few answers" were drawn as empty boxes (matplotlib warns; the tests make it an error).
    side = {"label": "قبل", "value": "", "n": "", "share": None, "hidden": "مخفي لحماية المجيبين"}
    crime = {"label": "بعد", "value": "لا أرقام بعد", "n": "", "share": None}
    share.render_png(_card(rtl=True) | {"sides": [("before", side), ("after", crime)]})
    rows = [{"label": "الإنارة", "n": 3, "suppressed": True}]
    cell = {"suppressed": True}
    picture = {"places": [{"name": "مبنى", "n": 3, "suppressed": False,
                           "times": dict.fromkeys(TIMES, cell)}]}  # fmt: skip
    with app.test_request_context():
        for lang in ("ar", "fa"):
            charts.problem_shares(rows, lang, "png")
            charts.unsafe_by_time(picture, lang, "svg")

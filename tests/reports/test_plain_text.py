"""Words drawn by matplotlib are plain text: "$...$" is never read as mathtext or LaTeX."""

from __future__ import annotations

import pytest

from survey.reports import charts, share
from survey.reports.figures import TIMES

HOSTILE = [r"$\macro$", r"Lampor $\frac{1}{0}$ vid $\x$", "$", "$$", r"a $\\ b$ c", "100 $ och $5"]


def _card(text: str) -> dict:
    side = {"label": text, "value": "40 %", "n": "(20 svar)", "share": 0.4}
    return {
        "footer": text,
        "eyebrow": text,
        "period": text,
        "title": text,
        "label": text,
        "sides": [("before", side), ("after", side | {"share": None, "value": text})],
        "empty": text,
        "status": text,
        "alt": text,
    }


@pytest.mark.parametrize("text", HOSTILE)
def test_a_share_picture_draws_dollar_text_as_it_is(text):
    png = share.render_png(_card(text))
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize("text", HOSTILE)
def test_a_chart_draws_dollar_place_names_as_they_are(app, text):
    cell = {"suppressed": False, "unsafe_share": 0.5, "ci": (0.3, 0.7)}
    picture = {
        "places": [
            {"name": text, "n": 12, "suppressed": False, "times": dict.fromkeys(TIMES, cell)}
        ]
    }
    rows = [
        {"label": text, "n": 12, "suppressed": False, "share": 0.4, "ci": (0.2, 0.6)},
        {"label": text, "n": 3, "suppressed": True},
    ]
    with app.test_request_context():
        for fmt in ("svg", "png"):
            assert charts.unsafe_by_time(picture, "sv", fmt)
            assert charts.problem_shares(rows, "sv", fmt)


def test_matplotlib_texts_are_plain():
    import matplotlib

    assert matplotlib.rcParams["text.parse_math"] is False
    assert matplotlib.rcParams["text.usetex"] is False

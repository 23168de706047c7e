"""The unsafe-by-time chart's legend covers no bar, however long, in either direction."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from survey.reports import charts
from survey.reports.figures import TIMES
from tests.reports.test_drawn_ranges import drawn_texts


def _place(name: str, share: float) -> dict:
    cell = {"suppressed": False, "unsafe_share": share, "ci": (share - 0.1, 1.0), "n": 40}
    return {"name": name, "n": 40, "suppressed": False, "times": dict.fromkeys(TIMES, cell)}


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_the_legend_covers_no_bar(app, monkeypatch, lang):
    figures = drawn_texts(monkeypatch, charts)
    # The longest bars on the last place, drawn at the bottom: where the legend stood.
    picture = {"places": [_place("Alvik", 0.2), _place("Islandstorget", 0.95)]}
    with app.test_request_context():
        charts.unsafe_by_time(picture, lang, "png")
    [figure] = figures
    renderer = FigureCanvasAgg(figure).get_renderer()
    [axes] = figure.axes
    legend = axes.get_legend().get_window_extent(renderer)
    bars = [p for p in axes.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    assert len(bars) == 2 * len(TIMES)
    assert not [bar for bar in bars if bar.get_window_extent(renderer).overlaps(legend)]
    # Every time of day is named, the day (06–15) first in reading order: leftmost in
    # Swedish, rightmost in Arabic.
    texts = axes.get_legend().get_texts()
    assert len(texts) == len(TIMES)
    xs = {text.get_text(): text.get_window_extent(renderer).x0 for text in texts}
    [day] = [name for name in xs if "06" in name and "15" in name]
    assert xs[day] == (min(xs.values()) if lang == "sv" else max(xs.values()))

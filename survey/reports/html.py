"""A self-contained HTML report (charts inline as SVG), printable from any browser."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from .. import labels
from . import charts
from .figures import TIMES, protects_others
from .weighting import weighting_text


def render_html(pictures: list[dict[str, Any]], locale: str = "sv") -> str:
    """Render the pictures of one or more areas as one HTML document."""
    with force_locale(locale):
        sections = [
            {
                "picture": picture,
                # matplotlib's SVG is our own output and escapes all text (place names too).
                "chart": Markup(charts.unsafe_by_time(picture, locale).decode("utf-8")),  # noqa: S704  # nosec B704
                "alt": charts.alt_text(picture, locale),
                "weighting": weighting_text(picture),
            }
            for picture in pictures
        ]
        return render_template(
            "reports/lagesbild.html",
            sections=sections,
            locale=locale,
            problem_names=labels.problems(locale),
            time_names=labels.TIMES,
            status_names=labels.STATUSES,
            times=TIMES,
            protects_others=protects_others,
        )

"""The method section starts a new page exactly when a trial rendering says it must.

It is measured (the heights of its lines) instead of rendered on a copy of the document;
both must agree wherever on the page the section would start.
"""

from __future__ import annotations

from flask import Flask

from analysis.survey import Filters
from survey.extensions import db
from survey.reports.pdf.layout import Report
from survey.reports.pdf.method import fits, method_parts, write_parts
from survey.reports.pictures import build_pictures
from tests.common.picture_data import build


def test_the_measured_fit_agrees_with_a_trial_rendering(app: Flask) -> None:
    with app.app_context():
        build()
        db.session.commit()
    with app.test_request_context("/?lang=sv"):
        with db.engine.connect() as conn:
            picture = build_pictures(conn, ["bromma"], Filters(), 10, locale="sv")[0]
        parts = method_parts(picture, "sv")
        pdf = Report()
        pdf.add_page()

        def agree(y: float) -> bool:
            pdf.set_y(y)
            fonts = [font.ttfont for font in pdf.fonts.values()]
            with pdf.offset_rendering() as trial:  # what the section did before: a copy
                write_parts(trial, parts)
            for ttfont in fonts:  # the trial puts a copy in place of each font: close them
                ttfont.close()
            measured = fits(pdf, parts)
            assert measured is not trial.page_break_triggered, y
            return measured

        # Every 20 mm down the page, then halving the step down to where the answer turns,
        # then every 0.25 mm within 1 mm of it (each trial renders the whole section).
        top, bottom = pdf.t_margin, pdf.page_break_trigger
        coarse = [(y, agree(y)) for y in range(int(top), int(bottom), 20)]
        turns = [y for (y, a), (_, b) in zip(coarse, coarse[1:], strict=False) if a != b]
        assert len(turns) == 1  # fits at the top of a page, not at its bottom
        low, high = turns[0], turns[0] + 20
        at_low = agree(low)
        while high - low > 0.25:
            middle = (low + high) / 2
            if agree(middle) == at_low:
                low = middle
            else:
                high = middle
        for step in range(-4, 5):
            agree(low + step / 4)
        pdf.close_fonts()

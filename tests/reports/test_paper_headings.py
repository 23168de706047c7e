"""A section heading of the paper questionnaire is never left alone at the foot of a page.

Read back with pdftotext, page by page, in every language the form prints in, for a place and
for an area (its cover lists the places, so every page after it falls differently): the page
a section's heading is on holds the section's first question (its number) too.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from survey.questionnaire import builtin, text
from survey.reports.paper_items import print_runs
from tests.reports.test_paper import COVER
from tests.reports.test_paper_rtl import _no_lam_alef, _normal, _paper, _pdftotext

PLACES = ("Abrahamsberg", "Alvik", "Brommaplan", "Stora Mossen", "Ängbyplan", "Åkeshov")
AREA_COVER = dataclasses.replace(COVER, place="", places=PLACES)


def _lines(page: str) -> list[str]:
    return [_normal(line) for line in page.splitlines() if line.strip()]


@pytest.mark.parametrize("cover", [COVER, AREA_COVER], ids=["place", "area"])
@pytest.mark.parametrize("lang", ["sv", "en", "ar", "fa", "fi", "so"])
def test_a_section_heading_stands_on_the_page_of_its_first_question(app, lang, cover):
    questionnaire = builtin(1)
    with app.app_context():
        pages = _pdftotext(_paper(app, lang, questionnaire, cover), "-layout").split("\f")
    numbers = {code: i for i, code in enumerate(questionnaire.codes, start=1)}
    for section in questionnaire.sections:
        title = _no_lam_alef(_normal(text(section.title, lang)))
        (page,) = [p for p in pages if title in map(_no_lam_alef, _lines(p))]
        first = next(print_runs(section.items))[0]
        number = re.compile(rf"(?<![\d.]){numbers[first.code]}\.(?!\d)")
        assert number.search(" ".join(_lines(page))), (
            f"{title!r} ends a page without question {numbers[first.code]}"
        )

"""One order of problems: the dashboard, its chart and the PDF list tied problems alike."""

from __future__ import annotations

import io
import re

import matplotlib
import pytest
from pypdf import PdfReader

from survey.organizer.areas import charts as area_charts
from survey.reports.figures import heat_level, problem_rows
from tests.common.survey_data import add_responses, columns

AREA = "/organizer/areas/bromma"
#: The Swedish names of the problems, in the one order: the largest share first, then the
#: questionnaire's order among the four tied at 50 % with the same n (alphabetically by key
#: or by Swedish name they would come out otherwise).
EXPECTED = [
    "Berusade personer och alkoholförtäring utomhus",
    "Skadegörelse och klotter",
    "Nedskräpning",
    "Dålig belysning",
    "Trafik (fortkörning",
]


@pytest.fixture
def tied(app):
    """Twelve answers at Brommaplan: alcohol 75 % big, four problems 50 % each, n = 12."""
    half = ["4"] * 6 + ["1"] * 6
    with app.app_context():
        add_responses(
            "brommaplan",
            columns(
                problem_alcohol=["4"] * 9 + ["0"] * 3,
                problem_traffic=half,
                problem_lighting=half,
                problem_vandalism=half,
                problem_litter=half,
            ),
        )


@pytest.fixture
def organizer(auth):
    auth.login("organizer")
    return auth.client


def _order(text: str) -> list[str]:
    """The expected names in the order they first appear in the text (each must appear)."""
    text = " ".join(text.split())  # a long name may be wrapped over two lines
    found = {name: text.find(name) for name in EXPECTED}
    assert all(at >= 0 for at in found.values()), found
    return sorted(EXPECTED, key=found.__getitem__)


def test_dashboard_chart_and_pdf_list_tied_problems_in_the_same_order(tied, organizer):
    page = organizer.get(AREA + "?lang=sv").get_data(as_text=True)
    table = page[page.index('id="problems"') : page.index('id="priorities"')]

    area_charts.CACHE.clear()  # drawn now, with its text as text, not as outlines
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        svg = organizer.get(AREA + "/charts/problems.svg?lang=sv").get_data(as_text=True)
    ticks = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))

    pdf = organizer.get(AREA + "/report.pdf?lang=sv").data
    text = "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(pdf)).pages)
    listed = text[text.index("De största problemen") :]

    assert _order(table) == EXPECTED
    assert _order(ticks) == EXPECTED
    assert _order(listed) == EXPECTED


def test_ties_go_by_answers_then_questionnaire_order_and_hidden_figures_last():
    problems = {
        "alcohol": {"suppressed": True, "n": 4},
        "groups": {"suppressed": False, "n": 20, "share": 0.5},
        "theft": {"suppressed": False, "n": 30, "share": 0.5},
        "litter": {"suppressed": False, "n": 20, "share": 0.5},
        "traffic": {"suppressed": False, "n": 20, "share": 0.6},
    }
    rows = problem_rows(problems, {"theft": "Stölder"})
    assert [r["key"] for r in rows] == ["traffic", "theft", "groups", "litter", "alcohol"]
    assert rows[1]["label"] == "Stölder"
    assert rows[2]["label"] == "groups"  # no name: the key


@pytest.mark.parametrize(
    ("share", "level"), [(0.0, 0), (0.099, 0), (0.1, 1), (0.3, 2), (0.4, 3), (0.6, 4), (1.0, 4)]
)
def test_heat_levels(share, level):
    assert heat_level({"suppressed": False, "unsafe_share": share}) == level
    assert heat_level({"suppressed": True}) == -1

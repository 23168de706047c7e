"""Why a figure is hidden, as organizers read it: "too few answers" only under the threshold.

A cell hidden by secondary suppression rests on enough answers, and the dashboard shows its
count: "too few answers" beside "12 answers" contradicts itself. It says it protects other
cells instead, in the heat table, the ranking's safety score and the PDF report.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from analysis.picture import situation_picture
from analysis.survey import Filters
from survey.extensions import db
from survey.reports.figures import protects_others
from survey.reports.writers import write_pictures
from tests.common.survey_data import add_responses

DASHBOARD = "/organizer/areas/bromma"
PROTECTS = {"sv": "dold (skyddar andra rutor)", "en": "hidden (protects other cells)"}
TOO_FEW = {"sv": "för få svar", "en": "too few answers"}


def _night(n: int) -> list[dict[str, str]]:
    """n answers that feel fairly safe by day and fairly unsafe at night."""
    times = dict.fromkeys(("safety_day", "safety_afternoon", "safety_evening"), "2")
    return [{**times, "safety_night": "3"} for _ in range(n)]


@pytest.fixture
def hidden_night(app):
    """Abrahamsberg's night under the threshold (3 answers), and Brommaplan's (12) hidden
    with it, so that the area's night minus Alvik's does not give Abrahamsberg's away."""
    with app.app_context():
        add_responses("abrahamsberg", _night(3))
        add_responses("brommaplan", _night(12))
        add_responses("alvik", _night(15))
        with db.engine.connect() as conn:
            picture = situation_picture(conn, "bromma", Filters(), 10)
    places = {place["place"]: place for place in picture["places"]}
    assert places["abrahamsberg"]["times"]["night"] == {"n": 3, "suppressed": True}
    assert places["brommaplan"]["times"]["night"] == {"n": 12, "suppressed": True}
    assert not places["alvik"]["times"]["night"]["suppressed"]
    return picture


def _row(html: str, name: str, after: str) -> str:
    return html.split(after, 1)[1].split(f">{name}")[1].split("</tr>")[0]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_cell_hidden_to_protect_others_says_so_beside_its_count(hidden_night, auth, lang):
    auth.login("organizer")
    html = auth.client.get(DASHBOARD + f"?lang={lang}").get_data(as_text=True)
    heat = html.split('class="data heat-table"', 1)[1]
    brommaplan = _row(heat, "Brommaplan", "<tbody>")
    assert PROTECTS[lang] in brommaplan
    assert TOO_FEW[lang] not in brommaplan
    abrahamsberg = _row(heat, "Abrahamsberg", "<tbody>")
    assert TOO_FEW[lang] in abrahamsberg
    assert PROTECTS[lang] not in abrahamsberg
    # The ranking: Brommaplan's safety score rests on enough answers at every time of day.
    ranking = html.split('id="ranking"', 1)[1].split("</table>")[0]
    assert PROTECTS[lang] in _row(ranking, "Brommaplan", "<tbody>")
    assert PROTECTS[lang] not in _row(ranking, "Abrahamsberg", "<tbody>")


def test_the_pdf_report_says_why_a_cell_is_hidden(app, hidden_night):
    out = io.BytesIO()
    with app.test_request_context():
        write_pictures([hidden_night], "pdf", out, "sv")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    assert PROTECTS["sv"] in text
    assert TOO_FEW["sv"] in text


def test_only_cells_at_or_above_the_threshold_protect_others():
    assert protects_others([{"n": 12, "suppressed": True}], 10)
    assert protects_others([{"n": 10, "suppressed": True}, {"n": 30, "suppressed": False}], 10)
    assert not protects_others([{"n": 9, "suppressed": True}], 10)
    assert not protects_others([{"n": 12, "suppressed": True}, {"n": 3, "suppressed": True}], 10)
    assert not protects_others([{"n": 30, "suppressed": False}], 10)
    assert not protects_others([None, {"n": 0, "suppressed": True}], 0)
    assert not protects_others([{"n": 12, "suppressed": True}], None)

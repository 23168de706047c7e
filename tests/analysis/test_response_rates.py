"""Response rates of invitation rounds: answers / letters, hidden below the threshold."""

from __future__ import annotations

import io
import json
from importlib import resources

import jsonschema
from pypdf import PdfReader

from analysis.invitations import response_rates
from analysis.picture import situation_picture
from analysis.survey import Filters
from survey.extensions import db
from tests.common import factories
from tests.common.invitations import invitation_round


def _rates(app, round_id=None, threshold=10):
    with app.app_context(), db.engine.connect() as conn:
        return response_rates(conn, factories.find_area("bromma").id, round_id, threshold)


def _answers(app, round_id, count, place="brommaplan", **values):
    with app.app_context():
        factories.answers(place, round_id, count, **values)
        db.session.commit()


def test_answers_over_letters_per_round(app):
    round_id, _codes = invitation_round(app, count=40)
    _answers(app, round_id, 8)
    _answers(app, round_id, 4, place="alvik")
    _answers(app, round_id, 3, held=True)  # held answers count nowhere
    _answers(app, round_id, 5, place="vallingby-centrum")  # another area
    [rate] = _rates(app)
    assert rate["invitations"] == 40
    assert (rate["answers"], rate["response_rate"], rate["suppressed"]) == (12, 0.3, False)
    # Fewer answers than the threshold: neither the rate nor the count is shown.
    [hidden] = _rates(app, threshold=13)
    assert hidden == {**rate, "answers": None, "response_rate": None, "suppressed": True}
    # Another area without letters has no rate; a round filter keeps to that round.
    assert _rates(app, round_id=round_id + 1000) == []


def test_the_picture_json_dashboard_and_pdf_show_it(app, client, auth):
    round_id, _codes = invitation_round(app, count=50)
    _answers(app, round_id, 20, relation="live", safety_evening="3")
    with app.app_context(), db.engine.connect() as conn:
        picture = situation_picture(conn, "bromma", Filters(round_id=round_id), 10)
    schema = json.loads(resources.files("analysis").joinpath("lagesbild.schema.json").read_text())
    jsonschema.validate(picture, schema, format_checker=jsonschema.FormatChecker())
    [rate] = picture["response_rates"]
    assert (rate["invitations"], rate["answers"], rate["response_rate"]) == (50, 20, 0.4)
    client.get("/?lang=en")
    auth.login("organizer")
    page = client.get(f"/organizer/areas/bromma?round={round_id}").get_data(as_text=True)
    table = page.split('id="response-rate"')[1].split("</table>")[0]
    assert "Response rate of invitation rounds" in table
    assert ">50<" in table
    assert ">20<" in table
    assert ">40%<" in table
    report = client.get(f"/organizer/areas/bromma/report.pdf?round={round_id}")
    assert report.status_code == 200, report.get_data(as_text=True)[:500]
    words = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(report.data)).pages
    )
    assert "Svarsfrekvens i omgångar med inbjudan" in words  # the report is in Swedish
    assert "50 20 40" in words


def test_the_dashboard_hides_a_rate_on_too_few_answers(app, client, auth):
    round_id, _codes = invitation_round(app, count=50)
    _answers(app, round_id, 3)
    client.get("/?lang=en")
    auth.login("organizer")
    page = client.get("/organizer/areas/bromma").get_data(as_text=True)
    table = page.split('id="response-rate"')[1].split("</table>")[0]
    assert "too few answers" in table
    assert ">3<" not in table

"""Undoing answers to a round by invitation on the batches page: their codes stay used."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import ImportBatch
from tests.common.invitations import invitation_round
from tests.common.web import count_responses, post_form
from tests.imports.test_responses_codes import HEADER, TODAY, _used


def test_the_undo_page_says_the_codes_stay_used(app, client, auth, cli, tmp_path):
    _round_id, codes = invitation_round(app, count=3)
    path = tmp_path / "letters.csv"
    path.write_text(
        HEADER + f"{TODAY},brommaplan,3,{codes[0]}\n{TODAY},alvik,2,{codes[2]}\n", encoding="utf-8"
    )
    assert cli("import", "responses", str(path)).exit_code == 0
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch.id))
    client.get("/?lang=en")
    auth.login("admin")
    undo = f"/organizer/paper/batches/{batch}/undo"
    said = "2 invitation codes stay used: nothing records which code an answer used"
    assert said in client.get(undo).get_data(as_text=True)
    response = post_form(client, undo, {})
    assert response.status_code == 303
    assert count_responses(app) == 0
    assert said in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _used(app) == [True, False, True]

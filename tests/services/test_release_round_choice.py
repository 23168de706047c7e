"""Which round the publish preview offers, and what it says of a round nobody counts in yet.

A burst of answers held for review used to make a new round look answered: the preview chose
it, showed nothing, and publishing it put an empty release on the public page in place of the
one with figures."""

from __future__ import annotations

import html

from survey import clock
from survey.extensions import db
from survey.services import releases
from tests.common import factories

PATH = "/organizer/areas/bromma/publish"
EMPTY = "Inget svar från området räknas i den här omgången ännu"


def _rounds(app) -> tuple[int, int]:
    with app.app_context():
        before, after = factories.rounds_before_and_after(areas=["bromma"])
        factories.answers("brommaplan", before, 20, safety_evening="1")
        factories.answers("brommaplan", after, 6, held=True, safety_evening="4")
        db.session.commit()
        return before.id, after.id


def test_a_round_with_only_held_answers_is_not_chosen(app):
    before, _after = _rounds(app)
    with app.app_context():
        area = releases.find_area(db.session, "bromma")
        chosen = releases.choose_round(db.session, area, None, clock.today())
    assert chosen is not None
    assert chosen.id == before


def test_the_preview_warns_of_a_round_without_counted_answers(app, client, auth):
    before, after = _rounds(app)
    auth.login("organizer")
    chosen = html.unescape(client.get(f"{PATH}?lang=sv").get_data(as_text=True))
    assert EMPTY not in chosen
    assert "Publicera</button>" in chosen
    asked = html.unescape(client.get(f"{PATH}?round={after}&lang=sv").get_data(as_text=True))
    assert EMPTY in asked
    assert 'role="status"' in asked
    # Still allowed: a follow-up of crime figures and activities needs no answers.
    assert "Publicera</button>" in asked

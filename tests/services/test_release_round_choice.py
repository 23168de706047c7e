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


def _rounds(app, later: int = 6, held: bool = True) -> tuple[int, int]:
    """Two rounds: 20 counted answers in the earlier, ``later`` answers in the newer."""
    with app.app_context():
        before, after = factories.rounds_before_and_after(areas=["bromma"])
        factories.answers("brommaplan", before, 20, safety_evening="1")
        factories.answers("brommaplan", after, later, held=held, safety_evening="4")
        db.session.commit()
        return before.id, after.id


def test_a_round_with_only_held_answers_is_not_chosen(app):
    before, _after = _rounds(app)
    with app.app_context():
        area = releases.find_area(db.session, "bromma")
        chosen = releases.choose_round(db.session, area, None, clock.today(), 10)
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


FEW = "Bara 1 svar från området räknas i den här omgången hittills, färre än 10"


def test_a_new_round_with_fewer_answers_than_the_threshold_is_not_chosen(app):
    # A tester's one answer in a round opened today made the preview pick it, and publishing
    # it put a release without figures on the public page in place of the one with figures.
    before, after = _rounds(app, 1, held=False)
    with app.app_context():
        area = releases.find_area(db.session, "bromma")
        assert releases.choose_round(db.session, area, None, clock.today(), 10).id == before
        # With no round reaching the threshold, the newest with answers, as before.
        assert releases.choose_round(db.session, area, None, clock.today(), 50).id == after


def test_the_preview_warns_of_a_round_under_the_threshold_and_offers_the_others(app, client, auth):
    before, after = _rounds(app, 1, held=False)
    auth.login("organizer")
    chosen = html.unescape(client.get(f"{PATH}?lang=sv").get_data(as_text=True))
    assert FEW not in chosen
    assert f"{PATH}?round={after}" in chosen  # the other round, one click away
    asked = html.unescape(client.get(f"{PATH}?round={after}&lang=sv").get_data(as_text=True))
    assert FEW in asked
    assert f"{PATH}?round={before}" in asked
    assert "Publicera</button>" in asked

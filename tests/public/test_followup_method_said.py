"""What the public page's "How we count" says of a release says nothing of new answers."""

from __future__ import annotations

import re

from sqlalchemy import insert

from survey.extensions import db
from survey.models import Release, Response
from tests.common import factories
from tests.common.releases import publish

#: Forty answers at Brommaplan: twenty victims who did not report, twenty who were not victims.
BASE = (
    {"victim": "yes", "reported": "no", "safety_night": "1"},
    {"victim": "no", "safety_night": "1"},
)


def _kept_after_one_answer(app, client, base=BASE, **answer) -> tuple[int, str]:
    """Publish forty answers of a fresh round, add one answer, publish again: what is said."""
    with app.app_context():
        survey_round = factories.survey_round("Runda", areas=["bromma"])
        rows = []
        for values in base:
            rows += factories.answer_rows("brommaplan", survey_round.id, 20, **values)
        db.session.execute(insert(Response), rows)
        db.session.commit()
        round_id = survey_round.id
    publish(app, round_id=round_id)
    with app.app_context():
        factories.answers("brommaplan", round_id, 1, **answer)
        db.session.commit()
    second = publish(app, round_id=round_id)
    with app.app_context():
        held = db.session.get(Release, second).audit["held_back"]
    page = client.get(f"/uppfoljning/bromma?release={second}&lang=en").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    return held, text.split("How we count", 2)[2].split("Published figures", 1)[0]


def test_what_one_new_answer_said_is_not_told_by_how_many_figures_were_kept(app, client):
    """A victim's answer changes the n of "did you report it" too, a night never there leaves
    the night's n as it was: the number of figures kept would tell them apart."""
    victim = _kept_after_one_answer(app, client, victim="yes", reported="yes", safety_night="1")
    not_victim = _kept_after_one_answer(app, client, victim="no", safety_night="na")
    assert victim[0] > 0  # both releases kept figures
    assert not_victim[0] > 0
    assert victim[0] != not_victim[0]  # what the stored audit counts (never public)
    assert victim[1] == not_victim[1]  # what the page says
    assert "kept" in victim[1]  # and it says that figures were kept


def test_that_someone_of_a_new_group_answered_is_not_told_by_how_many_figures_were_checked(
    app, client
):
    """A gender or age group appears in the picture with its first answer, hidden while small
    and left out of the page: the number of figures the audit checked counted its figures."""
    base = ({"gender": "woman", "age_band": "25-44"}, {"gender": "man", "age_band": "25-44"})
    woman = _kept_after_one_answer(app, client, base, gender="woman", age_band="25-44")
    other = _kept_after_one_answer(app, client, base, gender="other", age_band="16-24")
    assert woman[1] == other[1]
    assert "a check went through every figure about the area" in woman[1]

"""The publish preview points at places shown for the first time on answers that came lately.

Made-up answers sent under the burst hold can lift a place with one real answer over the
threshold; the figures cannot tell, so the preview names such places for a look first.
Bromma: 30 answers at Brommaplan and 12 at Abrahamsberg, all 40 days old; Alvik 1 old answer
and 9 from today.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from survey.extensions import db
from tests.common import factories
from tests.common.releases import publish
from tests.common.web import local_today

PATH = "/organizer/areas/bromma/publish?lang=en"
HEADING = "Shown for the first time, with most answers from the last 7 days"


def _data(app) -> int:
    old = local_today() - dt.timedelta(days=40)
    with app.app_context():
        round_id = factories.default_round().id
        factories.answers("brommaplan", round_id, 15, submitted_on=old, safety_night="1")
        factories.answers("brommaplan", round_id, 15, submitted_on=old, safety_night="4")
        factories.answers("abrahamsberg", round_id, 12, submitted_on=old, safety_night="2")
        factories.answers("alvik", round_id, 1, submitted_on=old, safety_night="4")
        factories.answers("alvik", round_id, 9, submitted_on=local_today(), safety_night="1")
        db.session.commit()
    return round_id


def _listed(page: str) -> list[str]:
    if HEADING not in page:
        return []
    part = page.split(HEADING)[1].split("<h2")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in part.split("<li>")[1:]]


def test_a_place_lifted_over_the_threshold_lately_is_named(app, client, auth):
    _data(app)
    auth.login("organizer")
    page = html.unescape(client.get(PATH).get_data(as_text=True))
    # Brommaplan has twice the threshold and more; Abrahamsberg's answers are old.
    assert _listed(page) == ["Alvik: 10 answers, 9 of them in the last 7 days"]
    assert "Made-up answers look like real ones." in page


def test_a_place_shown_in_the_previous_release_is_not_named_again(app, client, auth):
    round_id = _data(app)
    publish(app, "bromma", round_id)
    with app.app_context():
        factories.answers("alvik", round_id, 1, submitted_on=local_today(), safety_night="1")
        db.session.commit()
    auth.login("organizer")
    page = html.unescape(client.get(PATH).get_data(as_text=True))
    assert "Alvik" in page
    assert _listed(page) == []


def test_the_preview_says_it_in_swedish(app, client, auth):
    _data(app)
    auth.login("organizer")
    page = html.unescape(client.get(PATH.replace("en", "sv")).get_data(as_text=True))
    assert "Alvik: 10 svar, 9 av dem de senaste 7 dagarna" in page


def test_a_group_lifted_over_the_threshold_lately_is_named_though_each_place_was_not(
    app, client, auth
):
    """Made-up answers of one gender spread over two places stay under each place's hold and
    lift the group: one real answer of the group, nine from today."""
    old = local_today() - dt.timedelta(days=40)
    with app.app_context():
        round_id = factories.default_round().id
        for gender, night in (("woman", "1"), ("man", "4")):
            factories.answers(
                "brommaplan", round_id, 15, submitted_on=old, safety_night=night, gender=gender
            )
        factories.answers(
            "abrahamsberg", round_id, 12, submitted_on=old, safety_night="2", gender="woman"
        )
        factories.answers(
            "brommaplan", round_id, 1, submitted_on=old, safety_night="4", gender="other"
        )
        for place, count, night in (("brommaplan", 4, "1"), ("abrahamsberg", 5, "2")):
            factories.answers(
                place,
                round_id,
                count,
                submitted_on=local_today(),
                safety_night=night,
                gender="other",
            )
        db.session.commit()
    auth.login("organizer")
    page = html.unescape(client.get(PATH).get_data(as_text=True))
    assert _listed(page) == ["Gender: Other: 10 answers, 9 of them in the last 7 days"]
    swedish = html.unescape(client.get(PATH.replace("en", "sv")).get_data(as_text=True))
    assert "Kön: Annat: 10 svar, 9 av dem de senaste 7 dagarna" in swedish
    publish(app, "bromma", round_id)
    # Shown in the round's last release: not named again.
    assert _listed(html.unescape(client.get(PATH).get_data(as_text=True))) == []


def test_a_first_release_on_few_answers_replaces_no_earlier_one(app, client, auth):
    with app.app_context():
        round_id = factories.default_round().id
        factories.answers("alvik", round_id, 1, submitted_on=local_today(), safety_night="4")
        db.session.commit()
    auth.login("organizer")
    first = html.unescape(client.get(PATH).get_data(as_text=True))
    assert "Only 1 answer from the area counts in this round so far, fewer than 10" in first
    assert "in place of the last release" not in first
    publish(app, "bromma", round_id)
    with app.app_context():
        factories.answers("alvik", round_id, 1, submitted_on=local_today(), safety_night="1")
        db.session.commit()
    again = html.unescape(client.get(PATH).get_data(as_text=True))
    assert "the public page shows it in place of the last release" in again


def test_the_start_page_says_nothing_waits_without_claiming_releases(client, auth):
    auth.login("organizer")
    page = html.unescape(client.get("/organizer/?lang=en").get_data(as_text=True))
    assert "Nothing waiting: no held answers, and no new answers or dialogues to publish." in page

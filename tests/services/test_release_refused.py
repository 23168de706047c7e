"""A release the disclosure audit cannot make safe is refused, never published silently.

Bromma's first release here is as a version of the audit that let a place's figure be worked
out would have stored it: the area's night (5 unsafe of 20) and Brommaplan's (5 of 10) shown,
Alvik's hidden, though it can only be 0 of 10. Alvik keeps its answers (its n, 10, shown
both times), so in the next release its night is still pinned, whatever that release hides:
the audit hides the night everywhere, still finds Alvik pinned, and the release is refused,
on the preview, on "Publicera" and in ``trygghet publish``, which exits with the message.
"""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest
from sqlalchemy import func, select, update

from survey import clock
from survey.extensions import db
from survey.models import Release, SurveyRound
from survey.services import releases
from tests.common.releases import publish
from tests.common.survey_data import add_responses, default_round_id
from tests.common.web import post_form

PATH = "/organizer/areas/bromma/publish"
REFUSED = "Publiceringen stoppas."
CELL = "places[alvik].times.night"
#: The same cell as organizers read it.
CELL_WORDS = "Alvik, Natt (22–06)"


def _night(answers: str) -> list[dict[str, str]]:
    return [{"safety_night": value} for value in answers]


@pytest.fixture
def leaky(app):
    with app.app_context():
        add_responses("brommaplan", _night("4444411111"))
        add_responses("alvik", _night("1111111111"))
    first = publish(app)
    with app.app_context():
        picture = db.session.get(Release, first).audited_picture
        alvik = next(place for place in picture["places"] if place["place"] == "alvik")
        alvik["times"]["night"] = {"n": 10, "suppressed": True}
        table = Release.__table__  # stored as that version left it (the model refuses updates)
        db.session.execute(
            update(table).where(table.c.id == first).values(audited=json.dumps(picture))
        )
        db.session.commit()
        add_responses("abrahamsberg", _night("44441"))


def _releases(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Release))


def test_the_service_refuses_what_the_audit_leaves_unresolved(app, leaky):
    with app.app_context():
        area = releases.find_area(db.session, "bromma")
        threshold = app.config["TRYGGHET_SUPPRESS_BELOW"]
        survey_round = releases.choose_round(db.session, area, None, clock.today(), threshold)
        prepared = releases.prepare(db.session, area, survey_round, threshold, clock.today())
        audit = prepared.audit_summary["audit"]
        assert audit["escalated"] == ["times.night"]
        assert prepared.unresolved == [CELL]
        db.session.rollback()
        with pytest.raises(releases.Unresolved) as refused:
            releases.publish(db.session, "bromma", None, threshold, clock.today())
        assert refused.value.cells == [CELL]
        db.session.rollback()
    assert _releases(app) == 1


def test_the_preview_says_so_and_publish_stores_nothing(app, client, auth, leaky):
    auth.login("organizer")
    page = html.unescape(client.get(f"{PATH}?lang=sv").get_data(as_text=True))
    assert REFUSED in page
    assert CELL_WORDS in page
    assert CELL not in page
    assert 'role="alert"' in page
    assert "Publicera</button>" not in page
    with app.app_context():
        version = releases.prepare(
            db.session,
            releases.find_area(db.session, "bromma"),
            None,
            app.config["TRYGGHET_SUPPRESS_BELOW"],
            clock.today(),
        ).version
        db.session.rollback()
    sent = post_form(client, f"{PATH}?lang=sv", {"version": version})
    assert sent.status_code == 302
    assert PATH in sent.headers["Location"]
    assert _releases(app) == 1
    english = html.unescape(client.get(f"{PATH}?lang=en").get_data(as_text=True))
    assert "Publishing is stopped." in english


def test_the_cli_exits_with_the_message(app, cli, leaky):
    refused = cli("publish", "--area", "bromma")
    assert refused.exit_code == 1
    assert REFUSED in refused.output
    assert CELL_WORDS in refused.output
    assert "Inget publiceras." in refused.output
    assert "published release" not in refused.output
    english = cli("publish", "--area", "bromma", "--lang", "en")
    assert english.exit_code == 1
    assert "Publishing is stopped." in english.output
    assert _releases(app) == 1


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("area_total.times.evening", "hela området, Kväll (18–22)"),
        ("places[alvik].problems.litter", "Alvik, Nedskräpning"),
        ("by_group.gender.woman.times.day", "kvinnor, Dagtid (06–15)"),
        (
            "by_group.age_band.16-24.times.night.(gained)",
            "16-24, Natt (22–06) (svaren som kommit till sedan dess)",
        ),
        ("places[alvik].police_priorities", "Alvik, Vad invånarna vill att polisen prioriterar"),
        ("area_total.victim", "hela området, Utsatta för brott här (senaste 12 månaderna)"),
        ("items[q7].places[alvik]", "items[q7].places[alvik]"),  # another shape: as written
    ],
)
def test_the_audits_cells_read_as_places_and_times(app, path, words):
    from flask_babel import force_locale

    from survey.services.release_refusals import cell_words

    with app.test_request_context(), force_locale("sv"):
        assert cell_words(path, {"alvik": "Alvik"}) == words


def test_a_closed_round_is_not_told_to_wait_for_more_answers(app, cli, leaky):
    # Only paper answers written while the round was open can still come in: "try again when
    # more answers have come in" would have the organizer wait for ever.
    with app.app_context():
        survey_round = db.session.get(SurveyRound, default_round_id())
        survey_round.opens_on = min(survey_round.opens_on, clock.today() - dt.timedelta(days=30))
        survey_round.closes_on = clock.today() - dt.timedelta(days=1)
        round_id = survey_round.id
        db.session.commit()
    refused = cli("publish", "--area", "bromma", "--round", str(round_id))
    assert refused.exit_code == 1
    assert CELL_WORDS in refused.output
    assert "Omgången är stängd: bara pappersenkäter" in refused.output
    assert "Försök igen när fler svar" not in refused.output
    english = cli("publish", "--area", "bromma", "--round", str(round_id), "--lang", "en")
    assert "The round is closed: only paper questionnaires" in english.output
    assert _releases(app) == 1

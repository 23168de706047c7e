"""Keying in paper questionnaires: stored as source paper with their date and round."""

import datetime as dt
import html
import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, ImportBatch, Place, SurveyRound
from tests.common.web import count_responses, local_today, post_form, stored_responses

PATH = "/organizer/paper"
TODAY = local_today()


@pytest.fixture
def organizer(client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    return client


@pytest.fixture
def default_round(app):
    with app.app_context():
        return db.session.scalar(select(SurveyRound.id))


@pytest.fixture
def old_round(app):
    """A closed round of 2024 for every area."""
    with app.app_context():
        default = db.session.scalar(select(SurveyRound))
        old = SurveyRound(
            name="Våren 2024",
            opens_on=dt.date(2024, 3, 1),
            closes_on=dt.date(2024, 5, 31),
            areas=list(default.areas),
        )
        db.session.add(old)
        db.session.commit()
        return old.id


def _paper(place="brommaplan", written_on=None, survey_round="", **answers):
    written_on = written_on if written_on is not None else TODAY.isoformat()
    return {"place": place, "written_on": written_on, "survey_round": survey_round, **answers}


def test_the_page_is_in_the_menu_and_keyboard_ready(app, organizer):
    with app.app_context():
        db.session.scalar(select(Place).where(Place.slug == "nockeby")).retired = True
        db.session.commit()
    page = organizer.get(PATH, follow_redirects=True).get_data(as_text=True)
    assert f'<a href="{PATH}" aria-current="page">Paper answers</a>' in page
    assert '<select autofocus id="place" name="place">' in page
    assert '<optgroup label="Bromma">' in page
    assert '<option value="brommaplan">Brommaplan</option>' in page
    assert 'value="nockeby"' not in page  # retired places take no new answers
    assert 'type="date"' in page
    assert "The round open on that date" in page
    # Every questionnaire item, none of them required: only place and date are.
    assert 'name="safety_night"' in page
    assert 'name="comment"' in page
    assert page.count('class="required"') == 2
    # The instructions say so too: the page once said that nothing was required.
    swedish = organizer.get(PATH + "?lang=sv", follow_redirects=True).get_data(as_text=True)
    assert "Plats, datum och minst ett svar behövs; ingen fråga är obligatorisk" in swedish
    assert "Inget är obligatoriskt" not in swedish
    # The page adds no script of its own (the layout's optional enhancement aside).
    assert "<script" not in page.split("</head>", 1)[1]


def test_a_paper_form_is_stored_with_its_date_and_round(app, organizer, old_round):
    data = _paper(
        written_on="2024-04-02",
        survey_round=str(old_round),
        relation="visit",
        safety_evening="4",
        police_priority=["drugs", "presence"],
        comment="Skrivet på papper.",
    )
    response = post_form(organizer, PATH, data)
    assert response.status_code == 303
    [stored] = stored_responses(app)
    # The next blank form: the choices carried over, and a new name for the form.
    assert re.fullmatch(
        re.escape(PATH)
        + r"\?sheet=[\w-]{16}"
        + re.escape(f"&place=brommaplan&date=2024-04-02&round={old_round}")
        + re.escape(f"&batch={stored.import_batch_id}"),
        response.headers["Location"],
    )
    assert stored.source == "paper"
    assert stored.submitted_on == dt.date(2024, 4, 2)
    assert stored.round_id == old_round
    assert stored.place.slug == "brommaplan"
    assert stored.questionnaire_version == 1
    assert stored.relation == "visit"
    assert stored.safety_evening == "4"
    assert stored.safety_day is None  # nothing is required on paper
    assert stored.police_priority == "presence;drugs"
    assert stored.comment == "Skrivet på papper."
    assert stored.key_number == 1  # the first form of a new batch
    with app.app_context():
        batch = db.session.get(ImportBatch, stored.import_batch_id)
        assert (batch.kind, batch.imported_by) == ("paper", "organizer@trygghet.test")
        assert batch.checksum.startswith("paper:")  # unique, and never a file's SHA-256
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action != "user.create"))
    assert event.action == "response.create_paper"
    assert event.actor == "organizer@trygghet.test"
    assert event.target_id == stored.id
    assert event.details == {
        "place": "brommaplan",
        "date": "2024-04-02",
        "batch": batch.id,
        "number": 1,
    }


def test_the_next_form_keeps_place_date_and_round(organizer, old_round):
    response = post_form(
        organizer,
        PATH,
        _paper("alvik", "2024-04-03", str(old_round), worry="2"),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saved paper form" in page
    assert '<option selected value="alvik">Alvik</option>' in page
    assert 'value="2024-04-03"' in page
    assert f'<option selected value="{old_round}">' in page
    assert 'name="worry" type="radio" value="2"' in page
    assert "checked" not in page  # the answers themselves start blank


def test_without_a_round_the_round_open_on_that_date_is_used(app, organizer, default_round):
    assert post_form(organizer, PATH, _paper(relation="live")).status_code == 303
    # The default round opened today: an older paper form belongs to no round, on purpose.
    older = _paper(written_on="2020-06-01", survey_round="none", relation="work")
    assert post_form(organizer, PATH, older).status_code == 303
    first, second = stored_responses(app)
    assert first.round_id == default_round
    assert second.round_id is None
    assert second.submitted_on == dt.date(2020, 6, 1)


def test_a_form_dated_before_any_open_round_asks_for_a_choice(app, organizer, default_round):
    response = post_form(organizer, PATH, _paper(written_on="2020-06-01", relation="work"))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "No survey round was open on that date for the place's area" in page
    assert "save without a round" in page
    assert 'aria-invalid="true"' in page.split('name="survey_round"')[0].rsplit("<select", 1)[1]
    assert count_responses(app) == 0


def test_no_round_is_refused_when_a_round_was_open(app, organizer, default_round):
    response = post_form(organizer, PATH, _paper(survey_round="none", relation="live"))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "was open on that date for the place's area: choose it" in page
    assert count_responses(app) == 0


def test_the_skip_rule_applies(app, organizer):
    post_form(organizer, PATH, _paper(victim="no", reported="yes"))
    [stored] = stored_responses(app)
    assert stored.victim == "no"
    assert stored.reported is None


def test_a_blank_paper_form_is_refused(app, organizer):
    response = post_form(organizer, PATH, _paper(comment="   "))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Fill in at least one answer from the paper form." in page
    assert count_responses(app) == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_paper(written_on=""), "written_on", "Fill in this field."),
        (_paper(written_on="2024-13-01"), "written_on", "Enter a date as YYYY-MM-DD"),
        (
            _paper(written_on=(TODAY + dt.timedelta(days=7)).isoformat()),
            "written_on",
            "The date cannot be in the future.",
        ),
        (_paper(place=""), "place", "Fill in this field."),
        (_paper(place="atlantis"), "place", "Choose one of the places in the list."),
        (_paper(place="nockeby"), "place", "Choose one of the places in the list."),
        (_paper(survey_round="999999"), "survey_round", "Choose one of the rounds in the list."),
        (_paper(relation="neighbour"), "relation", "Choose one of the options shown."),
        (
            _paper(police_priority=["presence", "drugs", "youth", "traffic"]),
            "police_priority",
            "Did the resident tick more than 3?",
        ),
        (_paper(police_priority=["presence", "bribes"]), "police_priority", "Choose one of"),
        (_paper(comment="x" * 1001), "comment", "Write at most 1000 characters."),
        (_paper(comment="a\x00b"), "comment", "The text contains characters that cannot be saved."),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(app, organizer, data, field, message):
    with app.app_context():
        db.session.scalar(select(Place).where(Place.slug == "nockeby")).retired = True
        db.session.commit()
    response = post_form(organizer, PATH, data | {"relation": data.get("relation", "live")})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert message in page
    assert f'href="#{field}' in page  # the error summary links to the field
    assert count_responses(app) == 0
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "response.create_paper" not in actions


def test_a_bad_carried_over_date_is_ignored(organizer):
    page = organizer.get(f"{PATH}?place=alvik&date=yesterday&round=x", follow_redirects=True)
    page = page.get_data(as_text=True)
    assert '<option selected value="alvik">Alvik</option>' in page
    assert 'name="written_on" type="date" value=""' in page


def test_a_round_must_be_open_for_the_area_on_the_date(app, organizer, old_round):
    # The 2024 round, chosen for a form dated today: refused, nothing stored.
    response = post_form(
        organizer, "/organizer/paper", _paper(survey_round=str(old_round), relation="live")
    )
    assert response.status_code == 422
    assert "This round was not open for the place" in html.unescape(response.get_data(as_text=True))
    assert count_responses(app) == 0
    response = post_form(
        organizer,
        "/organizer/paper",
        _paper(survey_round=str(old_round), written_on="2024-04-02", relation="live"),
    )
    assert response.status_code == 303
    [stored] = stored_responses(app)
    assert stored.round_id == old_round


def test_the_same_page_sent_again_after_going_back_is_not_saved_twice(app, organizer):
    # Save, Back, Save: the browser sends the same blank form's page again. It was stored a
    # second time, as form 1 of a new batch, and counted twice.
    page = organizer.get(PATH, follow_redirects=True).get_data(as_text=True)
    sheet = re.findall(r'name="sheet" type="hidden" value="([^"]+)"', page)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "batch": "", "sheet": sheet, **_paper(worry="3")}
    assert organizer.post(PATH, data=data).status_code == 303
    again = organizer.post(PATH, data=data, follow_redirects=True)
    assert count_responses(app) == 1
    assert "It was not saved again." in again.get_data(as_text=True)
    # The next blank form is a new one, and saves.
    fresh = re.findall(r'name="sheet" type="hidden" value="([^"]+)"', again.get_data(as_text=True))
    assert len(sheet) == len(fresh) == 1
    assert fresh != sheet
    assert post_form(organizer, PATH, _paper(worry="2")).status_code == 303
    assert count_responses(app) == 2

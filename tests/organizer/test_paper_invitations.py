"""Paper answers in a round by invitation: keyed in with the resident's code, once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import InvitationCode
from survey.services.invitations import format_code
from tests.common.invitations import invitation_round
from tests.common.web import count_responses, local_today, post_form, stored_responses

PATH = "/organizer/paper"


@pytest.fixture
def organizer(client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    return client


def _paper(code="", place="brommaplan", **answers):
    return {
        "place": place,
        "written_on": local_today().isoformat(),
        "survey_round": "",
        "invitation_code": code,
        "safety_evening": "3",
        **answers,
    }


def _used(app) -> list[bool]:
    with app.app_context():
        query = select(InvitationCode.used).order_by(InvitationCode.number)
        return list(db.session.scalars(query))


def test_a_code_is_marked_used_with_the_paper_answer(app, organizer):
    round_id, codes = invitation_round(app, count=2)
    response = post_form(organizer, PATH, _paper(format_code(codes[1]).lower()))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    [stored] = stored_responses(app)
    assert (stored.source, stored.round_id) == ("paper", round_id)
    assert _used(app) == [False, True]
    # The same code again: refused on the code field, nothing stored.
    again = post_form(organizer, PATH, _paper(codes[1]))
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "This code has already been used: each code answers once." in page
    assert 'href="#invitation_code"' in page  # the error summary points at the field
    assert count_responses(app) == 1


def test_a_code_used_on_the_web_is_refused_on_paper(app, organizer):
    _round_id, codes = invitation_round(app, count=1)
    with app.app_context():
        db.session.scalars(select(InvitationCode)).one().used = True
        db.session.commit()
    response = post_form(organizer, PATH, _paper(codes[0]))
    assert response.status_code == 422
    assert "already been used" in response.get_data(as_text=True)
    assert count_responses(app) == 0


@pytest.mark.parametrize(
    ("code", "place", "message"),
    [
        ("", "brommaplan", "This round is by invitation: type the code the resident wrote."),
        ("ABC", "brommaplan", "A code has 10 letters and digits"),
        ("ABCDE-FGHJK", "brommaplan", "No letter of this round has this code."),
        (None, "vallingby-centrum", "This code is from a letter to another area"),
    ],
)
def test_a_code_that_does_not_fit_is_refused_per_field(app, organizer, code, place, message):
    _round_id, codes = invitation_round(app, count=1)
    response = post_form(organizer, PATH, _paper(codes[0] if code is None else code, place))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_responses(app) == 0
    assert _used(app) == [False]


def test_a_code_in_a_round_not_by_invitation_is_refused(app, organizer):
    response = post_form(organizer, PATH, _paper("ABCDE-FGHJK"))
    assert response.status_code == 422
    assert "This round is not by invitation: leave the code empty." in response.get_data(
        as_text=True
    )
    assert count_responses(app) == 0


def test_a_correction_cannot_move_an_answer_into_an_invitation_round(app, organizer):
    # Keyed in without a round, from a day no round was open.
    round_id, _codes = invitation_round(app, count=1)
    response = post_form(
        organizer, PATH, {**_paper(), "written_on": "2020-01-01", "survey_round": "none"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    [answer] = stored_responses(app)
    assert answer.round_id is None
    path = f"/organizer/paper/answers/{answer.id}/edit"
    moved = post_form(
        organizer,
        path,
        {
            "place": "brommaplan",
            "written_on": local_today().isoformat(),
            "survey_round": str(round_id),
            "safety_evening": "3",
        },
    )
    assert moved.status_code == 422
    assert "an answer joins it only with its code" in moved.get_data(as_text=True)
    [kept] = stored_responses(app)
    assert kept.round_id is None

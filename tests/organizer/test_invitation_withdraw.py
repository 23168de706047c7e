"""Withdrawing letters that were never mailed: their codes stop working and they leave the
letters sent, so the response rate counts only letters that went out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, InvitationCode
from survey.services.invitations import find_code, normalize_code
from tests.common.apps import SECRET_KEY
from tests.common.invitations import invitation_round
from tests.common.web import post_form


def _page(round_id: int) -> str:
    return f"/organizer/rounds/{round_id}/invitations"


def _withdraw(client, round_id: int, first: str, last: str, area: str = "bromma"):
    data = {"area": area, "first": first, "last": last}
    return post_form(client, f"{_page(round_id)}/withdraw", data, token_from=_page(round_id))


def _numbers(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(InvitationCode.number).order_by("number")))


def _use(app, number: int) -> None:
    with app.app_context():
        code = db.session.scalars(select(InvitationCode).where(InvitationCode.number == number))
        code.one().used = True
        db.session.commit()


def test_a_batch_never_mailed_is_withdrawn(app, client, auth):
    """A second batch made by a second click (letters 4-6): withdrawn, the letters sent go
    back to 3, its codes no longer open the survey, and the next batch starts at 4."""
    round_id, codes = invitation_round(app, count=6)
    _use(app, 2)
    auth.login("admin")
    client.get("/?lang=en")
    page = client.get(_page(round_id)).get_data(as_text=True)
    assert '<td class="nowrap">1–6</td>' in page
    response = _withdraw(client, round_id, "4", "6")
    assert response.status_code == 303
    page = client.get(_page(round_id)).get_data(as_text=True)
    assert "3 letters withdrawn in Bromma (numbers 4–6)" in page
    assert '<td class="nowrap">1–3</td>' in page
    assert _numbers(app) == [1, 2, 3]
    with app.app_context():
        assert find_code(db.session, SECRET_KEY, normalize_code(codes[4])) is None
        assert find_code(db.session, SECRET_KEY, normalize_code(codes[0])) is not None
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invitations.withdraw")
        )
        assert event.details == {
            "area": "bromma",
            "letters": 3,
            "first_letter": 4,
            "last_letter": 6,
        }
    # The next batch goes on after the withdrawn numbers: a number is never on two letters.
    invitation_round(app, count=2)
    assert _numbers(app) == [1, 2, 3, 7, 8]


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2", "6", "Letter 2 has been answered, so it was mailed"),
        # From the end only: unanswered letters picked anywhere would push the rate up.
        ("4", "5", "Only the newest letters can be withdrawn: end the range at letter 6"),
        ("0", "6", "Enter a number from 1 to"),
        ("4", "99999999999999999999", "Enter a number from 1 to"),
        ("5", "4", "The first letter number cannot be after the last."),
        ("50", "60", "There are no letters 50–60 in Bromma."),
        ("x", "3", "Enter a whole number"),
        ("", "3", "Fill in this field."),
    ],
)
def test_a_letter_answered_or_a_wrong_range_withdraws_nothing(
    app, client, auth, first, last, message
):
    round_id, _codes = invitation_round(app, count=6)
    _use(app, 2)
    auth.login("admin")
    client.get("/?lang=en")
    response = _withdraw(client, round_id, first, last)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _numbers(app) == [1, 2, 3, 4, 5, 6]
    with app.app_context():
        assert not db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invitations.withdraw")
        ).all()


def test_an_organizer_cannot_withdraw(app, client, auth):
    round_id, _codes = invitation_round(app, count=3)
    auth.login("organizer")
    client.get("/?lang=en")
    assert "Withdraw letters" not in client.get(_page(round_id)).get_data(as_text=True)
    assert _withdraw(client, round_id, "1", "3").status_code == 403
    assert _numbers(app) == [1, 2, 3]

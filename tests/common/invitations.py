"""Invitation rounds in tests: the default round made "by invitation", codes made for it."""

from __future__ import annotations

from survey.extensions import db
from survey.services.invitations import create_codes
from tests.common import factories
from tests.common.apps import SECRET_KEY


def invitation_round(app, area: str = "bromma", count: int = 3) -> tuple[int, list[str]]:
    """Make the default (open) round by invitation and ``count`` codes for ``area``."""
    with app.app_context():
        survey_round = factories.default_round()
        survey_round.by_invitation = True
        letters = create_codes(
            db.session, SECRET_KEY, survey_round, factories.find_area(area), count
        )
        db.session.commit()
        return survey_round.id, [letter.code for letter in letters]

"""A blank paper key-in form is saved once: sent again after Back, or twice at once."""

import datetime as dt
import threading
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.extensions import db
from survey.models import PaperSheet
from survey.services.paper import SHEET_DAYS, claim_sheet, new_sheet, usable_sheet

TODAY = dt.date(2026, 12, 1)


def test_a_double_click_saves_the_form_once(app):
    # Two requests with the same page in flight: the second claims the name while the first
    # has claimed it and not yet committed. It must wait for that commit and then be refused;
    # a check before the write (the session, or a read) would let both through.
    name = new_sheet()
    outcome = []

    def twin() -> None:
        with app.app_context(), Session(db.engine) as other:
            outcome.append(claim_sheet(other, name, TODAY))
            other.commit()

    with app.app_context(), Session(db.engine) as first:
        assert claim_sheet(first, name, TODAY)
        waiting = threading.Thread(target=twin)
        waiting.start()
        time.sleep(0.5)
        assert outcome == []  # still waiting for the first's commit
        first.commit()
    waiting.join(10)
    assert outcome == [False]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PaperSheet)) == 1


def test_old_names_go_and_their_pages_save_anew(app):
    old, recent = new_sheet(), new_sheet()
    with app.app_context():
        assert claim_sheet(db.session, old, TODAY - dt.timedelta(days=SHEET_DAYS + 1))
        assert claim_sheet(db.session, recent, TODAY - dt.timedelta(days=SHEET_DAYS))
        db.session.commit()
        assert claim_sheet(db.session, new_sheet(), TODAY)
        db.session.commit()
        kept = set(db.session.scalars(select(PaperSheet.name)))
        assert old not in kept
        assert recent in kept
        assert claim_sheet(db.session, old, TODAY)
        assert not claim_sheet(db.session, recent, TODAY)


def test_a_posted_name_that_is_not_ours_is_replaced():
    name = new_sheet()
    assert usable_sheet(name) == name
    for posted in (None, "", "short", "x" * 44, "a b" * 8, "<script>alert(1)</script>xx"):
        replaced = usable_sheet(posted)
        assert replaced != posted
        assert usable_sheet(replaced) == replaced

"""Undoing a batch keeps everything built on the answers consistent; paper corrections audited."""

import datetime as dt

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, ImportBatch, Release, Response
from survey.reports.pictures import data_version
from survey.services.batches import list_batches, undo_batch
from survey.services.paper import (
    correct_paper_answer,
    delete_paper_answer,
    paper_answer,
    paper_batch,
    record_paper_answer,
)
from survey.services.responses import live_questionnaire
from tests.common import factories
from tests.common.releases import publish

DAY = dt.date(2025, 10, 1)


def _key_in(count, keyed_by="organizer@trygghet.test", **answers):
    questionnaire = live_questionnaire(db.session)
    batch = paper_batch(db.session, None, keyed_by)
    place = factories.find_place("brommaplan")
    made = [
        record_paper_answer(
            db.session, batch, place, questionnaire, answers or {"safety_evening": "4"}, DAY
        )
        for _ in range(count)
    ]
    return batch, made


def test_undo_changes_the_data_version_and_leaves_releases_and_held_answers(app):
    with app.app_context():
        round_id = factories.default_round().id
        factories.answers("brommaplan", round_id, 10, safety_evening="2")
        factories.answers("brommaplan", round_id, 3, safety_evening="1", held=True)
        batch, _made = _key_in(12)
        db.session.commit()
        batch_id = batch.id
    release = publish(app)
    with app.app_context():
        before = data_version(db.session.connection())
        payload = db.session.get(Release, release).payload
        summary = undo_batch(db.session, batch_id)
        db.session.commit()
        assert summary is not None
        assert summary.answers == 12
        assert data_version(db.session.connection()) != before
        assert db.session.get(Release, release).payload == payload  # a snapshot stays
        remaining = db.session.execute(
            select(Response.held, func.count()).group_by(Response.held).order_by(Response.held)
        ).all()
        assert remaining == [(False, 10), (True, 3)]
        assert undo_batch(db.session, batch_id) is None  # already undone
        assert list_batches(db.session) == []
        # Keying in goes on in a new batch, with an id of its own.
        again = paper_batch(db.session, batch_id, "organizer@trygghet.test")
        assert again.id > batch_id


def test_paper_numbers_run_per_batch_and_per_person(app):
    with app.app_context():
        first, made = _key_in(3)
        assert [r.key_number for r in made] == [1, 2, 3]
        assert paper_batch(db.session, first.id, "organizer@trygghet.test") is first
        other = paper_batch(db.session, first.id, "admin@trygghet.test")
        assert other.id != first.id
        assert other.kind == "paper"
        [listed_other, listed_first] = list_batches(db.session)
        assert (listed_first.id, listed_first.answers) == (first.id, 3)
        assert (listed_other.id, listed_other.answers) == (other.id, 0)


def test_a_correction_keeps_what_it_is_told_to_and_names_only_what_changed(app):
    with app.app_context():
        _batch, [answer] = _key_in(1, safety_evening="4", comment="Kvar")
        questionnaire = live_questionnaire(db.session)
        changed = correct_paper_answer(
            db.session,
            answer,
            factories.find_place("brommaplan"),
            questionnaire,
            {"safety_evening": "3"},
            DAY,
            None,
            kept=["comment"],
        )
        assert changed == ["safety_evening"]
        assert (answer.safety_evening, answer.comment) == ("3", "Kvar")
        assert (
            correct_paper_answer(
                db.session,
                answer,
                answer.place,
                questionnaire,
                {"safety_evening": "3", "comment": "Kvar"},
                DAY,
                answer.round_id,
            )
            == []
        )
        events = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("response.%"))
            .order_by(AuditEvent.id)
        ).all()
        assert events == ["response.create_paper", "response.correct_paper"]


def test_only_paper_answers_are_found_for_correction_or_deletion(app):
    with app.app_context():
        web = factories.answer("brommaplan")
        _batch, [paper] = _key_in(1)
        assert paper_answer(db.session, web.id) is None
        assert paper_answer(db.session, paper.id) is paper
        delete_paper_answer(db.session, paper)
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        # The batch stays (its next number is not reused) until it is undone.
        assert db.session.scalar(select(ImportBatch.rows)) == 1

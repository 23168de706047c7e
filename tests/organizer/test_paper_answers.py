"""Paper answers found again by batch, place, date and number; corrected or deleted, audited."""

import datetime as dt
import html

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, CommentTag, ImportBatch
from tests.common import factories
from tests.common.web import count_responses, post_form, stored_responses

PAPER = "/organizer/paper"
LIST = "/organizer/paper/answers"


@pytest.fixture
def organizer(client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    return client


@pytest.fixture
def admin(client, auth):
    client.get("/?lang=en")
    auth.login("admin")
    return client


def key_in(client, batch="", place="brommaplan", written_on="2025-10-01", **answers):
    # No round was open in 2025: saved without one, as the organizer must then choose.
    data = {"place": place, "written_on": written_on, "survey_round": "none", "batch": batch}
    response = post_form(client, PAPER, data | (answers or {"relation": "live"}))
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return response


def key_in_batch(client, count, **answers):
    """Key in ``count`` forms in one sitting, following the redirect's batch as a browser does."""
    batch = ""
    for _ in range(count):
        location = key_in(client, batch, **answers).headers["Location"]
        batch = location.rsplit("batch=", 1)[1]
    return int(batch)


def actions(app):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_forms_keyed_in_one_sitting_are_numbered_in_their_batch(app, organizer):
    first = key_in(organizer)
    batch = first.headers["Location"].rsplit("batch=", 1)[1]
    page = organizer.get(first.headers["Location"]).get_data(as_text=True)
    assert f"Saved paper form number 1 of batch {batch} (Brommaplan)" in page
    assert f'name="batch" type="hidden" value="{batch}"' in page
    second = key_in(organizer, batch, place="alvik")
    page = html.unescape(organizer.get(second.headers["Location"]).get_data(as_text=True))
    assert f"Saved paper form number 2 of batch {batch} (Alvik): write 2 on the paper form" in page
    assert [(r.import_batch_id, r.key_number) for r in stored_responses(app)] == [
        (int(batch), 1),
        (int(batch), 2),
    ]
    # Without the batch (a new sitting) the numbers start again in a new batch.
    key_in(organizer)
    assert stored_responses(app)[-1].key_number == 1
    assert stored_responses(app)[-1].import_batch_id != int(batch)


def test_someone_elses_batch_is_not_continued(app, client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    batch = key_in_batch(client, 1)
    auth.logout()
    auth.login("admin")
    key_in(client, str(batch))
    key_in(client, "not-a-number")
    first, second, third = stored_responses(app)
    assert second.import_batch_id not in (None, batch)
    assert second.key_number == 1
    assert third.import_batch_id != batch


def test_paper_answers_are_found_by_batch_place_date_and_number(app, organizer):
    batch = key_in_batch(organizer, 3, relation="visit", comment="Hemligt namn")
    key_in(organizer, place="alvik", written_on="2025-09-15", comment="Annat")
    with app.app_context():
        factories.answer("brommaplan", comment="Webbsvar")  # a web answer: never listed
        db.session.commit()
    page = organizer.get(f"{LIST}?batch={batch}&place=brommaplan&number=2").get_data(as_text=True)
    assert page.count("<tr>") == 2  # the header and one answer
    assert "<td>2</td>" in page
    assert "<td>2025-10-01</td>" in page
    assert "Brommaplan" in page
    # The list shows where and when, never what was answered.
    everything = organizer.get(LIST).get_data(as_text=True)
    assert everything.count("<tr>") == 5
    for text in ("Hemligt namn", "Annat", "Webbsvar", "visit"):
        assert text not in everything
    by_date = organizer.get(f"{LIST}?written_on=2025-09-15").get_data(as_text=True)
    assert by_date.count("<tr>") == 2
    assert "Alvik" in by_date
    assert organizer.get(f"{LIST}?batch=999999").get_data(as_text=True).count("<tr>") == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("batch=abc", "Enter a whole number"),
        ("number=0", "Enter a number from 1 to"),
        ("written_on=2025-13-01", "Enter a date as YYYY-MM-DD"),
        ("place=atlantis", "Choose one of the places in the list."),
    ],
)
def test_a_bad_search_gets_a_message(organizer, query, message):
    response = organizer.get(f"{LIST}?{query}")
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))


def test_an_organizer_corrects_a_paper_answer_and_its_comment_stays(app, organizer):
    key_in_batch(organizer, 1, relation="visit", safety_evening="4", comment="Hemligt namn")
    [answer] = stored_responses(app)
    path = f"{LIST}/{answer.id}/edit"
    page = organizer.get(path).get_data(as_text=True)
    assert 'name="comment"' not in page  # only admins read comments
    assert "Hemligt namn" not in page
    assert "Number 1 of batch" in page
    assert 'name="relation" type="radio" value="visit"' in page  # the stored answers, to correct
    response = post_form(
        organizer,
        path,
        {"place": "alvik", "written_on": "2025-10-02", "survey_round": "none", "relation": "live"},
    )
    assert response.status_code == 303
    [corrected] = stored_responses(app)
    assert (corrected.place.slug, corrected.submitted_on) == ("alvik", dt.date(2025, 10, 2))
    assert (corrected.relation, corrected.safety_evening) == ("live", None)
    assert corrected.comment == "Hemligt namn"
    assert (corrected.import_batch_id, corrected.key_number) == (answer.import_batch_id, 1)
    event = actions(app)[-1]
    assert (event.action, event.actor, event.target_id) == (
        "response.correct_paper",
        "organizer@trygghet.test",
        answer.id,
    )
    assert sorted(event.details["changed"]) == [
        "place_id",
        "relation",
        "safety_evening",
        "submitted_on",
    ]
    assert "Hemligt" not in str(event.details)
    assert "live" not in str(event.details)


def test_an_admin_corrects_a_comment(app, admin):
    key_in_batch(admin, 1, relation="visit", comment="Stavfel")
    [answer] = stored_responses(app)
    path = f"{LIST}/{answer.id}/edit"
    assert "Stavfel" in admin.get(path).get_data(as_text=True)
    data = {"place": "brommaplan", "written_on": "2025-10-01", "survey_round": "none"}
    response = post_form(admin, path, data | {"relation": "visit", "comment": "Rättat"})
    assert response.status_code == 303
    assert stored_responses(app)[0].comment == "Rättat"
    assert actions(app)[-1].details["changed"] == ["comment"]


def test_a_bad_correction_changes_nothing(app, organizer):
    key_in_batch(organizer, 1, relation="visit")
    [answer] = stored_responses(app)
    data = {"place": "brommaplan", "written_on": "2025-10-01", "survey_round": "none"}
    response = post_form(organizer, f"{LIST}/{answer.id}/edit", data | {"relation": "granne"})
    assert response.status_code == 422
    assert stored_responses(app)[0].relation == "visit"
    assert actions(app)[-1].action == "response.create_paper"


def test_web_and_imported_answers_cannot_be_corrected_or_deleted_here(app, admin):
    with app.app_context():
        web = factories.answer("brommaplan").id
        imported = factories.answer("alvik", source="import").id
        db.session.commit()
    for answer in (web, imported, 999999):
        assert admin.get(f"{LIST}/{answer}/edit").status_code == 404
        assert admin.get(f"{LIST}/{answer}/delete").status_code == 404
    assert count_responses(app) == 2


def test_a_paper_answer_is_deleted_with_its_tags_after_confirmation(app, organizer):
    key_in_batch(organizer, 2)
    first, second = stored_responses(app)
    with app.app_context():
        db.session.add(CommentTag(response_id=second.id, tag="belysning"))
        db.session.commit()
    path = f"{LIST}/{second.id}/delete"
    page = organizer.get(path).get_data(as_text=True)
    assert "Delete this paper answer?" in page
    assert "Number 2 of batch" in page
    assert count_responses(app) == 2  # asking deletes nothing
    response = post_form(organizer, path, {})
    assert response.status_code == 303
    assert [r.id for r in stored_responses(app)] == [first.id]
    with app.app_context():
        assert db.session.scalars(select(CommentTag)).all() == []
    event = actions(app)[-1]
    assert (event.action, event.target_id) == ("response.delete_paper", second.id)
    assert event.details == {
        "place": "brommaplan",
        "date": "2025-10-01",
        "batch": second.import_batch_id,
        "number": 2,
    }
    # The next form of the sitting gets a new number: 2 is not given twice.
    key_in(organizer, str(second.import_batch_id))
    assert stored_responses(app)[-1].key_number == 3


def test_batches_are_listed_and_only_admins_undo_them(app, client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    batch = key_in_batch(client, 2)
    page = client.get("/organizer/paper/batches").get_data(as_text=True)
    assert f"<td>{batch}</td>" in page
    assert "Paper forms" in page
    assert "/undo" not in page
    undo = f"/organizer/paper/batches/{batch}/undo"
    assert client.get(undo).status_code == 403
    auth.logout()
    auth.login("admin")
    assert client.get("/organizer/paper/batches/999999/undo").status_code == 404
    page = client.get(undo).get_data(as_text=True)
    assert f"Undo batch {batch}?" in page
    assert "organizer@trygghet.test" in page
    with app.app_context():
        factories.answer("alvik")  # another answer, which stays
        db.session.commit()
    response = post_form(client, undo, {})
    assert response.status_code == 303
    assert [r.source for r in stored_responses(app)] == ["web"]
    with app.app_context():
        assert db.session.get_one(ImportBatch, batch).undone  # kept: its id is never reused
    event = actions(app)[-1]
    assert (event.action, event.actor) == ("responses.undo_import", "admin@trygghet.test")
    assert (event.details["kind"], event.details["deleted"]) == ("paper", 2)
    assert f"Batch {batch} is undone. Answers deleted: 2." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert f"/paper/batches/{batch}/undo" not in client.get("/organizer/paper/batches").get_data(
        as_text=True
    )


def test_an_imported_file_is_undone_and_can_be_imported_again(app, client, auth, cli, tmp_path):
    path = tmp_path / "paper-batch.csv"
    path.write_text(
        "submitted_on,place,relation\n2025-03-01,alvik,live\n2025-03-02,alvik,work\n",
        encoding="utf-8",
    )
    assert cli("import", "responses", str(path)).exit_code == 0
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch))
        batch_id, checksum = batch.id, batch.checksum
    client.get("/?lang=en")
    auth.login("admin")
    page = client.get(f"/organizer/paper/batches/{batch_id}/undo").get_data(as_text=True)
    assert "paper-batch.csv" in page
    # The whole checksum, in pieces that may wrap on a phone.
    assert "<wbr>".join(checksum[n : n + 8] for n in range(0, 64, 8)) in page
    assert "<dd>2</dd>" in page
    assert post_form(client, f"/organizer/paper/batches/{batch_id}/undo", {}).status_code == 303
    assert count_responses(app) == 0
    assert cli("import", "responses", str(path)).exit_code == 0
    assert count_responses(app) == 2
    assert [e.action for e in actions(app) if e.action.startswith("responses.")] == [
        "responses.import",
        "responses.undo_import",
        "responses.import",
    ]

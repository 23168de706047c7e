"""Admin: a draft that was never live and has no answers can be deleted, and such a draft
does not fix what its codes mean for the next upload."""

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, QuestionnaireVersion
from tests.common import factories
from tests.common.web import post_form
from tests.questionnaire.test_keys import SOURCE

#: SOURCE's new item "seen" as a number: another meaning of the same code.
RETYPED = SOURCE.replace(
    "        type: multi\n        max_choices: 2\n", "        type: number\n        max: 9\n"
).split("        options:\n          - {value: a")[0]


def _versions(app):
    with app.app_context():
        return {v.version: v.status for v in db.session.scalars(select(QuestionnaireVersion))}


def _paste(client, text: str):
    return post_form(client, "/organizer/questionnaires", {"definition": text})


def test_a_draft_is_deleted_after_confirmation_and_its_number_is_free(app, client, auth):
    auth.login("admin")
    client.get("/?lang=sv")
    assert _paste(client, SOURCE).status_code == 303
    page = client.get("/organizer/questionnaires").get_data(as_text=True)
    assert "/organizer/questionnaires/2/delete" in page
    asked = client.get("/organizer/questionnaires/2/delete").get_data(as_text=True)
    assert "Radera utkastet till version 2?" in asked
    assert _versions(app) == {1: "live", 2: "draft"}
    # Without its CSRF token nothing happens.
    assert client.post("/organizer/questionnaires/2/delete").status_code in (200, 400)
    assert _versions(app) == {1: "live", 2: "draft"}
    response = post_form(client, "/organizer/questionnaires/2/delete", {})
    assert response.status_code == 303
    assert _versions(app) == {1: "live"}
    page = client.get("/organizer/questionnaires").get_data(as_text=True)
    assert "Utkastet till version 2 är raderat." in page
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.details) == ("questionnaire.delete", {"version": 2})
    # The number is free again, and the deleted draft's meaning of "seen" binds nothing.
    assert _paste(client, RETYPED).status_code == 303
    assert _versions(app) == {1: "live", 2: "draft"}


def test_a_draft_never_live_does_not_fix_a_code_s_meaning(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    assert _paste(client, SOURCE).status_code == 303
    assert _paste(client, RETYPED.replace("version: 2", "version: 3")).status_code == 303
    assert _versions(app) == {1: "live", 2: "draft", 3: "draft"}


def test_a_live_version_fixes_a_code_s_meaning_and_cannot_be_deleted(app, client, auth):
    auth.login("admin")
    client.get("/?lang=sv")
    _paste(client, SOURCE)
    post_form(
        client, "/organizer/questionnaires/2/publish", {}, token_from="/organizer/questionnaires/2"
    )
    response = _paste(client, RETYPED.replace("version: 2", "version: 3"))
    assert response.status_code == 422
    assert "seen: version 2" in response.get_data(as_text=True)
    assert "/organizer/questionnaires/2/delete" not in client.get(
        "/organizer/questionnaires"
    ).get_data(as_text=True)
    response = client.get("/organizer/questionnaires/2/delete", follow_redirects=True)
    assert "Version 2 kan inte raderas" in response.get_data(as_text=True)
    assert _versions(app) == {1: "live", 2: "live"}


def test_a_draft_holding_answers_fixes_meanings_and_stays(app, client, auth):
    # An imported file may give answers with a draft's number.
    auth.login("admin")
    client.get("/?lang=sv")
    _paste(client, SOURCE)
    with app.app_context():
        factories.answers("brommaplan", questionnaire_version=2)
        db.session.commit()
    response = _paste(client, RETYPED.replace("version: 2", "version: 3"))
    assert response.status_code == 422
    assert (
        post_form(
            client, "/organizer/questionnaires/2/delete", {}, token_from="/organizer/questionnaires"
        ).status_code
        == 303
    )
    assert _versions(app) == {1: "live", 2: "draft"}

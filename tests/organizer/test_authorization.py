"""The authorization matrix: every organizer route for anonymous, organizer and admin.

Every route under /organizer must be listed here (a test fails on one that is not), with the
roles that may use it. Anonymous visitors are sent to the login page; a logged-in role without
the right gets 403; a role with the right gets neither.
"""

import datetime as dt

import pytest

from survey.extensions import db
from survey.models import (
    Dialogue,
    DialogueIssue,
    Place,
    Promise,
    PromiseActivity,
    QuestionnaireVersion,
    Response,
    SurveyRound,
)
from tests.common.web import csrf_token

STAFF = {"admin", "organizer"}
ADMIN = {"admin"}

#: Routes anyone may open: logging in and out, accepting an invitation.
PUBLIC = {"organizer.login", "organizer.logout", "organizer.invitation"}

#: endpoint: (method, URL arguments from the sample objects, roles allowed)
ROUTES = {
    "organizer.home": ("GET", {}, STAFF),
    # -- users, places, questionnaires, rounds, audit (admin) --
    "organizer.users": ("GET", {}, ADMIN),
    "organizer.user_invite": ("POST", {}, ADMIN),
    "organizer.user_role": ("POST", {"user_id": "user_id"}, ADMIN),
    "organizer.user_active": ("POST", {"user_id": "user_id"}, ADMIN),
    "organizer.places": ("GET", {}, ADMIN),
    "organizer.place_add": ("POST", {}, ADMIN),
    "organizer.place_edit": ("GET", {"place_id": "place_id"}, ADMIN),
    "organizer.place_retire": ("POST", {"place_id": "place_id"}, ADMIN),
    "organizer.place_import": ("POST", {}, ADMIN),
    "organizer.questionnaires": ("GET", {}, ADMIN),
    "organizer.questionnaire_upload": ("POST", {}, ADMIN),
    "organizer.questionnaire_preview": ("GET", {"version": "live_version"}, ADMIN),
    "organizer.questionnaire_publish": ("POST", {"version": "version"}, ADMIN),
    "organizer.audit": ("GET", {}, ADMIN),
    "organizer.erasure": ("GET", {}, ADMIN),
    "organizer.erasure_confirm": ("POST", {}, ADMIN),
    "organizer.rounds": ("GET", {}, STAFF),
    "organizer.round_new": ("GET", {}, STAFF),
    "organizer.round_edit": ("GET", {"round_id": "round_id"}, STAFF),
    "organizer.round_delete": ("GET", {"round_id": "round_id"}, STAFF),
    # -- dialogues --
    "organizer.dialogues": ("GET", {}, STAFF),
    "organizer.dialogue_new": ("GET", {}, STAFF),
    "organizer.dialogue": ("GET", {"dialogue_id": "dialogue_id"}, STAFF),
    "organizer.dialogue_edit": ("GET", {"dialogue_id": "dialogue_id"}, STAFF),
    "organizer.dialogue_delete": ("POST", {"dialogue_id": "dialogue_id"}, STAFF),
    "organizer.issue_add": ("POST", {"dialogue_id": "dialogue_id"}, STAFF),
    "organizer.issue_edit": (
        "GET",
        {"dialogue_id": "dialogue_id", "issue_id": "issue_id"},
        STAFF,
    ),
    "organizer.issue_delete": (
        "POST",
        {"dialogue_id": "dialogue_id", "issue_id": "issue_id"},
        STAFF,
    ),
    # -- paper answers and imports --
    "organizer.paper": ("GET", {}, STAFF),
    # -- comments --
    "organizer.comments": ("GET", {}, STAFF),
    "organizer.add_comment_tag": ("POST", {"response_id": "response_id"}, STAFF),
    "organizer.remove_comment_tag": ("POST", {"response_id": "response_id", "tag": "tag"}, STAFF),
    # -- promises --
    "organizer.promises": ("GET", {}, STAFF),
    "organizer.promise_new": ("GET", {}, STAFF),
    "organizer.promise": ("GET", {"promise_id": "promise_id"}, STAFF),
    "organizer.promise_edit": ("GET", {"promise_id": "promise_id"}, STAFF),
    "organizer.promise_delete": ("POST", {"promise_id": "promise_id"}, STAFF),
    "organizer.activity_add": ("POST", {"promise_id": "promise_id"}, STAFF),
    "organizer.activity_delete": (
        "POST",
        {"promise_id": "promise_id", "activity_id": "activity_id"},
        STAFF,
    ),
    # -- situation picture (area dashboard) --
    "organizer.areas": ("GET", {}, STAFF),
    "organizer.area": ("GET", {"area": "area"}, STAFF),
    "organizer.area_chart": ("GET", {"area": "area", "name": "chart", "fmt": "chart_fmt"}, STAFF),
    # -- exports and the PDF report --
    "organizer.exports": ("GET", {}, STAFF),
    "organizer.export_responses": ("GET", {"fmt": "export_fmt"}, STAFF),
    "organizer.export_dialogues": ("GET", {"fmt": "export_fmt"}, STAFF),
    "organizer.area_lagesbild": ("GET", {"area": "area", "fmt": "export_fmt"}, STAFF),
    "organizer.area_report": ("GET", {"area": "area"}, STAFF),
}


@pytest.fixture
def sample(app, users):
    """One of each object the organizer routes act on; their ids and slugs."""
    with app.app_context():
        place = db.session.query(Place).filter_by(slug="brommaplan").one()
        survey_round = db.session.query(SurveyRound).first()
        response = Response(
            place_id=place.id,
            submitted_on=dt.date(2026, 5, 4),
            questionnaire_version=1,
            source="web",
            round_id=survey_round.id,
            relation="live",
            comment="Mörkt här.",
        )
        dialogue = Dialogue(
            held_on=dt.date(2026, 5, 1),
            area_id=place.area_id,
            place_id=place.id,
            kind="medborgardialog",
            residents=12,
            organizer="Kommunpolis",
        )
        dialogue.issues.append(DialogueIssue(place_id=place.id, problem="alcohol", weight=2))
        draft = QuestionnaireVersion(
            version=2, definition="version: 2", status="draft", uploaded_by="test"
        )
        promise = Promise(
            area_id=place.area_id,
            title="Tryggare Brommaplan",
            text="Mer närvaro på kvällarna.",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            indicators=[{"kind": "unsafe_share", "time": "evening"}],
            places=[place],
            activities=[PromiseActivity(held_on=dt.date(2026, 2, 1), kind="presence_patrol")],
        )
        db.session.add_all([response, dialogue, draft, promise])
        db.session.commit()
        return {
            "place": place.slug,
            "place_id": place.id,
            "round_id": survey_round.id,
            "response_id": response.id,
            "dialogue_id": dialogue.id,
            "issue_id": dialogue.issues[0].id,
            "version": draft.version,
            "live_version": 1,
            "user_id": users["organizer"],
            "tag": "alcohol",
            "promise_id": promise.id,
            "activity_id": promise.activities[0].id,
            "area": "bromma",
            "chart": "unsafe",
            "chart_fmt": "png",
            "export_fmt": "csv",
        }


def test_every_organizer_route_is_in_the_matrix(app):
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/organizer")
    }
    assert endpoints - PUBLIC == set(ROUTES)


@pytest.mark.parametrize("role", ["anonymous", "organizer", "admin"])
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_access(app, client, auth, sample, endpoint, role):
    method, arguments, allowed = ROUTES[endpoint]
    if role != "anonymous":
        auth.login(role)
    with app.test_request_context():
        from flask import url_for

        path = url_for(endpoint, **{k: sample[v] for k, v in arguments.items()})
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": csrf_token(client, "/organizer/login")})
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/organizer/login")
    elif role in allowed:
        assert response.status_code not in (401, 403), response.status_code
        assert response.status_code < 500
        assert not response.headers.get("Location", "").startswith("/organizer/login")
    else:
        assert response.status_code == 403

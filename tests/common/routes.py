"""The organizer routes: who may use each, and one sample of every object they act on.

The authorization matrix (tests/organizer/test_authorization.py) and the CSRF walk
(tests/web/test_csrf.py) both go over these routes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey.extensions import db
from survey.models import CategoryOverride, ImportBatch, PopulationMargin, QuestionnaireVersion
from survey.models.crime_imports import CrimeImportRun
from survey.models.places import AreaAlias
from survey.services.comments import comment_ref
from tests.common import factories
from tests.common.apps import SECRET_KEY

STAFF = {"admin", "organizer"}
ADMIN = {"admin"}

#: Routes anyone may open: logging in and out, accepting an invitation.
PUBLIC = {
    "organizer.login",
    "organizer.logout",
    "organizer.invitation",
    "organizer.forgot_password",
    "organizer.reset_sent",
    "organizer.password_reset",
}

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
    "organizer.questionnaire_delete": ("GET", {"version": "version"}, ADMIN),
    "organizer.audit": ("GET", {}, ADMIN),
    "organizer.population": ("GET", {}, ADMIN),
    "organizer.population_upload": ("POST", {}, ADMIN),
    "organizer.population_delete": ("POST", {"area": "area", "year": "margin_year"}, ADMIN),
    "organizer.erasure": ("GET", {}, ADMIN),
    "organizer.erasure_confirm": ("POST", {}, ADMIN),
    "organizer.rounds": ("GET", {}, STAFF),
    "organizer.round_new": ("GET", {}, STAFF),
    "organizer.round_edit": ("GET", {"round_id": "round_id"}, STAFF),
    "organizer.round_delete": ("GET", {"round_id": "round_id"}, STAFF),
    "organizer.invitations": ("GET", {"round_id": "round_id"}, STAFF),
    "organizer.invitation_letters": ("POST", {"round_id": "round_id"}, ADMIN),
    "organizer.invitation_reminders": ("POST", {"round_id": "round_id"}, STAFF),
    "organizer.invitation_withdraw": ("POST", {"round_id": "round_id"}, ADMIN),
    "organizer.invitation_unused": ("GET", {"round_id": "round_id"}, STAFF),
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
    "organizer.paper_answers": ("GET", {}, STAFF),
    "organizer.paper_questionnaire": ("GET", {}, STAFF),
    "organizer.paper_answer_edit": ("GET", {"response_id": "paper_response_id"}, STAFF),
    "organizer.paper_answer_delete": ("POST", {"response_id": "paper_response_id"}, STAFF),
    "organizer.import_batches": ("GET", {}, STAFF),
    # -- areas and the names feeds use for them (admin) --
    "organizer.area_names": ("GET", {}, ADMIN),
    "organizer.area_names_add": ("POST", {}, ADMIN),
    "organizer.area_names_edit": ("GET", {"area_id": "area_id"}, ADMIN),
    "organizer.area_names_rename": ("POST", {"area_id": "area_id"}, ADMIN),
    "organizer.area_names_district": ("POST", {"area_id": "area_id"}, ADMIN),
    "organizer.area_names_alias": ("POST", {"area_id": "area_id"}, ADMIN),
    "organizer.area_names_unalias": (
        "POST",
        {"area_id": "area_id", "alias_id": "alias_id"},
        ADMIN,
    ),
    "organizer.import_batch_undo": ("POST", {"batch_id": "batch_id"}, ADMIN),
    # -- crime categories (organizers read, admins edit) --
    "organizer.crime_imports": ("GET", {}, ADMIN),
    "organizer.crime_import_undo_confirm": ("GET", {"run_id": "run_id"}, ADMIN),
    "organizer.crime_import_undo": ("POST", {"run_id": "run_id"}, ADMIN),
    "organizer.crime_upload": ("POST", {}, ADMIN),
    "organizer.crime_categories": ("GET", {}, STAFF),
    "organizer.crime_categories_set": ("POST", {}, ADMIN),
    "organizer.crime_categories_remove": ("POST", {"override_id": "override_id"}, ADMIN),
    # -- deviation alerts --
    "organizer.deviation_handled": ("POST", {"area": "area"}, STAFF),
    "organizer.alert_settings": ("GET", {}, STAFF),
    "organizer.alert_settings_save": ("POST", {}, STAFF),
    # -- comments --
    "organizer.comments": ("GET", {}, STAFF),
    "organizer.add_comment_tag": ("POST", {"ref": "comment_ref"}, ADMIN),
    "organizer.remove_comment_tag": ("POST", {"ref": "comment_ref", "tag": "tag"}, ADMIN),
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
    "organizer.held_answers": ("GET", {"area": "area"}, STAFF),
    "organizer.held_review": ("POST", {"area": "area"}, STAFF),
    "organizer.meeting": ("POST", {"area": "area"}, STAFF),
    "organizer.area_chart": ("GET", {"area": "area", "name": "chart", "fmt": "chart_fmt"}, STAFF),
    "organizer.publish_preview": ("GET", {"area": "area"}, STAFF),
    "organizer.publish": ("POST", {"area": "area"}, STAFF),
    # -- exports and the PDF report --
    "organizer.exports": ("GET", {}, STAFF),
    "organizer.export_responses": ("GET", {"fmt": "export_fmt"}, ADMIN),
    "organizer.export_dialogues": ("GET", {"fmt": "export_fmt"}, STAFF),
    "organizer.export_population": ("GET", {}, STAFF),
    "organizer.area_lagesbild": ("GET", {"area": "area", "fmt": "export_fmt"}, STAFF),
    "organizer.area_report": ("GET", {"area": "area"}, STAFF),
    "organizer.area_crime": ("GET", {"area": "area", "fmt": "export_fmt"}, STAFF),
}


def sample_objects(organizer_id: int) -> dict[str, Any]:
    """One of each object the organizer routes act on, stored; their ids and slugs.

    Call inside an app context; ``organizer_id`` is an account the user routes act on.
    """
    place = factories.find_place("brommaplan")
    survey_round = factories.default_round()
    response = factories.answer(
        place, submitted_on=dt.date(2026, 5, 4), round_id=survey_round.id, comment="Mörkt här."
    )
    dialogue = factories.dialogue(
        place.area,
        place,
        held_on=dt.date(2026, 5, 1),
        issues=[factories.issue("alcohol", place=place, weight=2)],
    )
    draft = QuestionnaireVersion(
        version=2, definition="version: 2", status="draft", uploaded_by="test"
    )
    promise = factories.promise(
        place.area,
        places=[place],
        title="Tryggare Brommaplan",
        text="Mer närvaro på kvällarna.",
        activities=[factories.activity("presence_patrol", dt.date(2026, 2, 1))],
    )
    batch = ImportBatch(
        kind="paper",
        checksum="paper:sample",
        filename="",
        rows=1,
        imported_by="organizer@trygghet.test",
    )
    alias = AreaAlias(area=place.area, name="Ulvsunda", key="ulvsunda")
    override = CategoryOverride(source="police", name="Brand", key="brand", category="Mordbrand")
    margin = PopulationMargin(
        area_id=place.area_id, year=2025, age_band="65+", gender="woman", population=900
    )
    # A run with nothing to put back: undoing it changes no crime data.
    run = CrimeImportRun(
        source="csv", origin="a.csv", imported_by="cli", skipped=0, scope={}, undoable=True
    )
    db.session.add_all([draft, batch, alias, override, margin, run])
    db.session.flush()
    paper = factories.answer(
        place, source="paper", import_batch_id=batch.id, key_number=1, round_id=survey_round.id
    )
    db.session.commit()
    return {
        "place": place.slug,
        "place_id": place.id,
        "round_id": survey_round.id,
        "response_id": response.id,
        "comment_ref": comment_ref(SECRET_KEY, response.id),
        "paper_response_id": paper.id,
        "batch_id": batch.id,
        "area_id": place.area_id,
        "alias_id": alias.id,
        "override_id": override.id,
        "run_id": run.id,
        "dialogue_id": dialogue.id,
        "issue_id": dialogue.issues[0].id,
        "version": draft.version,
        "live_version": 1,
        "user_id": organizer_id,
        "tag": "alcohol",
        "promise_id": promise.id,
        "activity_id": promise.activities[0].id,
        "area": "bromma",
        "chart": "unsafe",
        "chart_fmt": "png",
        "export_fmt": "csv",
        "margin_year": 2025,
    }

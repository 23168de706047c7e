"""The database models, split by feature."""

from .accounts import ROLES, AuditEvent, User
from .aggregates import answer_count, response_count
from .alerts import DeviationAlert, DeviationMail
from .base import Base
from .categories import OVERRIDE_SOURCES, CategoryOverride
from .crime import CRIME_SOURCES, CrimeCount
from .crime_imports import CrimeImportRow, CrimeImportRun
from .dialogues import DIALOGUE_KINDS, ISSUE_PROBLEMS, TIMES_OF_DAY, Dialogue, DialogueIssue
from .invitations import InvitationCode
from .item_answers import ItemAnswer
from .places import Area, Place, PoliceArea
from .promises import ACTIVITY_KINDS, PopulationMargin, Promise, PromiseActivity, promise_place
from .releases import Release
from .responses import SOURCES, CommentTag, ImportBatch, PaperSheet, Response
from .rounds import QuestionnaireVersion, SurveyRound, round_area

__all__ = [
    "answer_count",
    "response_count",
    "ACTIVITY_KINDS",
    "CRIME_SOURCES",
    "CrimeCount",
    "CrimeImportRow",
    "CrimeImportRun",
    "PopulationMargin",
    "Promise",
    "PromiseActivity",
    "promise_place",
    "DIALOGUE_KINDS",
    "ISSUE_PROBLEMS",
    "ROLES",
    "SOURCES",
    "TIMES_OF_DAY",
    "Area",
    "AuditEvent",
    "CategoryOverride",
    "OVERRIDE_SOURCES",
    "Base",
    "CommentTag",
    "Dialogue",
    "DialogueIssue",
    "DeviationAlert",
    "DeviationMail",
    "ImportBatch",
    "InvitationCode",
    "ItemAnswer",
    "PaperSheet",
    "Place",
    "PoliceArea",
    "QuestionnaireVersion",
    "Release",
    "Response",
    "SurveyRound",
    "User",
    "round_area",
]

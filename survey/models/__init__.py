"""The database models, split by feature."""

from .accounts import ROLES, AuditEvent, User
from .base import Base
from .dialogues import DIALOGUE_KINDS, ISSUE_PROBLEMS, TIMES_OF_DAY, Dialogue, DialogueIssue
from .places import Area, Place, PoliceArea
from .responses import SOURCES, CommentTag, ImportBatch, Response
from .rounds import QuestionnaireVersion, SurveyRound, round_area

__all__ = [
    "DIALOGUE_KINDS",
    "ISSUE_PROBLEMS",
    "ROLES",
    "SOURCES",
    "TIMES_OF_DAY",
    "Area",
    "AuditEvent",
    "Base",
    "CommentTag",
    "Dialogue",
    "DialogueIssue",
    "ImportBatch",
    "Place",
    "PoliceArea",
    "QuestionnaireVersion",
    "Response",
    "SurveyRound",
    "User",
    "round_area",
]

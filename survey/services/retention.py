"""Retention: delete free-text comments, or whole answers, once they pass a given age.

Age is counted from an answer's date (``submitted_on``, the residents' local date) to today:
an answer dated before the cut-off date (today minus the period) is older than the period;
one dated on the cut-off day itself is exactly that old and is kept. Running twice changes
nothing the second time. Callers commit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from ..models import CommentTag, ItemAnswer, Response
from ..models.responses import response_table
from . import audit
from .erasure import forget_tags

#: Longest period accepted: a typo like 2400m would otherwise reach before year 1.
MAX_MONTHS = 1200
MAX_DAYS = 36_500
_PERIOD = re.compile(r"(\d+)\s*([md])")


@dataclass(frozen=True)
class Period:
    """An age given as a number of months or days."""

    amount: int
    unit: str  # "m" (months) or "d" (days)

    def cutoff(self, today: dt.date) -> dt.date:
        """The first date that is not older than this period on ``today``."""
        if self.unit == "d":
            return today - dt.timedelta(days=self.amount)
        months = today.year * 12 + today.month - 1 - self.amount
        year, month = divmod(months, 12)
        # 31 March minus one month is the last day of February.
        day = min(today.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)

    def __str__(self) -> str:
        noun = ("month", "months") if self.unit == "m" else ("day", "days")
        return f"{self.amount} {noun[self.amount != 1]}"


def parse_period(text: str) -> Period:
    """Read an age like ``24m`` (months) or ``30d`` (days); ValueError says what is wrong."""
    match = _PERIOD.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(
            f"{text!r} is not an age: write a whole number followed by m (months) or d (days),"
            " like 24m or 30d"
        )
    number, unit = match.groups()
    digits = number.lstrip("0") or "0"
    largest = MAX_MONTHS if unit == "m" else MAX_DAYS
    # Any number of digits is an age, only out of range (999999999d was "not an age").
    amount = int(digits) if len(digits) <= len(str(largest)) else largest + 1
    if not 1 <= amount <= largest:
        raise ValueError(f"{text!r}: the number must be between 1 and {largest}")
    return Period(amount, unit)


@dataclass(frozen=True)
class RetentionResult:
    """What a retention run removed (or, in a dry run, would remove)."""

    cutoff: dt.date
    whole_answers: bool
    dry_run: bool
    #: Comments whose text was removed (comment mode) or that went with their answer.
    comments: int
    tags: int
    #: Whole answers deleted (0 in comment mode).
    answers: int


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(Response).where(*conditions)) or 0


def apply_retention(
    session: Session, cutoff: dt.date, whole_answers: bool = False, dry_run: bool = False
) -> RetentionResult:
    """Delete comments (or whole answers) dated before ``cutoff``; record it; flush.

    Works in three bulk statements, without loading answers into Python, so a large
    database is handled in one short transaction.
    """
    old = Response.submitted_on < cutoff
    old_ids = select(Response.id).where(old).scalar_subquery()
    # The answer columns are built from the questionnaire, so they are the table's, not typed.
    comment = response_table.c.comment
    has_comment = comment.is_not(None)
    comments = _count(session, old, has_comment)
    tags = (
        session.scalar(
            select(func.count()).select_from(CommentTag).where(CommentTag.response_id.in_(old_ids))
        )
        or 0
    )
    answers = _count(session, old) if whole_answers else 0
    result = RetentionResult(cutoff, whole_answers, dry_run, comments, tags, answers)
    if dry_run:
        return result
    # Tags first: they describe the comment and go with it (SQLite may run without cascades);
    # their text leaves the audit trail too.
    forget_tags(session, select(Response.id).where(old, has_comment))
    session.execute(
        delete(CommentTag)
        .where(CommentTag.response_id.in_(old_ids))
        .execution_options(synchronize_session=False)
    )
    if whole_answers:
        session.execute(delete(Response).where(old).execution_options(synchronize_session=False))
    else:
        session.execute(
            update(Response)
            .where(old, has_comment)
            .values({comment: None})
            .execution_options(synchronize_session=False)
        )
        # The free texts of items added by later versions go with the comments.
        session.execute(
            delete(ItemAnswer)
            .where(ItemAnswer.response_id.in_(old_ids), ItemAnswer.text.is_not(None))
            .execution_options(synchronize_session=False)
        )
    session.flush()
    details: dict[str, Any] = {"cutoff": cutoff.isoformat(), "comments": comments, "tags": tags}
    if whole_answers:
        details["answers"] = answers
    audit.record(
        session, "retention.answers" if whole_answers else "retention.comments", None, details
    )
    return result


def summary(result: RetentionResult, period: Period) -> str:
    """One line saying what was (or would be) removed, for the command line."""
    verb = "would delete" if result.dry_run else "deleted"
    dated = f"dated before {result.cutoff.isoformat()} (older than {period})"
    if result.whole_answers:
        return (
            f"{verb} {result.answers} answers {dated},"
            f" {result.comments} of them with a comment, and {result.tags} topic tags"
        )
    return (
        f"{verb} {result.comments} comments and {result.tags} topic tags of answers {dated};"
        " the answers themselves are kept"
    )

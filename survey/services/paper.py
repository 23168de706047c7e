"""Paper answers: keyed in one after another in a batch, found again, corrected or deleted.

A key-in sitting is an import batch of kind ``paper``; each answer keyed in it gets the next
running number (1, 2, ...), which the organizer can write on the paper form to find it again.
Only answers keyed in from paper can be corrected or deleted here: a web answer is the
resident's own, and an imported file is undone as a whole batch. Every write is audited
with where and which number, never with the answers themselves (a comment could identify
its writer).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import ImportBatch, PaperSheet, Place, Response, SurveyRound
from ..models.responses import PAPER_CHECKSUM
from ..questionnaire import Questionnaire, builtin
from . import audit, item_answers
from .erasure import forget_tags
from .responses import open_round, record_response

PAPER = "paper"
#: Rows a list of paper answers shows at most; narrower filters find the rest.
LIST_LIMIT = 200
#: Days a saved blank form's name is kept: its page sent again later is saved anew.
SHEET_DAYS = 30
#: A blank form's name as ``new_sheet`` makes it (secrets.token_urlsafe).
_SHEET = re.compile(r"[A-Za-z0-9_-]{16,43}")


def new_sheet() -> str:
    """A random name for a blank key-in form."""
    return secrets.token_urlsafe(12)


def is_sheet(name: str | None) -> bool:
    """Whether a name is one ``new_sheet`` could have made."""
    return bool(name and _SHEET.fullmatch(name))


def usable_sheet(name: str | None) -> str:
    """The name a posted form carries, or a new one when it is missing or not one of ours."""
    return name if name and is_sheet(name) else new_sheet()


def sheet_saved(session: Session, name: str) -> bool:
    return session.get(PaperSheet, name) is not None


def claim_sheet(session: Session, name: str, today: dt.date) -> bool:
    """Record that the blank form of this name is saved, as the transaction's first write;
    False (the transaction rolled back) when it was saved already, by this request's twin
    in flight too: the primary key refuses the second, which waits for the first's commit.
    Names older than SHEET_DAYS go in the same transaction."""
    session.execute(
        delete(PaperSheet).where(PaperSheet.saved_on < today - dt.timedelta(days=SHEET_DAYS))
    )
    session.add(PaperSheet(name=name, saved_on=today))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


def paper_batch(session: Session, batch_id: int | None, keyed_by: str) -> ImportBatch:
    """The user's own paper batch with this id, to go on keying in; else a new one (flushed)."""
    if batch_id is not None:
        batch = session.get(ImportBatch, batch_id)
        if (
            batch is not None
            and batch.kind == PAPER
            and batch.imported_by == keyed_by
            and not batch.undone
        ):
            return batch
    batch = ImportBatch(
        kind=PAPER,
        checksum=PAPER_CHECKSUM + uuid.uuid4().hex,
        filename="",
        rows=0,
        imported_by=keyed_by,
    )
    session.add(batch)
    session.flush()
    return batch


def record_paper_answer(
    session: Session,
    batch: ImportBatch,
    place: Place,
    questionnaire: Questionnaire,
    answers: Mapping[str, str | None],
    written_on: dt.date,
    round_id: int | None = None,
) -> Response:
    """Store one keyed-in paper form as the batch's next number (in the round open on its
    date unless one is given); flush."""
    if round_id is None:
        survey_round = open_round(session, place.area_id, written_on)
        round_id = survey_round.id if survey_round else None
    batch.rows += 1
    response = record_response(
        session,
        place,
        questionnaire.version,
        answers,
        source=PAPER,
        submitted_on=written_on,
        round_id=round_id,
        questionnaire=questionnaire,
    )
    response.import_batch_id = batch.id
    response.key_number = batch.rows
    session.flush()
    audit.record(
        session,
        "response.create_paper",
        response,
        {
            "place": place.slug,
            "date": written_on.isoformat(),
            "batch": batch.id,
            "number": batch.rows,
        },
    )
    return response


@dataclass(frozen=True)
class PaperFilter:
    """What to look for; empty fields match everything."""

    batch: int | None = None
    place: str | None = None
    written_on: dt.date | None = None
    number: int | None = None


@dataclass(frozen=True)
class PaperRow:
    """A paper answer as the list shows it: where, when, which batch and number; no answers."""

    id: int
    batch: int | None
    number: int | None
    written_on: dt.date
    place: str
    round: str | None


def find_paper_answers(session: Session, wanted: PaperFilter) -> list[PaperRow]:
    """Paper answers matching the filter, newest batch and number first, at most LIST_LIMIT."""
    query = (
        select(
            Response.id,
            Response.import_batch_id,
            Response.key_number,
            Response.submitted_on,
            Place.name,
            SurveyRound.name,
        )
        .join(Place, Place.id == Response.place_id)
        .outerjoin(SurveyRound, SurveyRound.id == Response.round_id)
        .where(Response.source == PAPER)
        .order_by(Response.import_batch_id.desc(), Response.key_number.desc(), Response.id.desc())
        .limit(LIST_LIMIT)
    )
    if wanted.batch is not None:
        query = query.where(Response.import_batch_id == wanted.batch)
    if wanted.place:
        query = query.where(Place.slug == wanted.place)
    if wanted.written_on is not None:
        query = query.where(Response.submitted_on == wanted.written_on)
    if wanted.number is not None:
        query = query.where(Response.key_number == wanted.number)
    return [PaperRow(*row) for row in session.execute(query)]


def paper_answer(session: Session, response_id: int) -> Response | None:
    """The answer with this id if it was keyed in from paper, else None."""
    response = session.get(Response, response_id)
    return response if response is not None and response.source == PAPER else None


def _identity(response: Response) -> dict[str, object]:
    return {
        "place": response.place.slug,
        "date": response.submitted_on.isoformat(),
        "batch": response.import_batch_id,
        "number": response.key_number,
    }


def correct_paper_answer(
    session: Session,
    response: Response,
    place: Place,
    questionnaire: Questionnaire,
    answers: Mapping[str, str | None],
    written_on: dt.date,
    round_id: int | None,
    kept: Iterable[str] = (),
) -> list[str]:
    """Replace a paper answer's place, date, round and answers, audited; flush.

    ``kept``: item codes left as they are (the comment, for someone who may not read it).
    Returns the names of what changed; the audit event names them, not the values.
    """
    if round_id is None:
        survey_round = open_round(session, place.area_id, written_on)
        round_id = survey_round.id if survey_round else None
    new: dict[str, object] = {
        "place_id": place.id,
        "submitted_on": written_on,
        "round_id": round_id,
        "questionnaire_version": questionnaire.version,
    }
    skip = set(kept)
    for code in builtin(1).codes:
        if code not in skip:
            new[code] = answers.get(code)
    changed = [name for name, value in new.items() if getattr(response, name) != value]
    for name in changed:
        setattr(response, name, new[name])
    _, added = item_answers.split({c: v for c, v in answers.items() if c not in skip})
    before = item_answers.answers_of(session, [response.id]).get(response.id, {})
    before = {code: value for code, value in before.items() if code not in skip}
    if added != before:
        changed.extend(
            sorted(code for code in set(added) | set(before) if added.get(code) != before.get(code))
        )
        item_answers.replace(session, questionnaire, response.id, added, kept=skip)
    session.flush()
    if changed:
        session.refresh(response, ["place"])
        audit.record(
            session,
            "response.correct_paper",
            response,
            {**_identity(response), "changed": changed},
        )
    return changed


def delete_paper_answer(session: Session, response: Response) -> None:
    """Delete a paper answer with its topic tags, audited; flush. Its number is not reused."""
    details = _identity(response)
    forget_tags(session, [response.id])
    audit.record(session, "response.delete_paper", response, details)
    session.delete(response)
    session.flush()

"""Exports of stored answers (one row per response, one column per item code) and dialogues.

Each export is a header and a stream of rows; the CSV and XLSX files are written by
``survey.reports.files`` (BOM, formula neutralising, text kept as text), the same for the
``trygghet export`` command and the organizer pages' downloads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    Dialogue,
    DialogueIssue,
    ItemAnswer,
    Place,
    QuestionnaireVersion,
    Response,
    SurveyRound,
)
from ..questionnaire import Item, builtin, load_text
from .files import csv_chunks, xlsx_sheet, xlsx_workbook

#: The formats of ``trygghet export``; XLSX is binary, the others text.
FORMATS = ("csv", "json", "xlsx")

#: Columns the export adds around the item codes; the import accepts them back.
LEADING = ["submitted_on", "place"]
#: ``round`` is the round's id; its name and dates let another database match it (an id
#: from one database means nothing in another).
TRAILING = [
    "questionnaire_version",
    "source",
    "round",
    "round_name",
    "round_opens_on",
    "round_closes_on",
]


def added_items(session: Session) -> list[Item]:
    """The items recorded versions added (not of version 1), each code once, newest wording.

    Only versions that were put live: a draft has no answers (and is checked only when it is
    put live).
    """
    catalogue = set(builtin(1).codes)
    found: dict[str, Item] = {}
    definitions = session.scalars(
        select(QuestionnaireVersion.definition)
        .where(QuestionnaireVersion.status == "live")
        .order_by(QuestionnaireVersion.version)
    )
    for definition in definitions:
        for item in load_text(definition, catalogue=builtin(1), strict=False).items:
            if item.code not in catalogue:
                found[item.code] = item
    return list(found.values())


def response_columns(added: Sequence[str] = ()) -> list[str]:
    """The export's columns: version 1's items, then ``added`` item codes, then the extras."""
    return LEADING + builtin(1).codes + list(added) + TRAILING


def _with_added(
    rows: Iterable[Any], session: Session, added: Sequence[str], batch: int
) -> Iterator[tuple[Any, dict[str, str]]]:
    """Each row (its first column the response id) with its answers to added items."""
    if not added:
        for row in rows:
            yield row, {}
        return
    pending: list[Any] = []
    for row in rows:
        pending.append(row)
        if len(pending) == batch:
            yield from _answers_for(session, pending)
            pending = []
    yield from _answers_for(session, pending)


def _answers_for(session: Session, rows: list[Any]) -> Iterator[tuple[Any, dict[str, str]]]:
    ids = [row[0] for row in rows]
    found: dict[int, dict[str, str]] = {}
    if ids:
        stored = session.execute(
            select(
                ItemAnswer.response_id,
                ItemAnswer.code,
                ItemAnswer.value,
                ItemAnswer.number,
                ItemAnswer.text,
            )
            .where(ItemAnswer.response_id.in_(ids))
            .order_by(ItemAnswer.id)
        )
        for response_id, code, value, number, text in stored:
            answers = found.setdefault(response_id, {})
            shown = text if text is not None else str(number) if number is not None else value
            answers[code] = f"{answers[code]};{shown}" if code in answers else shown
    for row in rows:
        yield row, found.get(row[0], {})


def iter_response_rows(
    session: Session, batch: int = 1000, added: Sequence[str] = ()
) -> Iterator[dict[str, Any]]:
    """Yield every answer as a dict keyed by column, by date and at random within a day.

    ``added``: the codes of added items to give columns to (see ``added_items``).
    """
    codes = builtin(1).codes
    table = Response.__table__
    stmt = (
        select(
            Response.id,
            Response.submitted_on,
            Place.slug,
            *(table.c[c] for c in codes),
            Response.questionnaire_version,
            Response.source,
            Response.round_id,
            SurveyRound.name,
            SurveyRound.opens_on,
            SurveyRound.closes_on,
        )
        .join(Place, Place.id == Response.place_id)
        .outerjoin(SurveyRound, SurveyRound.id == Response.round_id)
        # By day, then at random: ids are given in order, so sorting by them (or leaving the
        # database's order) would let a reader line the rows up with who answered when.
        .order_by(Response.submitted_on, func.random())
        .execution_options(yield_per=batch)
    )
    names = LEADING + codes
    trailing = len(names) + 1
    for row, answers in _with_added(session.execute(stmt), session, added, batch):
        record = dict(zip(names, row[1:trailing], strict=True))
        record.update((code, answers.get(code)) for code in added)
        record.update(zip(TRAILING, row[trailing:], strict=True))
        for day in ("submitted_on", "round_opens_on", "round_closes_on"):
            if record[day] is not None:
                record[day] = record[day].isoformat()
        yield record


def response_rows(session: Session, added: Sequence[str] = ()) -> Iterator[list[Any]]:
    """Every answer as a row in the order of ``response_columns``, streaming in batches."""
    for record in iter_response_rows(session, added=added):
        yield list(record.values())


class _Counter:
    """Pass rows through, counting them."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.count += 1
            yield row


def write_table(
    header: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[Any], fmt: str, sheet: str
) -> int:
    """Write a table as CSV (text stream) or XLSX (binary stream); return how many rows."""
    counted = _Counter(rows)
    if fmt == "csv":
        for chunk in csv_chunks(header, counted):
            stream.write(chunk)
    elif fmt == "xlsx":
        workbook = xlsx_workbook()
        xlsx_sheet(workbook, sheet, header, counted)
        workbook.save(stream)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return counted.count


def write_responses(session: Session, stream: IO[Any], fmt: str) -> int:
    """Write all answers as CSV, JSON (text stream) or XLSX (binary stream); return how many."""
    extra = added_items(session)
    added = [item.code for item in extra]
    if fmt != "json":
        return write_table(
            response_columns(added), response_rows(session, added), stream, fmt, "responses"
        )
    items = [*builtin(1).items, *extra]
    multi = {item.code for item in items if item.type == "multi"}
    numbers = {item.code for item in extra if item.type == "number"}
    count = 0
    stream.write("[")
    for count, record in enumerate(iter_response_rows(session, added=added), start=1):
        for code in multi:
            record[code] = record[code].split(";") if record[code] else []
        for code in numbers:
            record[code] = int(record[code]) if record[code] is not None else None
        stream.write(("\n" if count == 1 else ",\n") + json.dumps(record, ensure_ascii=False))
    stream.write("\n]\n" if count else "]\n")
    return count


# -- dialogues --

#: CSV columns: the dialogue's, repeated on each of its issues, then the issue's.
DIALOGUE_COLUMNS = [
    "dialogue_id",
    "held_on",
    "area",
    "place",
    "kind",
    "residents",
    "partners",
    "staff",
    "organizer",
    "notes",
]
ISSUE_COLUMNS = [
    "issue_position",
    "issue_place",
    "problem",
    "times",
    "raised_by",
    "weight",
    "quote",
    "measure",
]


def dialogue_records(session: Session) -> list[dict[str, Any]]:
    """Every dialogue, oldest first, with its issues nested; a fixed number of queries."""
    dialogues = session.scalars(
        select(Dialogue)
        .options(
            selectinload(Dialogue.area),
            selectinload(Dialogue.place),
            selectinload(Dialogue.issues).selectinload(DialogueIssue.place),
        )
        .order_by(Dialogue.held_on, Dialogue.id)
    )
    return [
        {
            "id": d.id,
            "held_on": d.held_on.isoformat(),
            "area": d.area.slug,
            "place": d.place.slug if d.place else None,
            "kind": d.kind,
            "participants": {"residents": d.residents, "partners": d.partners, "staff": d.staff},
            "organizer": d.organizer,
            "notes": d.notes,
            "issues": [
                {
                    "position": i.position,
                    "place": i.place.slug if i.place else None,
                    "problem": i.problem,
                    "times": i.times.split(";") if i.times else [],
                    "raised_by": i.raised_by,
                    "weight": i.weight,
                    "quote": i.quote,
                    "measure": i.measure,
                }
                for i in d.issues
            ],
        }
        for d in dialogues
    ]


def _dialogue_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    base = {
        "dialogue_id": record["id"],
        **{k: record[k] for k in ("held_on", "area", "place", "kind", "organizer", "notes")},
        **record["participants"],
    }
    if not record["issues"]:
        yield base
    for issue in record["issues"]:
        yield base | {
            "issue_position": issue["position"],
            "issue_place": issue["place"],
            "problem": issue["problem"],
            "times": ";".join(issue["times"]),
            "raised_by": issue["raised_by"],
            "weight": issue["weight"],
            "quote": issue["quote"],
            "measure": issue["measure"],
        }


def dialogue_columns() -> list[str]:
    return DIALOGUE_COLUMNS + ISSUE_COLUMNS


def dialogue_rows(records: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """A row per issue (one for a dialogue without issues), in ``dialogue_columns`` order."""
    columns = dialogue_columns()
    for record in records:
        for row in _dialogue_rows(record):
            yield [row.get(column) for column in columns]


def write_dialogues(session: Session, stream: IO[Any], fmt: str) -> int:
    """Write every dialogue with its issues as CSV or XLSX (a row per issue) or JSON.

    Return how many dialogues.
    """
    records = dialogue_records(session)
    if fmt == "json":
        json.dump(records, stream, ensure_ascii=False, indent=1)
        stream.write("\n")
    else:
        write_table(dialogue_columns(), dialogue_rows(records), stream, fmt, "dialogues")
    return len(records)

"""Answers to added items (not columns of ``response``): split off, stored, read back.

Every writer of answers (web, paper key-in, file import) hands its cleaned answers, keyed by
item code, through ``split``: version 1's codes go to the response's columns, any other code
to ``item_answer`` rows (see ``survey.models.item_answers``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from ..models.item_answers import ItemAnswer
from ..questionnaire import Questionnaire, builtin

#: Version 1's item codes: the answer columns of ``response``.
CATALOGUE_CODES: tuple[str, ...] = tuple(builtin(1).codes)
CATALOGUE: frozenset[str] = frozenset(CATALOGUE_CODES)

Answers = Mapping[str, str | None]
_table = cast(Table, ItemAnswer.__table__)


def split(answers: Answers) -> tuple[dict[str, str | None], dict[str, str]]:
    """The column answers (version 1's codes) and the added items' answers (given ones only)."""
    columns: dict[str, str | None] = {}
    added: dict[str, str] = {}
    for code, value in answers.items():
        if code in CATALOGUE:
            columns[code] = value
        elif value is not None and value != "":
            added[code] = value
    return columns, added


def added_codes(questionnaire: Questionnaire) -> list[str]:
    """The codes of a version's added items, in questionnaire order."""
    return [code for code in questionnaire.codes if code not in CATALOGUE]


def item_rows(
    questionnaire: Questionnaire, response_id: int, added: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The ``item_answer`` rows of one response's added answers (cleaned stored values)."""
    rows: list[dict[str, Any]] = []
    for code, value in added.items():
        kind = questionnaire.item(code).type
        base = {"response_id": response_id, "code": code, "value": None, "number": None}
        if kind == "multi":
            rows.extend(base | {"value": v, "text": None} for v in value.split(";") if v)
        elif kind == "number":
            rows.append(base | {"number": int(value), "text": None})
        elif kind == "text":
            rows.append(base | {"text": value})
        else:
            rows.append(base | {"value": value, "text": None})
    return rows


def store(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert item answer rows in the session's transaction (one executemany)."""
    if rows:
        session.execute(insert(_table), list(rows))


def replace(
    session: Session,
    questionnaire: Questionnaire,
    response_id: int,
    added: Mapping[str, str],
    kept: Iterable[str] = (),
) -> None:
    """Replace a response's added answers (a corrected paper form), keeping ``kept`` codes."""
    keep = list(kept)
    condition = [_table.c.response_id == response_id]
    if keep:
        condition.append(_table.c.code.not_in(keep))
    session.execute(delete(_table).where(*condition))
    store(
        session,
        item_rows(
            questionnaire,
            response_id,
            {code: value for code, value in added.items() if code not in keep},
        ),
    )


def answers_of(session: Session, response_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """The added answers of these responses as stored values (multi joined by ';' in the order
    stored, numbers as text), by response id."""
    found: dict[int, dict[str, str]] = {}
    if not response_ids:
        return found
    rows = session.execute(
        select(_table.c.response_id, _table.c.code, _table.c.value, _table.c.number, _table.c.text)
        .where(_table.c.response_id.in_(list(response_ids)))
        .order_by(_table.c.response_id, _table.c.code, _table.c.id)
    )
    for response_id, code, value, number, text in rows:
        answers = found.setdefault(response_id, {})
        shown = text if text is not None else str(number) if number is not None else value
        answers[code] = f"{answers[code]};{shown}" if code in answers else shown
    return found

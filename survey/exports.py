"""Exports of stored answers: one row per response, one column per item code."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Place, Response
from .questionnaire import builtin

#: Columns the export adds around the item codes; the import accepts them back.
LEADING = ["submitted_on", "place"]
TRAILING = ["questionnaire_version", "source", "round"]


def response_columns() -> list[str]:
    return LEADING + builtin(1).codes + TRAILING


def iter_response_rows(session: Session, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Yield every answer as a dict keyed by column, streaming in batches."""
    codes = builtin(1).codes
    table = Response.__table__
    stmt = (
        select(
            Response.submitted_on,
            Place.slug,
            *(table.c[c] for c in codes),
            Response.questionnaire_version,
            Response.source,
            Response.round_id,
        )
        .join(Place, Place.id == Response.place_id)
        .order_by(Response.id)
        .execution_options(yield_per=batch)
    )
    names = response_columns()
    for row in session.execute(stmt):
        record = dict(zip(names, row, strict=True))
        record["submitted_on"] = record["submitted_on"].isoformat()
        yield record


def write_responses(session: Session, stream: IO[str], fmt: str) -> int:
    """Write all answers as CSV or JSON to a text stream; return how many."""
    multi = {item.code for item in builtin(1).items if item.type == "multi"}
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=response_columns())
        writer.writeheader()
        for record in iter_response_rows(session):
            writer.writerow({k: "" if v is None else v for k, v in record.items()})
            count += 1
        return count
    stream.write("[")
    for count, record in enumerate(iter_response_rows(session), start=1):
        for code in multi:
            record[code] = record[code].split(";") if record[code] else []
        stream.write(("\n" if count == 1 else ",\n") + json.dumps(record, ensure_ascii=False))
    stream.write("\n]\n" if count else "]\n")
    return count

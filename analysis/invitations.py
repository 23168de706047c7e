"""Response rates of invitation rounds: answers from an area / letters sent to it.

A round counts as an invitation round for an area when letters (codes) were made for it.
The answers are the round's answers about the area's places (web and paper; held answers
left out, as everywhere). The rate is the whole round's: the date, gender and age filters of
the picture do not apply (a letter has no date, gender or age). Like every other figure, a
rate resting on fewer than ``suppress_below`` answers is not shown, nor is its answer count.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from .counted import response_count_month
from .tables import invitation_code, place, survey_round


def response_rates(
    conn: Connection, area_id: int, round_id: int | None, suppress_below: int
) -> list[dict[str, Any]]:
    """Per invitation round of the area (newest first): letters, answers and their ratio."""
    sent = (
        select(invitation_code.c.round_id, func.count().label("letters"))
        .where(invitation_code.c.area_id == area_id)
        .group_by(invitation_code.c.round_id)
    )
    if round_id is not None:
        sent = sent.where(invitation_code.c.round_id == round_id)
    sent_q = sent.subquery()
    # From the month counts (never a held answer), not the answers: flat in their number.
    counts = response_count_month.c
    answers = (
        select(counts.round_key.label("round_id"), func.sum(counts.answers).label("answers"))
        .join(place, place.c.id == counts.place_id)
        .where(place.c.area_id == area_id, counts.round_key.in_(select(sent_q.c.round_id)))
        .group_by(counts.round_key)
        .subquery()
    )
    rows = conn.execute(
        select(
            sent_q.c.round_id,
            survey_round.c.name,
            sent_q.c.letters,
            func.coalesce(answers.c.answers, 0),
        )
        .join(survey_round, survey_round.c.id == sent_q.c.round_id)
        .outerjoin(answers, answers.c.round_id == sent_q.c.round_id)
        .order_by(sent_q.c.round_id.desc())
    )
    rates = []
    for rid, name, letters, n in rows:
        hidden = n < suppress_below
        rates.append(
            {
                "round_id": rid,
                "round_name": name,
                "invitations": letters,
                "answers": None if hidden else n,
                "response_rate": None if hidden else n / letters,
                "suppressed": hidden,
            }
        )
    return rates

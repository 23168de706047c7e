"""Survey rounds: create, change and delete, refusing overlaps within an area."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import Area, InvitationCode, Place, Response, SurveyRound
from ..models.rounds import round_area
from . import audit

FAR_FUTURE = dt.date(9999, 12, 31)


class RoundError(ValueError):
    """A refused change, with a message fit to show the user (and the field it is about)."""

    def __init__(self, message: str, field: str = "opens_on") -> None:
        super().__init__(message)
        self.field = field


def rounds_with_counts(session: Session) -> list[tuple[SurveyRound, int]]:
    """All rounds, newest first, each with its number of answers."""
    counts = (
        select(Response.round_id, func.count().label("n"))
        .where(Response.round_id.is_not(None))
        .group_by(Response.round_id)
        .subquery()
    )
    rows = session.execute(
        select(SurveyRound, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.round_id == SurveyRound.id)
        .options(selectinload(SurveyRound.areas))
        .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
    )
    return [(r, n) for r, n in rows]


def overlapping(
    session: Session,
    areas: list[Area],
    opens_on: dt.date,
    closes_on: dt.date | None,
    exclude_id: int | None = None,
) -> SurveyRound | None:
    """Another round for one of these areas whose dates overlap these, or None."""
    stmt = (
        select(SurveyRound)
        .join(round_area, round_area.c.round_id == SurveyRound.id)
        .where(
            round_area.c.area_id.in_([a.id for a in areas]),
            SurveyRound.opens_on <= (closes_on or FAR_FUTURE),
            or_(SurveyRound.closes_on.is_(None), SurveyRound.closes_on >= opens_on),
        )
        .limit(1)
    )
    if exclude_id is not None:
        stmt = stmt.where(SurveyRound.id != exclude_id)
    return session.scalar(stmt)


def save_round(
    session: Session,
    survey_round: SurveyRound | None,
    name: str,
    areas: list[Area],
    opens_on: dt.date,
    closes_on: dt.date | None,
    by_invitation: bool | None = None,
    paper_return: str | None = None,
) -> SurveyRound:
    """Create a round (survey_round None) or change one; flush.

    ``by_invitation`` None keeps the round's setting. A round with invitation codes stays by
    invitation: its letters are out, and open answers would mix into the sample.
    ``paper_return`` (where paper forms are handed in) None keeps the round's text, "" clears it.
    """
    clash = overlapping(
        session, areas, opens_on, closes_on, survey_round.id if survey_round else None
    )
    if clash is not None:
        raise RoundError(
            _(
                "The dates overlap the round %(name)s in one of the same areas: give that round"
                " a last day first, or take the area out of it.",
                name=clash.name,
            )
        )
    creating = survey_round is None
    if survey_round is not None:
        _keeps_its_answers(session, survey_round, areas, opens_on, closes_on)
    if (
        by_invitation is False
        and survey_round is not None
        and survey_round.by_invitation
        and session.scalar(
            select(func.count())
            .select_from(InvitationCode)
            .where(InvitationCode.round_id == survey_round.id)
        )
    ):
        raise RoundError(
            _("Letters with codes have been made for this round: it stays by invitation."),
            field="by_invitation",
        )
    survey_round = survey_round or SurveyRound()
    if by_invitation is not None:
        survey_round.by_invitation = by_invitation
    if paper_return is not None:
        survey_round.paper_return = paper_return.strip() or None
    survey_round.name = name.strip()
    survey_round.areas = areas
    survey_round.opens_on = opens_on
    survey_round.closes_on = closes_on
    session.add(survey_round)
    session.flush()
    audit.record(
        session,
        "round.create" if creating else "round.update",
        survey_round,
        {
            "name": survey_round.name,
            "areas": [a.slug for a in areas],
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat() if closes_on else None,
            "by_invitation": survey_round.by_invitation,
            "paper_return": survey_round.paper_return,
        },
    )
    return survey_round


def _keeps_its_answers(
    session: Session,
    survey_round: SurveyRound,
    areas: list[Area],
    opens_on: dt.date,
    closes_on: dt.date | None,
) -> None:
    """Refuse a change that would leave answers outside their round: an area left out, or
    dates that no longer cover them (they could no longer be corrected, and the area's
    picture would compare with a round that is not its own)."""
    in_round = Response.round_id == survey_round.id
    outside = session.execute(
        select(Area.name, func.count())
        .select_from(Response)
        .join(Place, Place.id == Response.place_id)
        .join(Area, Area.id == Place.area_id)
        .where(in_round, Area.id.not_in([a.id for a in areas]))
        .group_by(Area.name)
        .order_by(Area.name)
    ).first()
    if outside is not None:
        raise RoundError(
            _(
                "This round has %(n)d answers from %(area)s: the area stays in the round.",
                n=outside[1],
                area=outside[0],
            ),
            field="areas",
        )
    # The answers the round's dates cover now (an import may have dated some outside them).
    covered = [in_round, Response.submitted_on >= survey_round.opens_on]
    if survey_round.closes_on is not None:
        covered.append(Response.submitted_on <= survey_round.closes_on)
    first, last = session.execute(
        select(func.min(Response.submitted_on), func.max(Response.submitted_on)).where(*covered)
    ).one()
    if first is not None and (first < opens_on or (closes_on is not None and last > closes_on)):
        raise RoundError(
            _(
                "This round has answers from %(first)s to %(last)s: its dates must cover them.",
                first=first.isoformat(),
                last=last.isoformat(),
            ),
            field="closes_on" if first >= opens_on else "opens_on",
        )


def delete_round(session: Session, survey_round: SurveyRound) -> None:
    answers = session.scalar(
        select(func.count()).select_from(Response).where(Response.round_id == survey_round.id)
    )
    if answers:
        raise RoundError(_("The round has %(n)d answers and cannot be deleted.", n=answers))
    audit.record(session, "round.delete", survey_round, {"name": survey_round.name})
    session.delete(survey_round)
    session.flush()


def area_rounds(session: Session, area: Area) -> list[SurveyRound]:
    """The survey rounds that cover this area, newest first."""
    return list(
        session.scalars(
            select(SurveyRound)
            .join(round_area, round_area.c.round_id == SurveyRound.id)
            .where(round_area.c.area_id == area.id)
            .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
        )
    )

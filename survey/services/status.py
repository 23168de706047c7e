"""What needs an organizer's attention now: the start page's status, computed in one place.

Read-only: nothing here writes. Every count is an SQL aggregate, so the start page stays
cheap however many answers the database holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from analysis.collation import swedish_sorted
from analysis.crime_series import SOURCE_ORDER, local_time
from analysis.deviations import deviations, shift_month
from analysis.picture import STALE_AFTER_DAYS, last_covered_day, outdated

from ..models import (
    Area,
    AuditEvent,
    DeviationAlert,
    Dialogue,
    Place,
    Release,
    Response,
    SurveyRound,
)
from ..models.crime import CrimeCoverage

#: Answers "this week": today and the six days before it.
RECENT_DAYS = 7
#: Deviations count as new when their month is this month or one of the two before it.
NEW_DEVIATION_MONTHS = 3
#: The audit action the demo records once it has filled the database (survey/demo).
DEMO_ACTION = "demo.load"
#: The prefix the demo puts on every name and text it invents (survey/demo/scenario.py).
DEMO_PREFIX = "[DEMO]"


@dataclass(frozen=True)
class OpenRound:
    id: int
    name: str
    opens_on: dt.date
    closes_on: dt.date | None
    areas: list[str]


@dataclass(frozen=True)
class AreaStatus:
    """One area's things to do: held answers to review, changes not yet published."""

    slug: str
    name: str
    held: int
    #: When the newest release was made; None when the area was never published.
    last_release: dt.datetime | None
    #: Answers counted now beyond those in the newest release (all if never published).
    new_answers: int
    #: Dialogues logged or edited after the newest release (all if never published).
    new_dialogues: int

    @property
    def unpublished(self) -> bool:
        return bool(self.new_answers or self.new_dialogues)


@dataclass(frozen=True)
class Status:
    today: dt.date
    open_rounds: list[OpenRound]
    recent_answers: int
    #: New crime deviations, highest score first: dicts from analysis.deviations.
    new_deviations: list[dict] = field(default_factory=list)
    areas: list[AreaStatus] = field(default_factory=list)
    #: The newest day each crime source covers ('csv', 'events'; empty: no crime data).
    crime_newest: dict[str, dt.date] = field(default_factory=dict)

    @property
    def crime_up_to(self) -> dt.date | None:
        """The newest day any crime source covers (None: no crime data at all)."""
        return max(self.crime_newest.values(), default=None)

    @property
    def crime_stale_days(self) -> int:
        return STALE_AFTER_DAYS

    @property
    def crime_outdated(self) -> bool:
        """No crime data, or none as recent as its source allows: "0 new deviations" says
        little."""
        return outdated(self.crime_newest, self.today)

    @property
    def fetches_events(self) -> bool:
        return "events" in self.crime_newest

    @property
    def held(self) -> int:
        return sum(a.held for a in self.areas)

    @property
    def area_names(self) -> dict[str, str]:
        return {a.slug: a.name for a in self.areas}

    @property
    def to_do(self) -> list[AreaStatus]:
        """Areas with held answers or unpublished changes."""
        return [a for a in self.areas if a.held or a.unpublished]


def has_demo_data(session: Session) -> bool:
    """True when the database holds the synthetic demo (trygghet demo), which is labelled."""
    demo_loaded = exists().where(AuditEvent.action == DEMO_ACTION)
    demo_round = exists().where(SurveyRound.name.startswith(DEMO_PREFIX, autoescape=True))
    return bool(session.scalar(select(or_(demo_loaded, demo_round))))


def _open_rounds(session: Session, today: dt.date) -> list[OpenRound]:
    rounds = session.scalars(
        select(SurveyRound)
        .where(
            SurveyRound.opens_on <= today,
            or_(SurveyRound.closes_on.is_(None), SurveyRound.closes_on >= today),
        )
        .options(selectinload(SurveyRound.areas))
        .order_by(SurveyRound.opens_on, SurveyRound.id)
    )
    return [
        OpenRound(r.id, r.name, r.opens_on, r.closes_on, [a.name for a in r.areas]) for r in rounds
    ]


def _newest_releases(session: Session) -> dict[int, Release]:
    newest = select(func.max(Release.id)).group_by(Release.area_id).scalar_subquery()
    return {r.area_id: r for r in session.scalars(select(Release).where(Release.id.in_(newest)))}


def _area_statuses(session: Session) -> list[AreaStatus]:
    areas = swedish_sorted(session.scalars(select(Area)), lambda area: area.name)
    newest = _newest_releases(session)
    # Answers per area, round and held flag: a few rows, summed here.
    counts = session.execute(
        select(Place.area_id, Response.round_id, Response.held, func.count())
        .join(Response, Response.place_id == Place.id)
        .group_by(Place.area_id, Response.round_id, Response.held)
    )
    held: dict[int, int] = {}
    in_round: dict[tuple[int, int], int] = {}
    total: dict[int, int] = {}
    for area_id, round_id, is_held, n in counts:
        if is_held:
            held[area_id] = held.get(area_id, 0) + n
            continue
        total[area_id] = total.get(area_id, 0) + n
        if round_id is not None:
            in_round[area_id, round_id] = in_round.get((area_id, round_id), 0) + n
    release = (
        select(Release.area_id, func.max(Release.created_at).label("at"))
        .group_by(Release.area_id)
        .subquery()
    )
    query = (
        select(Dialogue.area_id, func.count())
        .outerjoin(release, release.c.area_id == Dialogue.area_id)
        .where(or_(release.c.at.is_(None), Dialogue.updated_at > release.c.at))
        .group_by(Dialogue.area_id)
    )
    new_dialogues: dict[int, int] = dict(session.execute(query).all())
    statuses = []
    for area in areas:
        last = newest.get(area.id)
        if last is None:
            new_answers = total.get(area.id, 0)
        else:
            # The release's picture counted n answers of its round (or all); the rest are new.
            now = (
                total.get(area.id, 0)
                if last.round_id is None
                else in_round.get((area.id, last.round_id), 0)
            )
            new_answers = max(0, now - int(last.audited_picture.get("n") or 0))
        statuses.append(
            AreaStatus(
                slug=area.slug,
                name=area.name,
                held=held.get(area.id, 0),
                last_release=last.created_at if last else None,
                new_answers=new_answers,
                new_dialogues=new_dialogues.get(area.id, 0),
            )
        )
    return statuses


def _crime_newest(session: Session) -> dict[str, dt.date]:
    """The newest day each crime source covers, as the dashboard's "crime data up to" reads
    it."""
    newest = {}
    for source in SOURCE_ORDER:
        row = session.execute(
            select(CrimeCoverage.starts, CrimeCoverage.ends)
            .where(CrimeCoverage.source == source)
            .order_by(CrimeCoverage.ends.desc())
            .limit(1)
        ).first()
        if row is not None:
            newest[source] = last_covered_day(local_time(row.starts), local_time(row.ends))
    return newest


def status(session: Session, today: dt.date) -> Status:
    """Open rounds, the week's answers, new deviations and each area's things to do."""
    since = today - dt.timedelta(days=RECENT_DAYS - 1)
    recent = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(
            Response.submitted_on >= since,
            Response.submitted_on <= today,
            Response.held.is_(False),
        )
    )
    this_month = today.replace(day=1)
    months = (shift_month(this_month, 1 - NEW_DEVIATION_MONTHS), this_month)
    handled = {
        (slug, category, month.strftime("%Y-%m"))
        for slug, category, month in session.execute(
            select(Area.slug, DeviationAlert.category, DeviationAlert.month)
            .join(Area, Area.id == DeviationAlert.area_id)
            .where(DeviationAlert.handled_at.is_not(None), DeviationAlert.month >= months[0])
        )
    }
    found = [
        d
        for d in deviations(session.connection(), None, months=months, today=today)
        if (d["area"], d["category"], d["month"]) not in handled  # done: no longer new
    ]
    return Status(
        today=today,
        open_rounds=_open_rounds(session, today),
        recent_answers=recent or 0,
        new_deviations=found,
        areas=_area_statuses(session),
        crime_newest=_crime_newest(session),
    )

"""Factories: the objects tests build, with sensible defaults and keyword overrides.

Plain functions, no factory_boy: each makes one thing in a session (``db.session`` of the
current app context unless ``session=`` is given), flushes so that ids are set, and leaves the
commit to the test, like the app's services. Areas and places are given by slug (or as
objects); the defaults are the default data every test starts from (Bromma, Brommaplan).

    with app.app_context():
        before, after = factories.rounds_before_and_after()
        factories.answers("brommaplan", before, 20, safety_evening="3")
        promise = factories.promise(rounds=(before, after), activities=[factories.activity()])
        db.session.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from survey.extensions import db
from survey.models import (
    Area,
    CrimeCount,
    Dialogue,
    DialogueIssue,
    Place,
    Promise,
    PromiseActivity,
    Response,
    SurveyRound,
    User,
)

#: The day answers are dated unless told otherwise (inside the first default round below).
ANSWERED_ON = dt.date(2025, 10, 1)


def _session(session: Session | None) -> Session:
    return session if session is not None else db.session


def find_area(key: str | int | Area = "bromma", *, session: Session | None = None) -> Area:
    """An area by slug or id (one of the default areas: bromma, hasselby-vallingby, ekero)."""
    if isinstance(key, Area):
        return key
    s = _session(session)
    if isinstance(key, int):
        return s.get_one(Area, key)
    return s.scalars(select(Area).where(Area.slug == key)).one()


def find_place(key: str | int | Place = "brommaplan", *, session: Session | None = None) -> Place:
    """A place by slug or id (e.g. the default brommaplan, alvik, abrahamsberg in Bromma)."""
    if isinstance(key, Place):
        return key
    s = _session(session)
    if isinstance(key, int):
        return s.get_one(Place, key)
    return s.scalars(select(Place).where(Place.slug == key)).one()


def _id(value: int | SurveyRound | None) -> int | None:
    return value.id if isinstance(value, SurveyRound) else value


def default_round(*, session: Session | None = None) -> SurveyRound:
    """The open round the default data starts with."""
    query = select(SurveyRound).order_by(SurveyRound.id).limit(1)
    return _session(session).scalars(query).one()


def survey_round(
    name: str = "Hösten 2025",
    opens_on: dt.date = dt.date(2025, 9, 1),
    *,
    areas: Iterable[str | int | Area] | str = (),
    session: Session | None = None,
    **fields: Any,
) -> SurveyRound:
    """A survey round; ``areas`` by slug, or ``"all"`` for every area."""
    s = _session(session)
    if areas == "all":
        chosen = list(s.scalars(select(Area).order_by(Area.id)))
    else:
        chosen = [find_area(a, session=s) for a in areas]
    made = SurveyRound(name=name, opens_on=opens_on, areas=chosen, **fields)
    s.add(made)
    s.flush()
    return made


def rounds_before_and_after(
    *, session: Session | None = None, **fields: Any
) -> tuple[SurveyRound, SurveyRound]:
    """A baseline round (autumn 2025) and a follow-up round (spring 2026), as promises use."""
    return (
        survey_round("Hösten 2025", dt.date(2025, 9, 1), session=session, **fields),
        survey_round("Våren 2026", dt.date(2026, 4, 1), session=session, **fields),
    )


def answer_rows(
    place: str | Place | int,
    survey_round: SurveyRound | int | None = None,
    count: int = 1,
    *,
    session: Session | None = None,
    **values: Any,
) -> list[dict[str, Any]]:
    """``count`` equal answers as rows for a bulk insert (see ``answers``)."""
    place_id = place if isinstance(place, int) else find_place(place, session=session).id
    row = {
        "place_id": place_id,
        "round_id": _id(survey_round),
        "submitted_on": ANSWERED_ON,
        "questionnaire_version": 1,
        "source": "web",
        **values,
    }
    return [dict(row) for _ in range(count)]


def answers(
    place: str | Place | int,
    survey_round: SurveyRound | int | None = None,
    count: int = 1,
    *,
    session: Session | None = None,
    **values: Any,
) -> None:
    """Store ``count`` equal answers at a place in one INSERT (item codes as keywords)."""
    insert_answers(answer_rows(place, survey_round, count, session=session, **values), session)


def insert_answers(rows: Sequence[Mapping[str, Any]], session: Session | None = None) -> None:
    """Store rows made by ``answer_rows`` (several kinds of answers) in one INSERT."""
    if rows:
        _session(session).execute(insert(Response), list(rows))


def answer(
    place: str | int | Place = "brommaplan",
    *,
    session: Session | None = None,
    **fields: Any,
) -> Response:
    """One answer as an ORM object (for its id): in the default round unless told otherwise."""
    s = _session(session)
    values = {
        "submitted_on": ANSWERED_ON,
        "questionnaire_version": 1,
        "source": "web",
        "relation": "live",
        **fields,
    }
    if "round_id" not in values:
        values["round_id"] = default_round(session=s).id
    made = Response(place_id=find_place(place, session=s).id, **values)
    s.add(made)
    s.flush()
    return made


def issue(
    problem: str = "alcohol", *, place: str | int | Place | None = None, **fields: Any
) -> DialogueIssue:
    """A dialogue issue, not yet attached (pass it in ``dialogue(issues=[...])``)."""
    if place is not None:
        fields["place"] = find_place(place)
    return DialogueIssue(problem=problem, **fields)


def dialogue(
    area: str | int | Area = "bromma",
    place: str | int | Place | None = "brommaplan",
    *,
    issues: Iterable[DialogueIssue] = (),
    session: Session | None = None,
    **fields: Any,
) -> Dialogue:
    """A dialogue (a resident meeting at Brommaplan by default) with its issues, in order."""
    s = _session(session)
    values = {
        "held_on": dt.date(2026, 3, 10),
        "kind": "medborgardialog",
        "residents": 12,
        "organizer": "Kommunpolis",
        **fields,
    }
    made = Dialogue(area_id=find_area(area, session=s).id, **values)
    if place is not None:
        made.place_id = find_place(place, session=s).id
    for position, one in enumerate(issues, start=1):
        if one.position is None:
            one.position = position
        made.issues.append(one)
    s.add(made)
    s.flush()
    return made


def activity(
    kind: str = "presence_patrol", held_on: dt.date = dt.date(2026, 2, 1), **fields: Any
) -> PromiseActivity:
    """A promise activity, not yet attached (pass it in ``promise(activities=[...])``)."""
    return PromiseActivity(kind=kind, held_on=held_on, **fields)


def promise(
    area: str | int | Area = "bromma",
    *,
    places: Iterable[str | int | Place] = ("brommaplan",),
    rounds: tuple[SurveyRound | int | None, SurveyRound | int | None] = (None, None),
    activities: Iterable[PromiseActivity] = (),
    session: Session | None = None,
    **fields: Any,
) -> Promise:
    """A citizen promise for the first half of 2026, followed up by the evening unsafe share."""
    s = _session(session)
    values = {
        "title": "Tryggare Brommaplan",
        "text": "Polis och kommun ökar närvaron på kvällarna.",
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 6, 30),
        "indicators": [{"kind": "unsafe_share", "time": "evening"}],
        "baseline_round_id": _id(rounds[0]),
        "followup_round_id": _id(rounds[1]),
        **fields,
    }
    made = Promise(
        area_id=find_area(area, session=s).id,
        places=[find_place(p, session=s) for p in places],
        activities=list(activities),
        **values,
    )
    s.add(made)
    s.flush()
    return made


def crime_counts(
    months: Mapping[dt.date, int | None],
    area: str | int | Area = "bromma",
    category: str = "Misshandel",
    *,
    session: Session | None = None,
    **fields: Any,
) -> list[CrimeCount]:
    """Monthly counts of one category in an area (None: suppressed by the source)."""
    s = _session(session)
    area_id = find_area(area, session=s).id
    made = [
        CrimeCount(
            area_id=area_id,
            month=month,
            category=category,
            count=count,
            **({"source": "csv"} | fields),
        )
        for month, count in months.items()
    ]
    s.add_all(made)
    s.flush()
    return made


def user(
    role: str = "organizer",
    email: str | None = None,
    password: str | None = "a-long-password-123",  # noqa: S107
    *,
    session: Session | None = None,
) -> User:
    """An account made as the app makes it (audited; hashed as the app's config says)."""
    from survey.services.accounts import create_user

    s = _session(session)
    if email is None:
        taken = s.scalars(select(User.email)).all()
        email = next(
            f"{role}{n}@trygghet.test"
            for n in range(1, len(taken) + 2)
            if f"{role}{n}@trygghet.test" not in taken
        )
    return create_user(s, email, role, password)

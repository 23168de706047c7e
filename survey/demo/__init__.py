"""``trygghet demo``: fill an empty database with a clearly labelled SYNTHETIC data set.

Everything goes through the services an organizer's writes use (rounds, dialogues, promises,
the crime import, the public answer), so every check and audit entry applies. Dates are
relative to today; the same seed and day give the same data (the story: ``scenario``).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..imports.crime import import_crime
from ..models import Area, CrimeCount, Dialogue, Place, Promise, Response, SurveyRound
from ..questionnaire import builtin
from ..seed import DEFAULT_ROUND_NAME, load_defaults
from ..services import audit
from ..services.comments import add_tag
from ..services.dialogues import add_issue, create_dialogue
from ..services.promises import add_activity, create_promise
from ..services.releases import publish
from ..services.responses import record_response
from ..services.rounds import save_round
from .answers import invented_answer
from .population import invent_population
from .scenario import (
    AFTER_PROMISE,
    COMMENT_TAGS,
    COMMENTS,
    CRIME_BASE,
    DEMO,
    DEVIATION,
    DIALOGUES,
    FEW_ANSWERS,
    PROFILES,
    PROMISE_CRIME_EFFECT,
    PROMISES,
    SHARES,
)
from .summary import WARNING, DemoSummary, report

__all__ = ["WARNING", "DemoRefused", "DemoSummary", "load_demo", "report", "shift_month"]

DEFAULT_ANSWERS = 1500
#: Days a demo survey round is open.
ROUND_DAYS = 42
SWEDISH_MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
CRIME_YEARS = 5


class DemoRefused(Exception):
    """The database is not empty (or lacks the default places): the demo changes nothing."""


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (negative: before) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def existing_data(session: Session) -> list[str]:
    """What real data the database holds; empty when the demo may run."""

    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    found = [
        f"{n} {noun}"
        for n, noun in (
            (count(Response), "answers"),
            (count(Dialogue), "dialogues"),
            (count(CrimeCount), "crime counts"),
            (count(Promise), "promises"),
        )
        if n
    ]
    rounds = session.scalars(select(SurveyRound.name)).all()
    others = len(rounds) - min(1, rounds.count(DEFAULT_ROUND_NAME))
    if others:
        found.append(f"{others} survey rounds besides the default one")
    return found


def _places(session: Session) -> dict[str, Place]:
    places = {p.slug: p for p in session.scalars(select(Place).where(Place.retired.is_(False)))}
    missing = sorted(set(PROFILES) - set(places))
    if missing:
        raise DemoRefused(
            "the demo needs the default places, and these are missing or retired: "
            + ", ".join(missing)
        )
    return places


def _rounds(session: Session, today: dt.date, summary: DemoSummary) -> list[SurveyRound]:
    """Two past rounds for every area, about a year and about a quarter ago."""
    areas = list(session.scalars(select(Area).order_by(Area.name)))
    opens = [shift_month(today.replace(day=1), -12), shift_month(today.replace(day=1), -3)]
    last_day = opens[1] + dt.timedelta(days=ROUND_DAYS - 1)
    default = session.scalar(select(SurveyRound).where(SurveyRound.name == DEFAULT_ROUND_NAME))
    if default is not None and default.opens_on <= last_day:
        # The untouched default round would overlap the past rounds: let it open today.
        save_round(session, default, default.name, list(default.areas), today, default.closes_on)
        summary.moved_default_round = True
    made = []
    for opens_on in opens:
        name = f"{DEMO} Trygghetsmätning {SWEDISH_MONTHS[opens_on.month - 1]} {opens_on.year}"
        closes_on = opens_on + dt.timedelta(days=ROUND_DAYS - 1)
        made.append(save_round(session, None, name, areas, opens_on, closes_on))
        summary.rounds.append(f"{name} ({opens_on} to {closes_on})")
    return made


def _answer_counts(total: int) -> dict[str, int]:
    """Answers per place over both rounds: the few-answer places first, the rest by share."""
    rest = total - sum(FEW_ANSWERS.values())
    weights = sum(SHARES.values())
    counts = {slug: rest * w // weights for slug, w in SHARES.items()}
    # What rounding down left over goes to the busiest place, so the total is exact.
    busiest = max(SHARES, key=lambda slug: SHARES[slug])
    counts[busiest] += rest - sum(counts.values())
    return FEW_ANSWERS | counts


def _responses(
    session: Session,
    rng: random.Random,
    places: dict[str, Place],
    rounds: list[SurveyRound],
    total: int,
    today: dt.date,
    summary: DemoSummary,
    progress: Callable[[int], None],
) -> None:
    questionnaire = builtin(1)
    counts = _answer_counts(total)
    # A handful of answers, spread over the places, carry a (harmless, labelled) comment.
    comments = {
        (position * 173 + 11) % sum(counts.values()): (f"{DEMO} {text}", tag)
        for position, (text, tag) in enumerate(zip(COMMENTS, COMMENT_TAGS, strict=True))
    }
    index = 0
    for slug, n in counts.items():
        place = places[slug]
        for _ in range(n):
            # A little under half the answers in the first round, as interest grows.
            survey_round = rounds[0] if rng.random() < 0.48 else rounds[1]
            profile = PROFILES[slug]
            if survey_round is rounds[1]:
                profile = AFTER_PROMISE.get(slug, profile)
            day = survey_round.opens_on + dt.timedelta(days=rng.randrange(ROUND_DAYS))
            comment, tag = comments.get(index, (None, None))
            answers = questionnaire.clean(invented_answer(rng, profile) | {"comment": comment})
            response = record_response(
                session,
                place,
                questionnaire.version,
                answers,
                source="paper" if rng.random() < 0.15 else "web",
                submitted_on=min(day, today),
                round_id=survey_round.id,
            )
            if tag:
                add_tag(session, response, tag)
            summary.comments += comment is not None
            index += 1
            progress(1)
        area = place.area.slug
        summary.answers[area] = summary.answers.get(area, 0) + n


def _dialogues(
    session: Session, places: dict[str, Place], today: dt.date, summary: DemoSummary
) -> None:
    areas = {a.slug: a for a in session.scalars(select(Area))}
    for script in DIALOGUES:
        held_on = shift_month(today.replace(day=1), -script.months_ago) + dt.timedelta(
            days=script.day - 1
        )
        dialogue = create_dialogue(
            session,
            {
                "held_on": min(held_on, today),
                "area_id": areas[script.area].id,
                "place_id": places[script.place].id if script.place else None,
                "kind": script.kind,
                "residents": script.residents,
                "partners": script.partners,
                "staff": script.staff,
                "organizer": f"{DEMO} {script.organizer}",
                "notes": f"{DEMO} Syntetisk dialog, påhittad för att visa appen. {script.notes}",
            },
        )
        for issue in script.issues:
            add_issue(
                session,
                dialogue,
                {
                    "place_id": places[issue.place].id if issue.place else None,
                    "problem": issue.problem,
                    "times": issue.times,
                    "raised_by": issue.raised_by,
                    "weight": issue.weight,
                    "quote": f"{DEMO} {issue.quote}" if issue.quote else None,
                    "measure": f"{DEMO} {issue.measure}" if issue.measure else None,
                },
            )
            summary.issues += 1
        summary.dialogues += 1


def _promise_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """Between the two rounds: from ten months ago to the day before the second round."""
    month = today.replace(day=1)
    return shift_month(month, -10), shift_month(month, -3) - dt.timedelta(days=1)


def _crime_rows(rng: random.Random, today: dt.date) -> list[tuple[str, str, str, int]]:
    """Five years of monthly counts up to last month: season, a slow trend, bounded noise."""
    last = shift_month(today.replace(day=1), -1)
    start, end = _promise_period(today)
    rows = []
    for area, categories in CRIME_BASE.items():
        for category, base in categories.items():
            for back in range(CRIME_YEARS * 12 - 1, -1, -1):
                month = shift_month(last, -back)
                season = 1 + 0.15 * math.sin(2 * math.pi * (month.month - 4) / 12)
                expected = base * season * (1 + 0.02 * (CRIME_YEARS - back / 12))
                if (area, category) == PROMISE_CRIME_EFFECT[:2] and start <= month <= end:
                    expected *= PROMISE_CRIME_EFFECT[2]
                count = round(expected + rng.uniform(-0.5, 0.5) * math.sqrt(expected))
                if (area, category) == DEVIATION[:2] and back == 1:
                    count = round(expected * DEVIATION[2]) + 4
                rows.append((month.strftime("%Y-%m"), area, f"{DEMO} {category}", max(0, count)))
    return rows


def _crime(session: Session, rng: random.Random, today: dt.date, summary: DemoSummary) -> None:
    """Write the counts as a Brå-style CSV and import it as any crime file is imported."""
    rows = _crime_rows(rng, today)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "trygghet-demo-crime.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["month", "area", "category", "count"])
            writer.writerows(rows)
        result = import_crime(session, path, "csv", today=today)
    summary.crime = result.summary()
    month = shift_month(today.replace(day=1), -2).strftime("%Y-%m")
    area, category, _factor = DEVIATION
    summary.deviation = f"{DEMO} {category} in {area}, {month}"


def _promises(
    session: Session,
    places: dict[str, Place],
    rounds: list[SurveyRound],
    today: dt.date,
    summary: DemoSummary,
) -> None:
    areas = {a.slug: a for a in session.scalars(select(Area))}
    start, end = _promise_period(today)
    for script in PROMISES:
        promise = create_promise(
            session,
            {
                "area_id": areas[script.area].id,
                "title": f"{DEMO} {script.title}",
                "text": f"{DEMO} {script.text}",
                "period_start": start,
                "period_end": end,
                "problems": ";".join(script.problems),
                "times": ";".join(script.times),
                "baseline_round_id": rounds[0].id,
                "followup_round_id": rounds[1].id,
                "indicators": [{"kind": "unsafe_share", "time": t} for t in script.times]
                + [{"kind": "problem_share", "problem": p} for p in script.problems]
                + [{"kind": "crime", "category": f"{DEMO} {c}"} for c in script.crime],
                "place_ids": [places[slug].id for slug in script.places],
            },
        )
        for kind, slug, hours, count, note, every_days in script.activities:
            day = start + dt.timedelta(days=every_days // 2)
            while day <= end:
                add_activity(
                    session,
                    promise,
                    {
                        "held_on": day,
                        "place_id": places[slug].id if slug else None,
                        "kind": kind,
                        "hours": hours,
                        "count": count,
                        "note": f"{DEMO} {note}",
                    },
                )
                summary.activities += 1
                day += dt.timedelta(days=every_days)
        summary.promises.append(promise.title)


def load_demo(
    session: Session,
    today: dt.date,
    seed: int = 1,
    answers: int = DEFAULT_ANSWERS,
    progress: Callable[[int], None] = lambda _n: None,
    suppress_below: int | None = None,
) -> DemoSummary:
    """Fill an empty database with the synthetic demo and publish it; flush, the caller commits.

    ``suppress_below`` is the releases' threshold (default: the app's TRYGGHET_SUPPRESS_BELOW).
    Raises DemoRefused, having changed nothing, when the database holds any real data.
    """
    found = existing_data(session)
    if found:
        raise DemoRefused(
            "the database already holds data (" + ", ".join(found) + "); the demo only fills"
            " an empty database, so nothing was changed"
        )
    load_defaults(session)
    places = _places(session)
    # Not for security: a seeded generator, so that the same seed gives the same demo.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    summary = DemoSummary()
    rounds = _rounds(session, today, summary)
    _responses(session, rng, places, rounds, answers, today, summary, progress)
    _dialogues(session, places, today, summary)
    _crime(session, rng, today, summary)
    _promises(session, places, rounds, today, summary)
    invent_population(session, today, summary)
    audit.record(
        session,
        "demo.load",
        None,
        {"seed": seed, "answers": sum(summary.answers.values()), "synthetic": True},
    )
    session.flush()
    _publish(session, rounds, today, suppress_below, summary)
    return summary


def _publish(
    session: Session,
    rounds: list[SurveyRound],
    today: dt.date,
    suppress_below: int | None,
    summary: DemoSummary,
) -> None:
    """A release per area of each demo round, oldest first, so the public page shows the
    newest round's at once (as an organizer's "publish" would, audit included)."""
    if suppress_below is None:
        suppress_below = int(current_app.config["TRYGGHET_SUPPRESS_BELOW"])
    for survey_round in rounds:
        for area in sorted(survey_round.areas, key=lambda a: a.name):
            release = publish(session, area.slug, survey_round.id, suppress_below, today)
            summary.releases.append((area.slug, area.name, survey_round.name, release.sequence))

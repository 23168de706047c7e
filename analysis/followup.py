"""Follow-up of a citizen promise: its indicators before and after, and the work logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Connection,
    case,
    func,
    select,
)

from .crime_series import read_series
from .survey import Filters, survey_indicators
from .tables import PROBLEMS, TIMES
from .tables import area as _area
from .tables import place as _place
from .tables import promise as _promise
from .tables import promise_activity as _activity
from .tables import promise_place as _promise_place
from .tables import response as _response
from .tables import survey_round as _round
from .verdict_rules import (  # noqa: F401 (re-exported for callers of the follow-up)
    ALPHA,
    HOLM,
    PRIMARY,
    SEASON_YEARS,
    crime_test,
    decide,
    overall_status,
    season_comparison,
    share_test,
)
from .verdicts import NO_DATA
from .weights import Cell, Cells, WeightedShare, area_weights

#: Answers that count toward the unsafe share (DESIGN §4): 3, 4 and staying away.
UNSAFE = ("3", "4", "avoid")
SAFETY_ANSWERED = ("1", "2", "3", "4", "avoid")
BIG_PROBLEM = ("3", "4")
PROBLEM_ANSWERED = ("0", "1", "2", "3", "4")


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part]


def _load_promise(conn: Connection, promise_id: int) -> tuple[Any, dict[str, Any], list[int]]:
    """The promise row, its public description, and the place ids its figures cover."""
    promise = conn.execute(select(_promise).where(_promise.c.id == promise_id)).one_or_none()
    if promise is None:
        raise LookupError(f"no promise {promise_id}")
    area_slug = conn.scalar(select(_area.c.slug).where(_area.c.id == promise.area_id))
    places = conn.execute(
        select(_place.c.id, _place.c.slug)
        .join(_promise_place, _promise_place.c.place_id == _place.c.id)
        .where(_promise_place.c.promise_id == promise_id)
        .order_by(_place.c.slug)
    ).all()
    if places:
        place_ids = [p.id for p in places]
    else:  # a promise for the whole area follows all its places
        place_ids = list(
            conn.scalars(select(_place.c.id).where(_place.c.area_id == promise.area_id))
        )
    round_ids = [r for r in (promise.baseline_round_id, promise.followup_round_id) if r]
    names = dict(
        conn.execute(select(_round.c.id, _round.c.name).where(_round.c.id.in_(round_ids))).all()
    )

    def round_ref(round_id: int | None) -> dict[str, Any] | None:
        return {"id": round_id, "name": names.get(round_id)} if round_id else None

    described = {
        "id": promise.id,
        "title": promise.title,
        "text": promise.text,
        "area": area_slug,
        "places": [p.slug for p in places],
        "problems": _split(promise.problems),
        "times": _split(promise.times),
        "period_start": promise.period_start.isoformat(),
        "period_end": promise.period_end.isoformat(),
        "baseline_round": round_ref(promise.baseline_round_id),
        "followup_round": round_ref(promise.followup_round_id),
    }
    return promise, described, place_ids


def _share_columns(
    indicator: dict[str, Any],
) -> tuple[Any, tuple[str, ...], tuple[str, ...]] | None:
    """The response column, its answered values and its 'bad' values; None if unknown."""
    if indicator.get("kind") == "unsafe_share" and indicator.get("time") in TIMES:
        return _response.c[f"safety_{indicator['time']}"], SAFETY_ANSWERED, UNSAFE
    if indicator.get("kind") == "problem_share" and indicator.get("problem") in PROBLEMS:
        return _response.c[f"problem_{indicator['problem']}"], PROBLEM_ANSWERED, BIG_PROBLEM
    return None


#: Per round, per indicator index, per place: (answered, bad) per respondent cell.
Counts = dict[int, dict[int, dict[int, dict[Cell, tuple[int, int]]]]]


def _round_counts(
    conn: Connection,
    promise: Any,
    place_ids: list[int],
    indicators: list[dict[str, Any]],
    group: Filters,
) -> Counts:
    """Answered and bad per round, indicator, place and (age band, gender): one GROUP BY.

    Only the answers of ``group`` (a gender, an age band, or everyone).
    """
    round_ids = [r for r in (promise.baseline_round_id, promise.followup_round_id) if r]
    wanted = {
        i: cols
        for i, indicator in enumerate(indicators)
        if (cols := _share_columns(indicator)) is not None
    }
    if not round_ids or not wanted or not place_ids:
        return {}
    aggregates = []
    for i, (col, answered, bad) in wanted.items():
        aggregates.append(func.sum(case((col.in_(answered), 1), else_=0)).label(f"n{i}"))
        aggregates.append(func.sum(case((col.in_(bad), 1), else_=0)).label(f"k{i}"))
    r = _response.c
    keys = (r.round_id, r.place_id, r.age_band, r.gender)
    rows = conn.execute(
        select(*keys, *aggregates)
        # Held answers (a burst under review) count nowhere, as in the survey figures.
        .where(*group.conditions(), r.round_id.in_(round_ids), r.place_id.in_(place_ids))
        .group_by(*keys)
    )
    counts: Counts = {}
    for row in rows:
        mapping = row._mapping
        cell = (row.age_band or None, row.gender or None)
        for i in wanted:
            by_place = counts.setdefault(row.round_id, {}).setdefault(i, {})
            found = (int(mapping[f"n{i}"] or 0), int(mapping[f"k{i}"] or 0))
            by_place.setdefault(row.place_id, {})[cell] = found
    return counts


def _figure_path(indicator: dict[str, Any]) -> tuple[str, str]:
    """Where a share indicator stands in the survey figures of a place."""
    if indicator["kind"] == "unsafe_share":
        return "times", indicator["time"]
    return "problems", indicator["problem"]


class _RoundFigures:
    """What the situation picture of one survey round shows, to publish no more than that.

    A follow-up share sums the promise's places. Were one of them hidden in the round's
    picture, the sum minus the places shown would give it away, so a side is published only
    when every place with answers in it is shown on its own (or the sum is the area total).
    Each side is weighted as its round's picture is: the same raking weights per (age band,
    gender) cell, or none where the area has no margins (or ``weighted`` is False). With a
    group (a gender, an age band), the round's picture of that group: its answers raked to
    the group's own margins, and its own suppression.
    """

    def __init__(
        self,
        conn: Connection,
        area_slug: str,
        suppress_below: int,
        weighted: bool | None,
        group: Filters,
    ) -> None:
        self.conn, self.area_slug, self.suppress_below = conn, area_slug, suppress_below
        self.weighted, self.group = weighted, group
        self._pictures: dict[int, dict[str, Any]] = {}
        self._weights: dict[int, Cells] = {}

    def weights(self, round_id: int) -> Cells:
        """The round's picture's weights per respondent cell ({} when it is not weighted)."""
        if round_id not in self._weights:
            filters = replace(self.group, round_id=round_id)
            self._weights[round_id] = area_weights(
                self.conn, self.area_slug, filters, self.weighted
            )[0]
        return self._weights[round_id]

    def shown(self, round_id: int, indicator: dict[str, Any], place_slugs: set[str]) -> bool:
        """Whether the round's picture shows the figure of each of these places (or their sum)."""
        if round_id not in self._pictures:
            self._pictures[round_id] = survey_indicators(
                self.conn,
                self.area_slug,
                replace(self.group, round_id=round_id),
                self.suppress_below,
                self.weighted,
            )
        picture = self._pictures[round_id]
        group, key = _figure_path(indicator)
        if place_slugs >= {p["place"] for p in picture["places"] if p[group][key]["n"]}:
            return not picture["area_total"][group][key]["suppressed"]
        return all(
            not p[group][key]["suppressed"] for p in picture["places"] if p["place"] in place_slugs
        )


def _share_indicator(
    indicator: dict[str, Any],
    index: int,
    promise: Any,
    counts: Counts,
    suppress_below: int,
    round_figures: _RoundFigures,
    slugs: dict[int, str],
) -> dict[str, Any]:
    result: dict[str, Any] = dict(indicator)
    sides: dict[str, WeightedShare | None] = {}
    for name, round_id in (
        ("before", promise.baseline_round_id),
        ("after", promise.followup_round_id),
    ):
        if round_id is None or _share_columns(indicator) is None:
            sides[name] = None
            result[name] = None
            continue
        by_place = counts.get(round_id, {}).get(index, {})
        side = WeightedShare(
            [(cell, n, k) for cells in by_place.values() for cell, (n, k) in cells.items()],
            round_figures.weights(round_id),
        )
        sides[name] = side
        answered_at = {
            slugs[pid] for pid, cells in by_place.items() if any(n for n, _ in cells.values())
        }
        if side.n and not round_figures.shown(round_id, indicator, answered_at):
            result[name] = {"n": side.n, "suppressed": True}
        else:
            result[name] = side.cell(suppress_below)
    usable = all(
        result[side] is not None and not result[side].get("suppressed")
        for side in ("before", "after")
    )
    before, after = sides["before"], sides["after"]
    if not usable or before is None or after is None:
        result["status"] = NO_DATA
        return result
    result.update(share_test(*before.counts(), *after.counts()))
    return result


def _add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _periods(promise: Any) -> tuple[dt.date, dt.date, dt.date]:
    """First month of the reference years, first month of the promise, and its last day.

    The reference is the same calendar months SEASON_YEARS years back at most: crime has a
    season, so the months just before a promise are no fair comparison.
    """
    start = promise.period_start.replace(day=1)
    end = promise.period_end
    # A promise recorded with an absurd start must not take the whole picture down.
    first = start.replace(year=start.year - SEASON_YEARS) if start.year > SEASON_YEARS else start
    return first, start, end


def _crime_counts(
    conn: Connection, promise: Any, categories: list[str], area_slug: str
) -> dict[str, list[tuple[dt.date, int]]]:
    """Monthly counts per category over both periods, read as the deviations read them.

    One count per month: an area total before its places, one source (CSV before the event
    list), suppressed months left out, so no crime is counted twice.
    """
    if not categories:
        return {}
    before_from, _start, end = _periods(promise)
    found: dict[str, list[tuple[dt.date, int]]] = {}
    for (_area_slug, category), series in read_series(conn, area_slug, before_from, end).items():
        if category in categories:
            found[category] = sorted((m, c) for m, c in series.items() if c is not None)
    return found


def _month_end(month: dt.date) -> dt.date:
    return _add_months(month, 1) - dt.timedelta(days=1)


def _crime_indicator(
    indicator: dict[str, Any], promise: Any, counts: dict[str, list[tuple[dt.date, int]]]
) -> dict[str, Any]:
    result: dict[str, Any] = dict(indicator)
    _first, start, end = _periods(promise)
    months = dict(counts.get(str(indicator.get("category")), []))
    comparison = season_comparison(months, start, end)
    after = comparison["after"] if comparison else []
    reference = comparison["reference"] if comparison else []
    # The rate is per month with a published count, so a period still running compares fairly.
    result["comparison"] = "same months of earlier years"
    result["before"] = {
        "from": reference[0][0].isoformat() if reference else None,
        "to": _month_end(reference[-1][0]).isoformat() if reference else None,
        "months": len(reference),
        "count": sum(c for _, c in reference),
        "years": sorted({m.year for m, _ in reference}),
    }
    result["after"] = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "months": len(after),
        "count": sum(c for _, c in after),
    }
    tested = crime_test(comparison) if comparison else None
    if tested is None:
        result["status"] = NO_DATA
        return result
    lo, hi = tested["ci"]
    result["rate_ratio"] = round(tested["rate_ratio"], 4)
    result["ci"] = [round(lo, 4), round(hi, 4) if hi != float("inf") else None]
    result["dispersion"] = round(comparison["phi"], 3) if comparison else 1.0
    result["p_value"] = round(tested["p_value"], 6)
    result["status"] = tested["status"]
    return result


def _activities(conn: Connection, promise_id: int) -> dict[str, Any]:
    rows = conn.execute(
        select(
            _activity.c.kind,
            func.count().label("activities"),
            func.coalesce(func.sum(_activity.c.hours), 0).label("hours"),
            func.coalesce(func.sum(_activity.c.count), 0).label("count"),
        )
        .where(_activity.c.promise_id == promise_id)
        .group_by(_activity.c.kind)
        .order_by(_activity.c.kind)
    ).all()
    by_kind = {
        row.kind: {
            "activities": int(row.activities),
            "count": int(row._mapping["count"]),
            "hours": round(float(row.hours), 2),
        }
        for row in rows
    }
    return {
        "total": sum(k["activities"] for k in by_kind.values()),
        "count": sum(k["count"] for k in by_kind.values()),
        "hours": round(sum(k["hours"] for k in by_kind.values()), 2),
        "by_kind": by_kind,
    }


def followup(
    conn: Connection,
    promise_id: int,
    suppress_below: int,
    weighted: bool | None = None,
    group: Filters | None = None,
) -> dict[str, Any]:
    """Compare a promise's indicators before and after, and sum its activities.

    ``weighted`` as in the situation picture: None weights each round's shares as that
    round's picture does where the area has margins, False never weights. ``group``: only
    its gender and age band are read (the rounds are the promise's and whole: a date range
    would cut them), and both rounds are that group's, raked to the group's margins.
    """
    group = Filters(gender=group.gender, age_band=group.age_band) if group else Filters()
    promise, described, place_ids = _load_promise(conn, promise_id)
    indicators = [i for i in (promise.indicators or []) if isinstance(i, dict)]
    shares = _round_counts(conn, promise, place_ids, indicators, group)
    slugs = dict(conn.execute(select(_place.c.id, _place.c.slug)).all())
    round_figures = _RoundFigures(conn, described["area"], suppress_below, weighted, group)
    categories = [
        str(i["category"]) for i in indicators if i.get("kind") == "crime" and i.get("category")
    ]
    crime = _crime_counts(conn, promise, categories, described["area"])
    results = [
        _crime_indicator(ind, promise, crime)
        if ind.get("kind") == "crime"
        else _share_indicator(ind, index, promise, shares, suppress_below, round_figures, slugs)
        for index, ind in enumerate(indicators)
    ]
    status, rule = decide(results)
    return {
        "promise": described,
        "indicators": results,
        "activities": _activities(conn, promise_id),
        "status": status,
        "verdict_rule": rule,
        # Whose answers the survey indicators count: everyone, or one gender or age band.
        "group": {"gender": group.gender, "age_band": group.age_band},
    }

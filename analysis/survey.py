"""Survey indicators per area, place, time of day and group (DESIGN §4), with suppression.

The area's figures come from ONE query over the answer counts the database keeps with every
answer (``response_count_month`` and, for a date range's partial months, ``response_count``:
a row per place, round, month or day, gender and age band, a column per item value), summed
per place, gender and age band (analysis.counted): at most one row per cell however many
answers it holds, which Python turns into counters per place, per group and for the whole
area. Raking weights
are constant within an (age band, gender) cell, so a weighted sum is the cell's counts times
the cell's weight: exact, and no respondent row ever leaves the database. The counters
themselves are defined in ``counted``.

Denominators (DESIGN §4): a time's unsafe share counts 1..4 and avoid (avoid as unsafe), not na
or dk; a problem counts 0..4, not dk; victim counts yes and no, not dk; reported counts the
victims' yes and no; police_cares and worry count 1..4, not dk; priorities count those who
chose any. ``by_group`` leaves out answers without a gender (or age band).

Suppression happens here, so no caller can forget it: a figure resting on fewer than
``suppress_below`` answers is ``{"n": n, "suppressed": True}`` with no share, score or interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    select,
)

from .collation import swedish_key
from .counted import PRIORITY_OPTIONS, PROBLEM_MAX, counted_cells, month_atoms, whole_months
from .disclosure import FOLLOWS, cell_at, follow, hide, protect_all
from .disclosure_filters import Unit, View, differencing_hidden
from .stats import mean_sd, published_share, score_interval, wilson
from .tables import PROBLEMS, TIMES, area, place, response
from .weights import Cells, weighting

GENDERS = ("woman", "man", "other", "na")
AGE_BANDS = ("16-24", "25-44", "45-64", "65+", "na")


@dataclass(frozen=True)
class Filters:
    """Which responses count: a round, a date range (inclusive), a gender, an age band."""

    round_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    gender: str | None = None
    age_band: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The SQL conditions on the response table."""
        r = response.c
        # Answers held from a burst count nowhere until an organizer releases them.
        conditions: list[ColumnElement[bool]] = [r.held.is_(False)]
        if self.round_id is not None:
            conditions.append(r.round_id == self.round_id)
        if self.date_from is not None:
            conditions.append(r.submitted_on >= self.date_from)
        if self.date_to is not None:
            conditions.append(r.submitted_on <= self.date_to)
        if self.gender is not None:
            conditions.append(r.gender == self.gender)
        if self.age_band is not None:
            conditions.append(r.age_band == self.age_band)
        return conditions


class _Tally:
    """Sums of the counters over groups: raw counts, weighted, and weighted by squares."""

    def __init__(self) -> None:
        self.n = 0
        self.raw: dict[str, int] = {}
        self.w1: dict[str, float] = {}
        self.w2: dict[str, float] = {}

    def add(self, n: int, counts: Mapping[str, int], weight: float = 1.0) -> None:
        self.n += n
        for name, value in counts.items():
            self.raw[name] = self.raw.get(name, 0) + value
            self.w1[name] = self.w1.get(name, 0.0) + weight * value
            self.w2[name] = self.w2.get(name, 0.0) + weight * weight * value

    def count(self, name: str) -> int:
        return self.raw.get(name, 0)

    def weighted(self, name: str) -> float:
        return self.w1.get(name, 0.0)

    def effective_n(self, name: str) -> float:
        """Kish's (sum w)^2 / sum w^2 over the denominator's answers (n when unweighted)."""
        squares = self.w2.get(name, 0.0)
        return self.weighted(name) ** 2 / squares if squares else 0.0


def _r(value: float) -> float:
    return round(value, 4)


class _Cells:
    """Build the cells of one call: same threshold and weighting everywhere."""

    def __init__(self, suppress_below: int, weighted: bool) -> None:
        # A share needs at least one answer, whatever threshold the caller asks for.
        self.threshold = max(suppress_below, 1)
        self.weighted = weighted

    def proportion(self, tally: _Tally, name: str, key: str = "share") -> dict[str, Any]:
        """A share hit/base with a Wilson interval (on the Kish effective n when weighted)."""
        n = tally.count(f"{name}.base")
        if n < self.threshold:
            return {"n": n, "suppressed": True}
        share = tally.weighted(f"{name}.hit") / tally.weighted(f"{name}.base")
        n_eff = tally.effective_n(f"{name}.base")
        lo, hi = wilson(share * n_eff, n_eff)
        cell: dict[str, Any] = {"n": n, "suppressed": False, key: published_share(share)}
        cell["ci"] = [_r(lo), _r(hi)]
        if self.weighted:
            cell["n_eff"] = _r(n_eff)
        return cell

    def problem(self, tally: _Tally, key: str) -> dict[str, Any]:
        """Problem share (3 + 4 of 0..4) with Wilson interval, score (mean) with t interval."""
        cell = self.proportion(tally, key)
        if cell["suppressed"]:
            return cell
        base = tally.weighted(f"{key}.base")
        n_eff = tally.effective_n(f"{key}.base")
        # On the effective-n scale: exactly n, sum and sum of squares when unweighted.
        scale = n_eff / base
        mean, _sd = mean_sd(
            n_eff, tally.weighted(f"{key}.sum") * scale, tally.weighted(f"{key}.squares") * scale
        )
        cell["score"] = _r(mean)
        cell["score_ci"] = None
        if n_eff >= 2:
            lo, hi = score_interval(  # never [0, 0] or [4, 4]: see stats.score_interval
                n_eff,
                tally.weighted(f"{key}.sum") * scale,
                tally.weighted(f"{key}.squares") * scale,
                PROBLEM_MAX,
            )
            cell["score_ci"] = [_r(lo), _r(hi)]
        return cell

    def times(self, tally: _Tally) -> dict[str, dict[str, Any]]:
        return {time: self.proportion(tally, time, "unsafe_share") for time in TIMES}

    def figures(self, tally: _Tally) -> dict[str, Any]:
        """Every figure of a place (or of the area as a whole)."""
        times = self.times(tally)
        safety_index = None
        if not any(cell["suppressed"] for cell in times.values()):
            shares = [tally.weighted(f"{t}.hit") / tally.weighted(f"{t}.base") for t in TIMES]
            safety_index = _r(100 * (1 - sum(shares) / len(shares)))
        return {
            "n": tally.n,
            "suppressed": tally.n < self.threshold,
            "times": times,
            "problems": {key: self.problem(tally, key) for key in PROBLEMS},
            "safety_index": safety_index,
            "avoided": self.proportion(tally, "avoided"),
            "victim": self.proportion(tally, "victim"),
            "reported": self.proportion(tally, "reported"),
            "police_cares": self.proportion(tally, "police_cares"),
            "worry_sometimes_or_often": self.proportion(tally, "worry_sometimes_or_often"),
            "police_priorities": self.priorities(tally),
        }

    def priorities(self, tally: _Tally) -> dict[str, Any]:
        """Residents' police priorities among those who chose any, most chosen first."""
        n = tally.count("priorities.base")
        if n < self.threshold:
            return {"n": n, "suppressed": True}
        base = tally.weighted("priorities.base")
        # By the shares shown: weighted when weighted (the count when not), ties in list order.
        ranked = sorted(PRIORITY_OPTIONS, key=lambda o: -tally.weighted(f"priority.{o}"))
        options = [
            {
                "option": option,
                "count": tally.count(f"priority.{option}"),
                "share": _r(tally.weighted(f"priority.{option}") / base),
            }
            for option in ranked
        ]
        return {"n": n, "suppressed": False, "options": options}


def _ordered(values: Iterable[str], known: Sequence[str]) -> list[str]:
    """Values in questionnaire order, unknown ones after, alphabetically."""
    order = {value: i for i, value in enumerate(known)}
    return sorted(values, key=lambda v: (order.get(v, len(order)), v))


def _area_places(conn: Connection, area_slug: str) -> tuple[int, list[Any]]:
    """The area's id and places (id, slug, name, retired); ValueError for an unknown area."""
    area_id = conn.execute(select(area.c.id).where(area.c.slug == area_slug)).scalar()
    if area_id is None:
        raise ValueError(f"unknown area {area_slug!r}")
    query = select(place.c.id, place.c.slug, place.c.name, place.c.retired).where(
        place.c.area_id == area_id
    )
    return area_id, list(conn.execute(query).all())


#: Every figure of a place that also stands, summed, in the area total.
FIGURE_PATHS = (
    *(("times", t) for t in TIMES),
    *(("problems", p) for p in PROBLEMS),
    ("avoided",),
    ("victim",),
    ("reported",),
    ("police_cares",),
    ("worry_sometimes_or_often",),
    ("police_priorities",),
)


def survey_indicators(
    conn: Connection,
    area_slug: str,
    filters: Filters,
    suppress_below: int,
    weighted: bool | None = None,
) -> dict[str, Any]:
    """Survey figures per place, for the whole area and by gender and age band.

    ``weighted``: None weights to the area's population margins when it has some (the
    default), True insists (ValueError without margins), False never weights.
    """
    area_id, places = _area_places(conn, area_slug)
    groups = counted_cells(conn, [p.id for p in places], filters) if places else []
    cells: Cells = {}
    for (_, gender, age_band), n, _ in groups:
        cells[(age_band, gender)] = cells.get((age_band, gender), 0.0) + n
    weights, weighting_info = weighting(conn, area_id, area_slug, filters, cells, weighted)
    weighted = bool(weighting_info["applied"])

    by_place = {p.id: _Tally() for p in places}
    total = _Tally()
    by_gender: dict[str, _Tally] = {}
    by_age: dict[str, _Tally] = {}
    for (place_id, gender, age_band), n, counts in groups:
        targets = [by_place[place_id], total]
        if gender is not None:
            targets.append(by_gender.setdefault(gender, _Tally()))
        if age_band is not None:
            targets.append(by_age.setdefault(age_band, _Tally()))
        for target in targets:
            target.add(n, counts, weights.get((age_band, gender), 1.0))

    build = _Cells(suppress_below, weighted)
    guarded = _guarded(conn, places, filters, build.threshold)
    result_places = [
        {
            "place": p.slug,
            "name": p.name,
            **({"retired": True} if p.retired else {}),
            **build.figures(by_place[p.id]),
        }
        for p in sorted(places, key=lambda p: (swedish_key(p.name), p.slug))
        if not p.retired or by_place[p.id].n > 0
    ]

    def group(tallies: dict[str, _Tally], known: Sequence[str]) -> dict[str, Any]:
        return {
            value: {
                "n": tallies[value].n,
                "suppressed": tallies[value].n < build.threshold,
                "times": build.times(tallies[value]),
            }
            for value in _ordered(tallies, known)
        }

    area_total = build.figures(total)
    by_group = {"gender": group(by_gender, GENDERS), "age_band": group(by_age, AGE_BANDS)}
    _hide_guarded(guarded, places, result_places, area_total, by_group)
    # The area total is shown beside its places and its groups: protect against subtraction.
    protect_all(area_total, result_places, FIGURE_PATHS, build.threshold)
    for groups_of_one_kind in by_group.values():
        times = [("times", t) for t in TIMES]
        protect_all(area_total, groups_of_one_kind.values(), times, build.threshold)
    for figures in (*result_places, area_total):
        follow(figures)
    # Follow-ups hidden only now must not be given away by their total in turn.
    follow_paths = [(follower,) for follower in FOLLOWS]
    protect_all(area_total, result_places, follow_paths, build.threshold)
    for figures in (*result_places, area_total):
        if any(cell["suppressed"] for cell in figures["times"].values()):
            figures["safety_index"] = None
    return {
        "area": area_slug,
        # The units hidden against differencing, as [kind, value] (for the added items).
        "guarded": [[kind, value] for kind, value in sorted(guarded, key=repr)],
        "n": total.n,
        "weighted": weighted,
        "weighting": weighting_info,
        "places": result_places,
        "area_total": area_total,
        "by_group": by_group,
    }


def _guarded(
    conn: Connection, places: Sequence[Any], filters: Filters, threshold: int
) -> set[Unit]:
    """What a filtered view must hide against differencing with another view
    (``disclosure_filters``); nothing for one round's whole picture, as a release shows it."""
    first, end = whole_months(filters.date_from, filters.date_to)
    view = View(filters.round_id, first, end, filters.gender, filters.age_band)
    if not places or (filters.round_id is not None and view == View(filters.round_id)):
        return set()
    return differencing_hidden(month_atoms(conn, [p.id for p in places]), view, threshold)


def _hide_guarded(
    guarded: set[Unit],
    places: Sequence[Any],
    result_places: list[dict[str, Any]],
    area_total: dict[str, Any],
    by_group: dict[str, dict[str, Any]],
) -> None:
    """Hide every figure of the units the differencing check named, and what would give them
    away within the view: a place is the area total minus the other places, and the total is
    the sum of a kind's groups, so a place at risk hides the total and every group; a group at
    risk (one never shown, as the answers without a gender, too) takes its kind's groups out of
    the view, since the total less the others, or the groups' own n, would give it away. The
    hidden cells of a unit at risk carry its number of answers as their n: their own n (the
    victims asked whether they reported, those who answered for the evening) would differ
    between the two views by what the few answers said."""
    slugs = {p.slug for p in places if ("place", p.id) in guarded}
    hidden = [f for f in result_places if f["place"] in slugs]
    if hidden or ("area", None) in guarded:
        hidden.append(area_total)
    for figures in hidden:
        for path in FIGURE_PATHS:
            cell = cell_at(figures, path)
            if not cell.get("suppressed"):
                hide(cell)
            cell["n"] = figures["n"]
    for kind, groups in by_group.items():
        named = {value for unit, value in guarded if unit == kind}
        if area_total in hidden or named:
            # Each group's n, hidden or not, would tell which group the few answers were in.
            groups.clear()


def hide_guarded_items(
    items: list[dict[str, Any]], guarded: Sequence[Sequence[Any]], places: Mapping[int, str]
) -> None:
    """Hide the added items' figures of the units the survey figures hid against differencing
    (``survey_indicators``' "guarded"), by the same rule."""
    units = {(kind, value) for kind, value in guarded}
    slugs = {places[value] for kind, value in units if kind == "place" and value in places}
    if not units:
        return
    for item in items:
        cells = [c for slug, c in item["places"].items() if slug in slugs]
        if slugs or ("area", None) in units:
            cells.append(item["area_total"])
        for kind, groups in item.get("by_group", {}).items():
            if slugs or ("area", None) in units or any(unit == kind for unit, _ in units):
                groups.clear()
        for cell in cells:
            if not cell.get("suppressed"):
                hide(cell)

"""Raking weights to an area's population margins (age band x gender), DESIGN §4.

The margins are the age-band totals and the gender totals of an area's PopulationMargin rows.
Respondents are counted per (age_band, gender) cell in SQL; every respondent in a cell gets
the same weight, found by iterative proportional fitting (raking) of those cell counts. The
weights of the respondents inside the margins average 1, so weighted totals stay on the scale
of the sample. A respondent outside the margins (age band or gender unanswered, ``na``, or
``other`` when the margins have no such row, or a category whose population is 0) gets weight
1: the mean weight, i.e. counted as an average respondent rather than dropped. A category of
the margins that nobody in the sample belongs to cannot be matched; the targets are spread over
the categories that are present.

Raking stops when every age total is within ``TOLERANCE`` (relative to the sample size) of
its target, after at most ``MAX_ITERATIONS`` rounds. Margins that the sample cannot match
(e.g. every young respondent a woman while the population's young are half men) never get
there: the weights of the last round are used (they match the gender totals exactly) and the
result says ``converged: False`` with the largest remaining relative gap, so no caller can
present such weights as matching the population.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from .counted import Filters, counted_rows, response_count, response_count_month
from .stats import published_share
from .tables import area, place, population_margin, survey_round

#: A respondent cell: (age_band, gender), either may be None (not answered).
Cell = tuple[str | None, str | None]
#: Answers (or weights) per respondent cell.
Cells = dict[Cell, float]


#: Raking stops when every age total is this close to its target, relative to the sample size.
TOLERANCE = 1e-9
#: Raking gives up after this many rounds (one round adjusts ages, then genders).
MAX_ITERATIONS = 100


@dataclass(frozen=True)
class Raking:
    """Raking weights per respondent cell and whether they match the margins."""

    weights: dict[Cell, float] = field(default_factory=dict)
    converged: bool = True
    iterations: int = 0
    #: The largest gap between a weighted age total and its target, over the sample size.
    max_gap: float = 0.0
    #: The cells inside the margins (raked); every other cell weighs 1.
    inside: frozenset[Cell] = frozenset()


class WeightedShare:
    """A share hit / base summed over respondent cells, weighted or not, with Kish's n_eff.

    ``by_cell``: (cell, answers in the base, hits) per respondent cell; ``weights`` per cell
    ({} when unweighted, every weight 1). share = sum(w hit) / sum(w base) and n_eff =
    (sum w base)^2 / sum(w^2 base); the raw n stays for suppression.
    """

    def __init__(self, by_cell: list[tuple[Cell, int, int]], weights: Mapping[Cell, float]):
        self.weighted = bool(weights)
        self.n = sum(n for _, n, _ in by_cell)
        base = sum(weights.get(cell, 1.0) * n for cell, n, _ in by_cell)
        hit = sum(weights.get(cell, 1.0) * k for cell, _, k in by_cell)
        squares = sum(weights.get(cell, 1.0) ** 2 * n for cell, n, _ in by_cell)
        self.share = hit / base if base else 0.0
        self.n_eff = base * base / squares if squares else 0.0

    def counts(self) -> tuple[float, float]:
        """(k, n) for an interval or a test: the share on n_eff answers (k, n unweighted)."""
        return self.share * self.n_eff, self.n_eff

    def cell(self, suppress_below: int) -> dict[str, Any]:
        """{n, share} (and n_eff when weighted), or hidden below the threshold of raw answers."""
        if self.n < suppress_below or self.n == 0:
            return {"n": self.n, "suppressed": True}
        cell: dict[str, Any] = {"n": self.n, "share": published_share(self.share)}
        if self.weighted:
            cell["n_eff"] = round(self.n_eff, 4)
        return cell


def margin_years(conn: Connection, area_id: int) -> list[int]:
    """The years an area has population margins for, oldest first."""
    query = (
        select(population_margin.c.year)
        .where(population_margin.c.area_id == area_id)
        .group_by(population_margin.c.year)
        .order_by(population_margin.c.year)
    )
    return [int(year) for year in conn.scalars(query)]


def choose_year(years: list[int], reference: int | None) -> int:
    """The margins' year to weight with: the newest not after ``reference`` (else the oldest).

    Without a reference year (no round or date range), the newest year.
    """
    if reference is None:
        return years[-1]
    earlier = [year for year in years if year <= reference]
    return earlier[-1] if earlier else years[0]


def area_margins(
    conn: Connection,
    area_id: int,
    area_slug: str,
    age_band: str | None = None,
    gender: str | None = None,
    year: int | None = None,
) -> dict[tuple[str, str], int]:
    """Population per (age_band, gender) of an area, within one age band or gender if given.

    ``year`` picks one year's margins; without it the newest year the area has.
    """
    if year is None:
        years = margin_years(conn, area_id)
        year = years[-1] if years else None
    query = select(
        population_margin.c.age_band, population_margin.c.gender, population_margin.c.population
    ).where(population_margin.c.area_id == area_id, population_margin.c.year == year)
    rows = conn.execute(query).all()
    if not rows:
        raise ValueError(
            f"area {area_slug!r} has no population margins: import them (age band x gender)"
            " before asking for weighted figures"
        )
    return {
        (row.age_band, row.gender): int(row.population)
        for row in rows
        if (age_band is None or row.age_band == age_band)
        and (gender is None or row.gender == gender)
    }


def rake(
    counts: Mapping[Cell, float],
    margins: Mapping[tuple[str, str], float],
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> dict[Cell, float]:
    """Weight per respondent cell so the weighted age and gender totals match the margins."""
    return raking(counts, margins, tolerance, max_iterations).weights


def raking(
    counts: Mapping[Cell, float],
    margins: Mapping[tuple[str, str], float],
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Raking:
    """Rake, and say whether the weights reached the margins within ``max_iterations``."""
    ages: dict[str, float] = {}
    genders: dict[str, float] = {}
    for (age, gender), population in margins.items():
        ages[age] = ages.get(age, 0.0) + population
        genders[gender] = genders.get(gender, 0.0) + population
    # A category with no population cannot be raked to: its respondents count as outside.
    ages = {age: total for age, total in ages.items() if total > 0}
    genders = {gender: total for gender, total in genders.items() if total > 0}
    inside = {
        (age, gender): float(n)
        for (age, gender), n in counts.items()
        if n > 0 and age in ages and gender in genders
    }
    weights: dict[Cell, float] = dict.fromkeys(counts, 1.0)
    total = sum(inside.values())
    if not total:
        return Raking(weights)
    # Targets on the sample's scale, over the categories someone in the sample belongs to:
    # a category nobody answered from cannot be matched, so its share is spread over the rest.
    age_target = _scaled({a: ages[a] for a, _ in inside}, total)
    gender_target = _scaled({g: genders[g] for _, g in inside}, total)
    row = dict.fromkeys(age_target, 1.0)
    col = dict.fromkeys(gender_target, 1.0)
    off = 0.0
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 (the count is reported)
        for age in row:
            have = sum(col[g] * n for (a, g), n in inside.items() if a == age)
            row[age] = age_target[age] / have
        for gender in col:
            have = sum(row[a] * n for (a, g), n in inside.items() if g == gender)
            col[gender] = gender_target[gender] / have
        # Gender totals match exactly after the last step; stop when the age totals do too.
        off = max(
            abs(sum(row[a] * col[g] * n for (a, g), n in inside.items() if a == age) - target)
            for age, target in age_target.items()
        )
        if off <= tolerance * total:
            break
    for age, gender in inside:
        weights[(age, gender)] = row[age] * col[gender]
    gap = off / total
    return Raking(weights, gap <= tolerance, iterations, gap, frozenset(inside))


def _scaled(population: dict[str, float], total: float) -> dict[str, float]:
    """Population totals (all positive) rescaled to sum to the sample size."""
    whole = sum(population.values())
    return {key: value / whole * total for key, value in population.items()}


def _round(value: float) -> float:
    return round(value, 4)


def _reference_year(conn: Connection, filters: Filters) -> int | None:
    """The year the answers are from, to pick the margins' year: the range's, else the round's."""
    if filters.date_to is not None:
        return filters.date_to.year
    if filters.date_from is not None:
        return filters.date_from.year
    if filters.round_id is not None:
        opens = conn.execute(
            select(survey_round.c.opens_on).where(survey_round.c.id == filters.round_id)
        ).scalar()
        return opens.year if opens is not None else None
    return None


def weighting(
    conn: Connection,
    area_id: int,
    area_slug: str,
    filters: Filters,
    cells: Cells,
    weighted: bool | None,
) -> tuple[Cells, dict[str, Any]]:
    """Raking weights per (age band, gender) cell and what the picture says about them.

    ``weighted`` None: weight when the area has population margins, else not (and say so);
    True: weight (ValueError without margins); False: never. The design effect is Kish's
    n * sum(w^2) / (sum w)^2 over every answer counted, and ``n_eff`` = n / design effect.
    """
    years = margin_years(conn, area_id) if weighted is not False else []
    if weighted is False or (weighted is None and not years):
        reason = "not_requested" if weighted is False else "no_margins"
        return {}, {"applied": False, "reason": reason}
    year = choose_year(years, _reference_year(conn, filters)) if years else None
    margins = area_margins(conn, area_id, area_slug, filters.age_band, filters.gender, year)
    raked = raking(cells, margins)
    n = sum(cells.values())
    total = sum(raked.weights[cell] * count for cell, count in cells.items())
    squares = sum(raked.weights[cell] ** 2 * count for cell, count in cells.items())
    genders = {gender for (_age, gender), people in margins.items() if people > 0}
    outside = {"gender": 0.0, "age": 0.0}
    for cell, count in cells.items():
        if cell not in raked.inside:
            outside["gender" if cell[1] not in genders else "age"] += count
    design_effect = n * squares / total**2 if total else 1.0
    info: dict[str, Any] = {
        "applied": True,
        "year": year,
        "design_effect": _round(design_effect),
        "n_eff": _round(n / design_effect) if n else 0.0,
        "converged": raked.converged,
        "iterations": raked.iterations,
        "max_iterations": MAX_ITERATIONS,
        "tolerance": TOLERANCE,
        "max_gap": raked.max_gap,
        # Answers whose age band or gender the margins do not hold: weight 1.
        "outside_margins": int(sum(outside.values())),
        # The same answers by why: a gender the margins lack (whatever the age band), or else
        # an age band they lack. Under a gender filter the margins are that gender's alone.
        "outside_by": {key: int(count) for key, count in outside.items()},
    }
    return raked.weights, info


def respondent_cells(conn: Connection, place_ids: list[int], filters: Filters) -> Cells:
    """Answers per (age band, gender) cell over these places, as the survey figures count them."""
    if not place_ids:
        return {}
    c = counted_rows(response_count, response_count_month, place_ids, filters, ("answers",)).c
    rows = conn.execute(
        select(c.age_band, c.gender, func.sum(c.answers)).group_by(c.age_band, c.gender)
    )
    cells: Cells = {}
    for age_band, gender, answers in rows:
        cell = (age_band or None, gender or None)
        cells[cell] = cells.get(cell, 0.0) + float(answers or 0)
    return cells


def area_weights(
    conn: Connection, area_slug: str, filters: Filters, weighted: bool | None
) -> tuple[Cells, dict[str, Any]]:
    """The situation picture's weights per (age band, gender) cell for these filters.

    The same raking as ``survey.survey_indicators`` (over every answer in the area's places),
    for figures computed elsewhere (the promise follow-up, added items): one set of weights
    per picture. ``weighted`` as in ``weighting``; ({}, info) when not weighted.
    """
    area_id = conn.execute(select(area.c.id).where(area.c.slug == area_slug)).scalar()
    if area_id is None:
        raise ValueError(f"unknown area {area_slug!r}")
    place_ids = list(conn.scalars(select(place.c.id).where(place.c.area_id == area_id)))
    cells = respondent_cells(conn, place_ids, filters)
    return weighting(conn, area_id, area_slug, filters, cells, weighted)

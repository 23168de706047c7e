"""Population margins stored per area and year: list them, delete a year, write them out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from analysis.collation import swedish_key

from ..models import Area, PopulationMargin
from . import audit

#: The margins CSV: the simple import format with the year, so an export imports back.
MARGIN_COLUMNS = ["area", "year", "gender", "age_band", "count"]


@dataclass
class YearMargins:
    """One area's margins of one year: population per (age band, gender)."""

    year: int
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def genders(self) -> list[str]:
        order = {"woman": 0, "man": 1}
        return sorted({g for _a, g in self.cells}, key=lambda g: (order.get(g, 2), g))

    def bands(self) -> list[str]:
        return sorted({a for a, _g in self.cells})

    def band_total(self, band: str) -> int:
        return sum(n for (a, _g), n in self.cells.items() if a == band)


@dataclass
class AreaMargins:
    """An area and its margins, newest year first (empty when it has none)."""

    slug: str
    name: str
    years: list[YearMargins] = field(default_factory=list)


def margins_by_area(session: Session) -> list[AreaMargins]:
    """Every area with the margins it has, in Swedish name order."""
    areas = {
        area_id: AreaMargins(slug, name)
        for area_id, slug, name in session.execute(select(Area.id, Area.slug, Area.name))
    }
    rows = session.execute(
        select(
            PopulationMargin.area_id,
            PopulationMargin.year,
            PopulationMargin.age_band,
            PopulationMargin.gender,
            PopulationMargin.population,
        ).order_by(PopulationMargin.area_id, PopulationMargin.year.desc())
    )
    for area_id, year, band, gender, population in rows:
        years = areas[area_id].years
        if not years or years[-1].year != year:
            years.append(YearMargins(year))
        years[-1].cells[(band, gender)] = population
    return sorted(areas.values(), key=lambda a: (swedish_key(a.name), a.slug))


def delete_margins(session: Session, area: Area, year: int) -> int:
    """Delete an area's margins of one year (audited); how many rows went."""
    where = (PopulationMargin.area_id == area.id, PopulationMargin.year == year)
    deleted = session.scalar(select(func.count()).select_from(PopulationMargin).where(*where))
    session.execute(delete(PopulationMargin).where(*where))
    if deleted:
        audit.record(session, "population.delete", area, {"area": area.slug, "year": year})
    session.flush()
    return int(deleted or 0)


def margin_rows(session: Session) -> list[list[object]]:
    """Every stored margin as a row of MARGIN_COLUMNS, by area, year, gender and band."""
    query = (
        select(
            Area.slug,
            PopulationMargin.year,
            PopulationMargin.gender,
            PopulationMargin.age_band,
            PopulationMargin.population,
        )
        .join(Area, Area.id == PopulationMargin.area_id)
        .order_by(
            Area.slug, PopulationMargin.year, PopulationMargin.gender, PopulationMargin.age_band
        )
    )
    return [list(row) for row in session.execute(query)]

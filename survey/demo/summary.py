"""What ``trygghet demo`` made, told to the person who ran it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from analysis.picture import area_slugs
from analysis.survey import Filters

from ..reports import pictures
from ..seed import DEFAULT_ROUND_NAME


@dataclass
class DemoSummary:
    """What the demo made, for the person who ran it."""

    rounds: list[str] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)
    comments: int = 0
    dialogues: int = 0
    issues: int = 0
    crime: str = ""
    deviation: str = ""
    promises: list[str] = field(default_factory=list)
    activities: int = 0
    population: str = ""
    moved_default_round: bool = False
    #: Each published release: (area slug, area name, round name, sequence).
    releases: list[tuple[str, str, str, int]] = field(default_factory=list)


WARNING = (
    "WARNING: this database now holds SYNTHETIC demo data (marked [DEMO]): invented answers,"
    " dialogues, crime counts, population figures and promises. Do not enter real data here;"
    " start real work with a new, empty database."
)


def _published(summary: DemoSummary) -> list[str]:
    """The releases the demo published, and where the public sees them."""
    lines = [f"published {len(summary.releases)} releases, so the public follow-up shows the demo:"]
    lines += [
        f"  {name}: release {sequence} of {round_name}, at /uppfoljning/{slug}"
        for slug, name, round_name, sequence in summary.releases
    ]
    return lines


def report(summary: DemoSummary, conn: Connection, suppress_below: int) -> list[str]:
    """Lines telling what the demo made and what the situation picture now shows."""
    lines = [WARNING, "made:"]
    lines += [f"  survey round {name}" for name in summary.rounds]
    if summary.moved_default_round:
        lines.append(f"  the round {DEFAULT_ROUND_NAME!r} now opens today")
    per_area = ", ".join(f"{area} {n}" for area, n in summary.answers.items())
    lines.append(
        f"  {sum(summary.answers.values())} answers ({per_area}), {summary.comments} comments"
    )
    lines.append(f"  {summary.dialogues} dialogues with {summary.issues} issues")
    lines.append(f"  crime: {summary.crime}; planted deviation: {summary.deviation}")
    lines.append(f"  {len(summary.promises)} promises with {summary.activities} activities")
    if summary.population:
        lines.append(f"  {summary.population}")
    lines.append(f"situation picture (figures on fewer than {suppress_below} answers hidden):")
    for slug in area_slugs(conn):
        picture = pictures.situation(conn, slug, Filters(), suppress_below)
        hidden = [p["name"] for p in picture["places"] if p["suppressed"]]
        alarms = [f"{d['category']} {d['month']}" for d in picture["deviations"]]
        lines.append(
            f"  {picture['area_name']}: n = {picture['n']}; places too few answers:"
            f" {', '.join(hidden) or 'none'}; deviations: {', '.join(alarms) or 'none'};"
            f" {len(picture['priorities'])} priorities; {_weighting(picture)}"
        )
        lines += [
            f"    promise {f['promise']['title']!r}: {f['status']}" for f in picture["followup"]
        ]
    lines += _published(summary)
    lines.append(WARNING)
    return lines


def _weighting(picture: dict) -> str:
    weighting = picture.get("weighting") or {}
    if not weighting.get("applied"):
        return "unweighted"
    return (
        f"weighted to {weighting['year']}: design effect {weighting['design_effect']:.2f},"
        f" effective n {weighting['n_eff']:.0f}"
    )

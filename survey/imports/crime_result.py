"""What a crime import stored, and the lines that tell the person who imported it (in the
language of the command or the page)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from .crime_years import count

#: How many municipalities the skip summary names; the rest are counted together.
SKIPPED_SHOWN = 8


@dataclass
class CrimeImport:
    """What an import stored: the source, how many monthly counts, which months and areas."""

    source: str
    filename: str
    rows: int
    months: list[str]
    areas: list[str]
    events: int | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    #: Brå's yearly counts stored, and their years.
    yearly: int = 0
    years: list[str] = field(default_factory=list)
    #: For an event list: its events that count for some area, and the types of those that
    #: are not crimes.
    in_areas: int = 0
    context: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """One line for the person who imported, e.g. '240 monthly counts (12 months, 2 areas)'."""
        areas = ngettext("%(num)d area", "%(num)d areas", len(self.areas))
        counts = ngettext(
            "%(count)s monthly count (%(months)s, %(areas)s)",
            "%(count)s monthly counts (%(months)s, %(areas)s)",
            self.rows,
            count=count(self.rows),
            months=ngettext("%(num)d month", "%(num)d months", len(self.months)),
            areas=areas,
        )
        if self.yearly or (self.source.startswith("bra") and not self.rows):
            yearly = ngettext(
                "%(count)s yearly count (%(years)s, %(areas)s)",
                "%(count)s yearly counts (%(years)s, %(areas)s)",
                self.yearly,
                count=count(self.yearly),
                years=ngettext("%(num)d year", "%(num)d years", len(self.years)),
                areas=areas,
            )
            counts = (
                _("%(yearly)s and %(monthly)s", yearly=yearly, monthly=counts)
                if self.rows
                else yearly
            )
        if self.events is None:
            return counts
        return ngettext(
            "%(count)s event (%(new)s new, %(updated)s updated, %(unchanged)s unchanged,"
            " %(outside)s outside every area)",
            "%(count)s events (%(new)s new, %(updated)s updated, %(unchanged)s unchanged,"
            " %(outside)s outside every area)",
            self.events,
            count=count(self.events),
            new=count(self.new),
            updated=count(self.updated),
            unchanged=count(self.unchanged),
            outside=count(sum(self.skipped.values())),
        )

    def counted_summary(self, area_names: Mapping[str, str] | None = None) -> str | None:
        """For an event list: how many of its events count for an area, how many of those are
        not crimes (kept for context, never counted), and the monthly counts derived again.
        The areas are named by their slugs, or by ``area_names`` (slug: name) where given."""
        if self.events is None:
            return None
        if self.in_areas:
            where = ngettext(
                "%(count)s event in %(areas)s (%(names)s) over %(months)s",
                "%(count)s events in %(areas)s (%(names)s) over %(months)s",
                self.in_areas,
                count=count(self.in_areas),
                areas=ngettext("%(num)d area", "%(num)d areas", len(self.areas)),
                names=", ".join((area_names or {}).get(slug, slug) for slug in self.areas),
                months=ngettext("%(num)d month", "%(num)d months", len(self.months)),
            )
        else:
            where = _("no event in any area")
        if context := sum(self.context.values()):
            ranked = sorted(self.context.items(), key=lambda item: (-item[1], item[0]))
            types = ", ".join(f"{name} {count(n)}" for name, n in ranked)
            share = (
                _("none of them a crime")
                if context == self.in_areas
                else _("%(count)s of them", count=count(context))
            )
            where = _(
                "%(where)s, %(share)s (%(types)s): not crimes, kept for context and never counted",
                where=where,
                share=share,
                types=types,
            )
        # The monthly counts of every month the events touch are derived again (in every
        # area), also where this file's events count for none.
        return ngettext(
            "%(where)s; %(count)s monthly count derived again in the months these events fall in",
            "%(where)s; %(count)s monthly counts derived again in the months these events fall in",
            self.rows,
            count=count(self.rows),
            where=where,
        )

    def report(self, origin: str, area_names: Mapping[str, str] | None = None) -> list[str]:
        """The lines the import commands print (areas by slug) and the upload page shows
        (``area_names``: by name)."""
        lines = [_("imported %(summary)s from %(file)s", summary=self.summary(), file=origin)]
        told = (self.counted_summary(area_names), self.skipped_summary())
        return lines + [line for line in told if line]

    def skipped_summary(self) -> str | None:
        """'skipped 46 rows outside every area: ...' (Brå), '460 events ... stored' or None."""
        if not self.skipped:
            return None
        ranked = sorted(self.skipped.items(), key=lambda item: (-item[1], item[0]))
        shown = ", ".join(f"{name} {count(n)}" for name, n in ranked[:SKIPPED_SHOWN])
        rest = sum(n for _name, n in ranked[SKIPPED_SHOWN:])
        more = (
            ngettext(
                " and %(rest)s in %(num)d other place",
                " and %(rest)s in %(num)d other places",
                len(ranked) - SKIPPED_SHOWN,
                rest=count(rest),
            )
            if rest
            else ""
        )
        total = sum(self.skipped.values())
        if self.events is not None:
            # Police events are kept: an area or alias added later counts them.
            return ngettext(
                "%(count)s event outside every area, stored and counted once an area or alias"
                " names the place (by municipality): %(shown)s%(more)s",
                "%(count)s events outside every area, stored and counted once an area or alias"
                " names the place (by municipality): %(shown)s%(more)s",
                total,
                count=count(total),
                shown=shown,
                more=more,
            )
        return ngettext(
            "skipped %(count)s row outside every area (by region): %(shown)s%(more)s",
            "skipped %(count)s rows outside every area (by region): %(shown)s%(more)s",
            total,
            count=count(total),
            shown=shown,
            more=more,
        )

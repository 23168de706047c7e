"""Disclosure audit: no hidden cell can be pinned down from what a release shows.

Secondary suppression (``disclosure.protect``) makes what is hidden in one relation rest on
none or enough answers. That is not enough: when the hidden parts of a total are together 0 %
or 100 %, each of them is, and earlier releases of the same round add more relations. The audit
collects every linear relation the public can read and bounds each hidden cell exactly.

The model, per release (the earlier ones first, then the one being audited):

- unknowns: the n of every hidden cell and of every hidden place or group, its count k (for
  the police priorities, one count per option), and the answers outside every group (no
  gender, no age band); all >= 0. A shown cell gives its n and k = share * n (shares carry
  4 decimals, so k is exact); a hidden one gives nothing, as its public form drops the n;
- each cell: k <= n and n <= the n of its place or group; "reported" n <= "victim" k;
- per figure: the places add up to the area total, and the groups of a kind plus the outside
  answers add up to it too, for n and for k;
- between consecutive releases of a round answers are only added: every n, k and n - k grows.
  Where the figures contradict that (an erasure), the releases are bounded one by one.

Each bound is a linear program over integer-relaxed unknowns (HiGHS, as bundled with scipy:
one model per connected part of the relations, re-solved warm from its last basis for each
objective; ``linprog`` where that is unavailable); bounds are then rounded inwards to
whole answers. A share's bounds are the exact extremes of k / n over the same polytope, by the
Charnes-Cooper transformation. A program is solved only where the solutions found so far,
possible truths all, cannot decide the verdict (``disclosure_points``). The relaxation can
only widen an interval, so a cell it finds pinned is pinned, while a cell found safe could
in rare cases be narrower in whole numbers.

A hidden cell fails when its k, or an n under the threshold, is pinned to one value, or its
share interval is narrower than ``min_width`` (0 % or 100 % forced is width 0); the same for
the answers outside every group, and for what a hidden cell gained since the previous
release (the answers added, which differencing would otherwise reveal) where that gain can
rest on 1 to threshold - 1 answers: a gain of at least the threshold is as publishable as a
cell of that many answers. Not counted: a part pinned to the 0 % or 100 % its shown area
total has (the total says it of every answer); a part's gain, or a part the public can tell
was empty before, pinned to the 0 % or 100 % of the area's own gain where that gain rests on
at least the threshold of answers (it says it of every answer added; ``disclosure_said``);
a part the public can tell gained no answer since an earlier release, pinned to the 0 % or
100 % that release's area total showed (it said it of every answer the part holds); the
outside answers when they are all the answers; and a cell shown before whose gain is checked
instead. While one fails, the smallest shown part of one of its relations is hidden
(the area total when no part is left), one per relation per pass, and the audit runs again;
where the hidden parts of a relation are together 0 % or 100 % of a count, first the smallest
part that is not (a part at 0 % hidden with them leaves them at 0 %: ``disclosure_hiding``);
hiding only takes knowledge away, so later passes check only the cells that failed, were just
hidden, or held by the area's gain or a part's unchanged answers alone (hiding can take
that away). Where a cell still fails with nothing left to hide in its relations, its figure
(that time of day, that problem) is hidden in every place, group and the area total, once,
and the audit runs again; what still fails then is ``unresolved``, and the release is refused.
Last, a promise's figure for this round is hidden where it would show a cell now hidden.

A weighted share gives its count as an interval, from the n_eff shown beside it
(``disclosure_weighted``). The release service marks each release audited so
(``WEIGHTED_BOUNDS``); releases stored before that give no count from a weighted share, as
their own audit read them.

Limits: earlier releases' own hidden cells are not re-checked; a weighted share is read only
through its n_eff (someone who knew each answer's weight could narrow its interval); a
problem's score (mean answer) and an added number item's mean are second sums not modelled;
answers taken back between releases lose the growth relation; a figure the no-differencing
rule holds back is read as current, so the answers added behind it seem to sit at hidden
places (often ones no one answered about), which are checked for them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from .disclosure_bounds import (
    OUTSIDE,
    Bounds,
    Infeasible,
    Key,
    Model,
    figures,
    units,
)
from .disclosure_hiding import (
    candidates,
    cell_at,
    hide_at,
    hide_everywhere,
    hide_followups,
    relations_of,
)
from .disclosure_items import ITEMS, quantities
from .disclosure_points import Points, check, seed
from .disclosure_said import Said, by_gain, fails
from .disclosure_weighted import bounded

#: A hidden share must stay uncertain over at least this width (0.1 = 10 percentage points).
DEFAULT_MIN_WIDTH = 0.1

RULE = (
    "No hidden cell (nor what it gained since the previous release, where that gain can rest"
    " on fewer than the threshold of answers) may have its count, or an n below the"
    " threshold, pinned to one value, or its share confined to an interval narrower than"
    " min_width; 0 % and 100 % forced are width 0."
)


def _path(unit: Key, figure: tuple[str, ...]) -> str:
    where = {"area": "area_total", "place": f"places[{unit[-1]}]"}.get(unit[0])
    where = where or f"by_group.{unit[0]}.{unit[1]}"
    if figure and figure[0] == ITEMS:  # as the picture has it: items[code].places[alvik]
        return f"items[{figure[1]}].{where}"
    return ".".join([where, *figure])


def _hidden(picture: dict[str, Any]) -> Iterator[tuple[Key, tuple[str, ...], dict[str, Any]]]:
    for unit_key, unit in units(picture):
        if unit.get("suppressed"):
            yield unit_key, (), unit
        for figure, cell in figures(unit):
            if cell.get("suppressed"):
                yield unit_key, figure, cell


def _targets(picture: dict[str, Any]) -> Iterator[tuple[Key, tuple[str, ...]]]:
    """Every hidden cell, place and group, and the answers outside each kind of group."""
    for unit, figure, _ in _hidden(picture):
        yield unit, figure
    for kind in picture.get("by_group") or {}:
        yield (kind, OUTSIDE), ()
        for time_of_day in picture["area_total"].get("times", {}):
            yield (kind, OUTSIDE), ("times", time_of_day)
        for code in picture["area_total"].get(ITEMS, {}):
            yield (kind, OUTSIDE), (ITEMS, code)


def _checks(
    bounds: Bounds,
    points: Points,
    r: int,
    picture: dict[str, Any],
    linked: bool,
    threshold: int,
    width: float,
    only: set[tuple[Key, tuple[str, ...]]] | None,
) -> Iterator[tuple[Key, tuple[str, ...], dict[str, Any]]]:
    said = Said(bounds, r, threshold)
    for unit, figure in _targets(picture):
        if only is not None and (unit, figure) not in only:
            continue
        names = quantities(figure, picture) if figure else ()
        # The answers outside every group (no gender given) are no cell, but a set of people
        # all the same: checked unless they are everyone, which the area's figure shows.
        everyone = bounds.known.get((r, ("area",), figure, "n")) if unit[-1] == OUTSIDE else None
        n = {(r, unit, figure, "n"): 1.0}
        counts = [{(r, unit, figure, q): 1.0} for q in names]
        shown = said.shown(figure, names)
        linked_earlier = linked and r and (r - 1, unit, figure, "n") in bounds.keys
        # Shown before, a cell's value is public up to what it gained since: check that alone.
        if not (linked_earlier and (r - 1, unit, figure, "n") in bounds.known):
            found = check(bounds, points, n, counts, threshold, width, shown, everyone)
            # Empty before (a place no one answered about, say), all its answers are added
            # ones: pinned where every added answer is, it says nothing the area's gain does not.
            if fails(found) and linked_earlier and said.empty_before(unit, figure):
                gained = said.gained(figure, names)
                either = [s if s is not None else g for s, g in zip(shown, gained, strict=True)]
                if either != shown:
                    found = by_gain(
                        check(bounds, points, n, counts, threshold, width, either, everyone)
                    )
            # Unchanged since a release whose area figure showed 0 % or 100 %: that figure
            # said it of every answer the cell holds.
            if fails(found) and linked_earlier:
                then = said.before(unit, figure, names)
                either = [s if s is not None else t for s, t in zip(shown, then, strict=True)]
                if either != shown:
                    found = by_gain(
                        check(bounds, points, n, counts, threshold, width, either, everyone)
                    )
            if found is not None:
                yield unit, figure, found
        if linked_earlier:
            # What the cell gained since the previous release: the answers added to it.
            gained_n = n | {(r - 1, unit, figure, "n"): -1.0}
            gained_k = [
                k | {(r - 1, unit, figure, q): -1.0} for k, q in zip(counts, names, strict=True)
            ]
            found = check(bounds, points, gained_n, gained_k, threshold, width, gain=True)
            if fails(found) and any(s is not None for s in said.gained(figure, names)):
                area_gain = said.gained(figure, names)
                found = by_gain(
                    check(
                        bounds, points, gained_n, gained_k, threshold, width, area_gain, gain=True
                    )
                )
            if found is not None:
                yield unit, (*figure, "(gained)"), found


def _bounds(
    picture: dict[str, Any],
    earlier: Sequence[dict[str, Any]],
    linked: bool,
    cache: Any,
    points: Points,
) -> Bounds:
    model = Model()
    for r, release in enumerate([*earlier, picture]):
        model.add_release(r, release, bounded(release, audited=release is picture))
    if linked:
        for r in range(1, len(earlier) + 1):
            model.link(r - 1, r)
    return Bounds(model, linked, cache, points)


def _all_checks(
    picture: dict[str, Any],
    earlier: Sequence[dict[str, Any]],
    threshold: int,
    width: float,
    cache: dict[Any, Any],
    only: set[tuple[Key, tuple[str, ...]]] | None,
    points: dict[bool, Points],
) -> tuple[list[Any], bool]:
    """Every hidden cell's bounds; the releases linked unless their figures contradict that."""
    for linked in (True, False) if earlier else (False,):
        try:
            bounds = _bounds(picture, earlier, linked, cache, points[linked])
            seed(bounds, points[linked], len(earlier))
            checks = _checks(
                bounds, points[linked], len(earlier), picture, linked, threshold, width, only
            )
            return list(checks), linked
        except Infeasible:
            if not linked:
                raise ValueError("the picture's figures do not add up") from None
    raise AssertionError("unreachable")


def audit_release(
    picture: dict[str, Any],
    earlier: Sequence[dict[str, Any]],
    threshold: int,
    min_width: float = DEFAULT_MIN_WIDTH,
    prune: bool = True,
) -> dict[str, Any]:
    """Hide cells until no hidden one can be pinned down; return what was checked and done.

    ``earlier`` are the pictures of the same area and round as published before, oldest first.
    Added items count only as ``disclosure_release.audit_with_items`` prepares them.
    ``prune=False`` solves every program each check needs, without the points found on the way
    (``disclosure_points``): the reference the pruned audit must agree with, verdict by verdict.
    """
    started = time.perf_counter()
    hidden_before = sum(1 for _ in _hidden(picture))
    added: list[str] = []
    cache: dict[Any, Any] = {}
    points = {linked: Points(enabled=prune) for linked in (True, False)}
    passes = 0
    results: dict[tuple[Key, tuple[str, ...]], dict[str, Any]] = {}
    only: set[tuple[Key, tuple[str, ...]]] | None = None
    escalated: list[tuple[str, ...]] = []
    while True:
        passes += 1
        # Hiding a cell only takes knowledge away, so a cell that held still holds: after the
        # first pass only the cells that failed and the ones just hidden are checked again.
        checks, linked = _all_checks(picture, earlier, threshold, min_width, cache, only, points)
        for unit, figure, found in checks:
            results[(unit, figure)] = found
        failing = [(u, f) for u, f, found in checks if found["fails"]]
        before = {(u, f) for u, f, _ in _hidden(picture)}
        used: set[Key] = set()
        for unit, figure in failing:
            figure = tuple(part for part in figure if part != "(gained)")
            relations = relations_of(picture, unit, figure)
            if any(rel in used for rel in [*relations, ("area", figure)]):
                continue  # a cell of its relation was just hidden: see first whether it holds
            options = [(c, rel) for rel in relations for c in candidates(picture, rel)]
            if not options and unit[0] != "area":
                total = cell_at(picture["area_total"], figure) if figure else None
                if total is not None and not total.get("suppressed"):
                    area = ((1, total["n"]), ("area",), picture["area_total"])
                    options = [(area, ("area", figure))]
            if options:
                (_, part_key, part), relation = min(options, key=lambda o: (o[0][0], o[0][1]))
                used.update([relation, *relations])
                hide_at(part, relation[1])
                added.append(_path(part_key, relation[1]))
        if not used:
            # Nothing is left to hide in their relations: each figure still failing is hidden
            # everywhere (places, groups, the area), once, and checked again. Any cell still
            # failing after that is left unresolved, for the release to be refused.
            spread = {tuple(p for p in f if p != "(gained)") for _, f in failing} - {()}
            for figure in sorted(spread - set(escalated)):
                escalated.append(figure)
                added += [_path(unit, figure) for unit in hide_everywhere(picture, figure)]
            if not {(u, f) for u, f, _ in _hidden(picture)} - before:
                break
        only = {(u, f) for u, f, _ in _hidden(picture)} - before
        only |= {(u, tuple(p for p in f if p != "(gained)")) for u, f in failing}
        # Hiding the area's figure can take away the gain that said what such a cell shows.
        said = [(u, f) for (u, f), found in results.items() if found.get("said_by_gain")]
        only |= {(u, tuple(p for p in f if p != "(gained)")) for u, f in said}
    followups_hidden = hide_followups(picture)
    checks = [(u, f, found) for (u, f), found in results.items()]
    unresolved = sorted({_path(u, f) for u, f, found in checks if found["fails"]})
    remaining = [(found, _path(u, f)) for u, f, found in checks if "share" in found]
    narrowest = min(remaining, key=lambda x: x[0]["share"][1] - x[0]["share"][0], default=None)
    return {
        "rule": RULE,
        "method": "linear bounds on integer-relaxed counts (HiGHS, via scipy); share bounds"
        " by the Charnes-Cooper transformation",
        "threshold": threshold,
        "min_width": min_width,
        "earlier_releases": len(earlier),
        "releases_linked": linked,
        "cells_checked": sum(1 + sum(1 for _ in figures(u)) for _, u in units(picture)),
        "hidden_checked": len(checks),
        "hidden_before": hidden_before,
        "hidden_added": added,
        "escalated": [f"items[{f[1]}]" if f[0] == ITEMS else ".".join(f) for f in escalated],
        "unresolved": unresolved,
        "followup_sides_hidden": followups_hidden,
        "narrowest": None if narrowest is None else {"cell": narrowest[1], **narrowest[0]},
        "passes": passes,
        "seconds": round(time.perf_counter() - started, 3),
    }

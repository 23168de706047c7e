"""Figures for items a later questionnaire version added: each item type summarises itself.

- single choice (and the home area): ``options``, the share of each answer among the
  substantive answers ("don't know" and the like are counted apart in ``not_substantive``),
  with a Wilson interval; on an ordered scale with a ``top_box`` also the top-box share as the
  cell's ``share`` and ``ci``;
- multiple choice: the share of those who answered that ticked each option (Wilson);
- number: ``mean`` with a t interval ``mean_ci``;
- free text: only how many answered (the texts themselves are never figures).

Per place, for the area and by gender and age band, from one query over the answer counts the
database keeps with every answer (``answer_count``); the same suppression and secondary
suppression as every other figure. Where the picture is weighted, so are the items, with the
survey figures' raking weights per (age band, gender) cell: shares are sum(w hit) / sum(w base)
with Wilson intervals on Kish's n_eff of the base, a number's mean and t interval are taken on
the n_eff scale (as the problem scores), and suppression still looks at the raw n.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import Connection, func, select

from .counted import counted_rows
from .disclosure import protect_all
from .stats import mean_sd, published_share, t_interval, wilson
from .survey import Filters
from .tables import V1_CODES, answer_count, answer_count_month, area, questionnaire_version
from .weights import Cell

#: libyaml's safe loader where PyYAML was built with it: 4 ms instead of 40 ms for version 1's
#: 25 kB definition, parsed for every situation picture.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Gender and age band values in questionnaire order (as analysis.survey orders groups).
_GROUPS = {
    "gender": ("woman", "man", "other", "na"),
    "age_band": ("16-24", "25-44", "45-64", "65+", "na"),
}


@dataclass(frozen=True)
class ItemSpec:
    """What the analysis needs of an added item (from its newest questionnaire version)."""

    code: str
    type: str
    label: str
    #: (value, label, substantive) in questionnaire order; empty for number and text; for an
    #: area item the areas (slug, name, True).
    options: tuple[tuple[str, str, bool], ...] = ()
    ordered: bool = False
    top_box: tuple[str, ...] = ()
    #: The priority model's problem whose survey evidence the item's headline share joins.
    problem: str | None = None


def _text(texts: Any, locale: str) -> str:
    if not isinstance(texts, Mapping):
        return ""
    return str(texts.get(locale) or texts.get("sv") or "")


def item_specs(conn: Connection, locale: str = "sv") -> list[ItemSpec]:
    """Every added item of the recorded versions, each code once, as its newest version has it.

    The definitions were checked when they were uploaded; a code keeps one meaning.
    """
    specs: dict[str, ItemSpec] = {}
    definitions = conn.scalars(
        select(questionnaire_version.c.definition).order_by(questionnaire_version.c.version)
    )
    # An area item's options are the areas, as the survey offers them (in name order).
    areas = tuple(
        (slug, name, True)
        for slug, name in conn.execute(select(area.c.slug, area.c.name).order_by(area.c.name))
    )
    for definition in definitions:
        data = yaml.load(definition, Loader=_SAFE_LOADER) or {}  # noqa: S506  # nosec B506 (safe)
        option_sets = data.get("option_sets") or {}
        for section in data.get("sections") or []:
            for raw in section.get("items") or []:
                code = raw.get("code")
                if code in V1_CODES or not isinstance(code, str):
                    continue
                options = raw.get("options") or ()
                if isinstance(options, str):
                    options = option_sets.get(options, ())
                specs[code] = ItemSpec(
                    code=code,
                    type=str(raw.get("type")),
                    label=_text(raw.get("label"), locale),
                    options=areas
                    if raw.get("type") == "area"
                    else tuple(
                        (str(o["value"]), _text(o.get("label"), locale), o.get("substantive", True))
                        for o in options
                    ),
                    ordered=bool(raw.get("ordered", False)),
                    top_box=tuple(str(v) for v in raw.get("top_box") or ()),
                    problem=raw.get("priority_problem"),
                )
    return list(specs.values())


class _Sum:
    """A count of answers: raw, weighted and weighted by squares (all equal when unweighted)."""

    def __init__(self) -> None:
        self.n, self.w1, self.w2 = 0, 0.0, 0.0

    def add(self, n: int, weight: float) -> None:
        self.n += n
        self.w1 += weight * n
        self.w2 += weight * weight * n

    def n_eff(self) -> float:
        """Kish's (sum w)^2 / sum w^2 (n when every weight is 1)."""
        return self.w1 * self.w1 / self.w2 if self.w2 else 0.0


class _Counts:
    """One unit's (place, group, area) counts of one item."""

    def __init__(self) -> None:
        self.values: dict[str | None, _Sum] = {}
        self.respondents = _Sum()
        self.numbers = _Sum()
        self.sums = [0.0, 0.0]  # weighted sum and sum of squares of a number's answers

    def add_value(self, value: str | None, n: int, count: int, x: float | None, weight: float):
        self.values.setdefault(value, _Sum()).add(n, weight)
        if x is not None:
            self.numbers.add(count, weight)
            self.sums[0] += weight * x * count
            self.sums[1] += weight * x * x * count

    def total(self, values: Iterable[str | None]) -> _Sum:
        found = _Sum()
        for value in values:
            if value in self.values:
                found.n += self.values[value].n
                found.w1 += self.values[value].w1
                found.w2 += self.values[value].w2
        return found


def _r(value: float) -> float:
    return round(value, 4)


def _share(hit: float, base: _Sum) -> dict[str, Any]:
    """A share hit / base (both weighted) with a Wilson interval on the base's Kish n."""
    share, n_eff = hit / base.w1, base.n_eff()
    lo, hi = wilson(share * n_eff, n_eff)
    return {"share": published_share(share), "ci": [_r(lo), _r(hi)]}


def summarise(spec: ItemSpec, counts: _Counts, threshold: int, weighted: bool) -> dict[str, Any]:
    """An item's cell for one unit: its n, and its figures unless suppressed.

    Suppression looks at the raw n; weighted, the figures use the weights and ``n_eff``.
    """
    if spec.type == "number":
        numbers = counts.numbers
        cell: dict[str, Any] = {"n": numbers.n, "suppressed": numbers.n < threshold}
        if not cell["suppressed"]:
            # On the effective-n scale, as the problem scores (unweighted: n, sum, squares).
            n_eff = numbers.n_eff()
            scale = n_eff / numbers.w1
            mean, sd = mean_sd(n_eff, counts.sums[0] * scale, counts.sums[1] * scale)
            cell["mean"] = _r(mean)
            cell["mean_ci"] = [_r(x) for x in t_interval(mean, sd, n_eff)] if n_eff >= 2 else None
            if weighted:
                cell["n_eff"] = _r(n_eff)
        return cell
    if spec.type == "text":
        n = sum(s.n for s in counts.values.values())
        return {"n": n, "suppressed": n < threshold}
    substantive = {value for value, _label, keep in spec.options if keep}
    known = [value for value, _label, _keep in spec.options]
    if spec.type == "area":
        # Every area, chosen or not (0 %), and an answer naming an area since removed.
        gone = sorted(v for v in counts.values if v is not None and v not in known)
        known = [*known, *gone]
        substantive = set(known)
    base = counts.respondents if spec.type == "multi" else counts.total(substantive)
    cell = {"n": base.n, "suppressed": base.n < max(threshold, 1)}
    if cell["suppressed"]:
        return cell
    if spec.type != "multi":
        cell["not_substantive"] = sum(
            s.n for value, s in counts.values.items() if value not in substantive
        )
    # The headline share of an ordered scale is its top box (as "share", like every share).
    if spec.top_box:
        cell.update(_share(counts.total(spec.top_box).w1, base))
    cell["options"] = [
        {"value": value, **_share(counts.total([value]).w1, base)}
        for value in known
        if value in substantive
    ]
    if weighted:
        cell["n_eff"] = _r(base.n_eff())
    return cell


def added_item_figures(
    conn: Connection,
    places: Sequence[Any],
    filters: Filters,
    suppress_below: int,
    locale: str = "sv",
    weights: Mapping[Cell, float] | None = None,
) -> list[dict[str, Any]]:
    """The figures of every added item answered in these places (id, slug rows).

    ``weights``: the survey figures' raking weights per (age band, gender) cell; none (or
    empty) leaves the items unweighted.
    """
    specs = item_specs(conn, locale)
    if not specs or not places:
        return []
    threshold = max(suppress_below, 1)
    kinds = {s.code: s.type for s in specs}
    ids = [p.id for p in places]
    c = counted_rows(answer_count, answer_count_month, ids, filters, ("code", "value", "count")).c
    keys = (c.place_id, c.gender, c.age_band, c.code, c.value)
    counted = conn.execute(
        select(*keys, func.sum(c.count)).where(c.code.in_(list(kinds))).group_by(*keys)
    ).all()
    # As the answers would give them: (place, gender, age band, code, value, rows, numbers,
    # the number); a number's or a text's value is None, as in item_answer.
    rows: list[tuple[Any, ...]] = []
    respondents: list[tuple[Any, ...]] = []
    for place_id, gender, age_band, code, value, total in counted:
        key, total = (place_id, gender or None, age_band or None, code), int(total)
        if value == "*":
            respondents.append((*key, total))
        elif kinds[code] == "number":
            rows.append((*key, None, total, total, float(int(value))))
        elif kinds[code] == "text":
            rows.append((*key, None, total, 0, None))
        else:
            rows.append((*key, value, total, 0, None))
    respondents = [r for r in respondents if kinds[r[3]] == "multi"]
    weights = weights or {}

    units: dict[tuple[str, Any], dict[str, _Counts]] = {}

    def targets(place_id: int, gender: str | None, age_band: str | None, code: str):
        found: list[tuple[str, Any]] = [("place", place_id), ("area", None)]
        if gender is not None:
            found.append(("gender", gender))
        if age_band is not None:
            found.append(("age_band", age_band))
        return [units.setdefault(unit, {}).setdefault(code, _Counts()) for unit in found]

    for place_id, gender, age_band, code, value, n, count, x in rows:
        weight = weights.get((age_band, gender), 1.0)
        for counts in targets(place_id, gender, age_band, code):
            counts.add_value(value, n, count, x, weight)
    for place_id, gender, age_band, code, n in respondents:
        weight = weights.get((age_band, gender), 1.0)
        for counts in targets(place_id, gender, age_band, code):
            counts.respondents.add(n, weight)

    answered = {code for unit in units.values() for code in unit}
    figures = []
    for spec in specs:
        if spec.code not in answered:
            continue

        def cell(unit: tuple[str, Any], spec: ItemSpec = spec) -> dict[str, Any]:
            found = units.get(unit, {}).get(spec.code, _Counts())
            return summarise(spec, found, threshold, bool(weights))

        total = cell(("area", None))
        by_place = {p.slug: cell(("place", p.id)) for p in places}
        by_place = {slug: c for slug, c in by_place.items() if c["n"] > 0}
        by_group = {
            kind: {
                value: cell((kind, value))
                for value in known
                if (kind, value) in units and spec.code in units[(kind, value)]
            }
            for kind, known in _GROUPS.items()
        }
        # Shown beside its parts, the total must not give a hidden part away.
        holder = {"cell": total}
        protect_all(holder, [{"cell": c} for c in by_place.values()], [("cell",)], threshold)
        for groups in by_group.values():
            protect_all(holder, [{"cell": c} for c in groups.values()], [("cell",)], threshold)
        figures.append(
            {
                "code": spec.code,
                "type": spec.type,
                "label": spec.label,
                "options": [
                    {"value": v, "label": label, "substantive": keep}
                    for v, label, keep in spec.options
                ],
                "ordered": spec.ordered,
                "top_box": list(spec.top_box),
                "priority_problem": spec.problem,
                "area_total": total,
                "places": by_place,
                "by_group": by_group,
            }
        )
    return figures

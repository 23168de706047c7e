"""The linear relations a release shows, and exact LP bounds over its hidden counts.

Used by ``disclosure_audit``; see there for the model and the rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

try:  # scipy's own HiGHS: one model per component, re-solved warm for each objective
    from scipy.optimize._highspy import _core as _highs
except ImportError:  # pragma: no cover - a scipy without it: linprog, cold, each time
    _highs = None

from . import disclosure
from .disclosure_items import ITEMS, item_rows, item_spec, quantities, shown_counts

Key = tuple[Any, ...]  # (release, unit, figure, quantity)
Expr = dict[Key, float]

EPS = 1e-6
#: The answers outside every group of a kind (no gender given, say), as a unit of their own.
OUTSIDE = "(outside)"
_T: Key = (-1,)  # the homogenising column of a ratio's program
#: A follow-up figure and the figure it follows, as paths ("reported" n <= "victim" k).
FOLLOWS = {(follower,): (leader,) for follower, leader in disclosure.FOLLOWS.items()}


def units(picture: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every place and group of a picture, the area itself first, with its key."""
    yield ("area",), picture["area_total"]
    for place in picture.get("places", []):
        yield ("place", place["place"]), place
    for kind, groups in (picture.get("by_group") or {}).items():
        for value, group in groups.items():
            yield (kind, value), group


def is_cell(value: Any) -> bool:
    return isinstance(value, dict) and "n" in value and "times" not in value


def figures(unit: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every figure cell of a place or group, with its path, e.g. ("times", "evening")."""
    for key, value in unit.items():
        if is_cell(value):
            yield (key,), value
        elif isinstance(value, dict):
            for sub, cell in value.items():
                if is_cell(cell):
                    yield (key, sub), cell


class Model:
    """The public's linear relations over some releases: known values, rows lo <= expr <= hi."""

    def __init__(self) -> None:
        self.known: dict[Key, float] = {}
        self.rows: list[tuple[Expr, float, float]] = []
        self.links: list[tuple[Expr, float, float]] = []

    def row(self, expr: Expr, lo: float = -math.inf, hi: float = math.inf) -> None:
        self.rows.append((expr, lo, hi))

    def add_release(self, r: int, picture: dict[str, Any], bounded: bool = True) -> None:
        """``bounded``: its weighted shares give intervals (``disclosure_weighted``)."""
        weighted = bool(picture.get("weighted"))
        paths: dict[tuple[str, ...], None] = {}
        places: list[Key] = []
        kinds: dict[str, list[Key]] = {kind: [] for kind in picture.get("by_group") or {}}
        for unit_key, unit in units(picture):
            if unit_key[0] == "place":
                places.append(unit_key)
            elif unit_key[0] != "area":
                kinds.setdefault(unit_key[0], []).append(unit_key)
            if not unit.get("suppressed"):
                self.known[(r, unit_key, (), "n")] = float(unit["n"])
            for figure, cell in figures(unit):
                paths[figure] = None
                if not cell.get("suppressed"):
                    self.known[(r, unit_key, figure, "n")] = float(cell["n"])
                    spec = item_spec(picture, figure) if figure[0] == ITEMS else None
                    for q, (lo, hi) in shown_counts(cell, weighted, spec, bounded).items():
                        if lo == hi:
                            self.known[(r, unit_key, figure, q)] = lo
                        else:  # a weighted share: an interval (disclosure_weighted)
                            self.row({(r, unit_key, figure, q): 1.0}, lo, hi)
                self._cell(r, unit_key, figure, picture)
            for follower, leader in FOLLOWS.items():
                if follower[0] in unit and leader[0] in unit:
                    self.row(
                        {(r, unit_key, follower, "n"): 1, (r, unit_key, leader, "k"): -1}, hi=0
                    )
        area = ("area",)
        for figure in [(), *paths]:
            for q in ("n", *(quantities(figure, picture) if figure else ())):
                parts = {(r, p, figure, q): 1.0 for p in places}
                self.row(parts | {(r, area, figure, q): -1.0}, 0, 0)
        for kind, groups in kinds.items():
            outside = (kind, OUTSIDE)
            for figure in [(), *(f for f in paths if f[0] in ("times", ITEMS))]:
                if figure:
                    self._cell(r, outside, figure, picture)
                for q in ("n", *(quantities(figure, picture) if figure else ())):
                    parts = {(r, g, figure, q): 1.0 for g in [*groups, outside]}
                    self.row(parts | {(r, area, figure, q): -1.0}, 0, 0)

    def _cell(self, r: int, unit: Key, figure: tuple[str, ...], picture: Any = None) -> None:
        n = (r, unit, figure, "n")
        self.row({n: 1, (r, unit, (), "n"): -1}, hi=0)
        for q in quantities(figure, picture):
            self.row({(r, unit, figure, q): 1, n: -1}, hi=0)
        if figure[0] == ITEMS:
            self.rows += item_rows(r, unit, figure, item_spec(picture, figure))

    def link(self, before: int, after: int) -> None:
        """Answers are only added between releases: n, k and n - k of every cell grow, and so do
        a unit's answers outside each figure (a blank or "don't know" stays one)."""
        keys = {key for expr, _, _ in self.rows for key in expr}
        for r, unit, figure, q in keys:
            if r != after or (before, unit, figure, q) not in keys:
                continue
            self.links.append(
                ({(r, unit, figure, q): 1, (before, unit, figure, q): -1}, 0, math.inf)
            )
            if q != "n":
                grows = {(r, unit, figure, "n"): 1.0, (before, unit, figure, "n"): -1.0}
                grows |= {(r, unit, figure, q): -1.0, (before, unit, figure, q): 1.0}
                self.links.append((grows, 0, math.inf))
            elif figure and (before, unit, (), "n") in keys and (r, unit, (), "n") in keys:
                outside = {(r, unit, (), "n"): 1.0, (before, unit, (), "n"): -1.0}
                outside |= {(r, unit, figure, "n"): -1.0, (before, unit, figure, "n"): 1.0}
                self.links.append((outside, 0, math.inf))


class Infeasible(Exception):
    """The releases contradict the model (an answer was erased between them)."""


class Bounds:
    """Exact LP bounds of linear and linear-fractional expressions over a model's unknowns."""

    def __init__(
        self, model: Model, linked: bool, cache: dict[Any, Any] | None = None, points: Any = None
    ) -> None:
        #: Solutions by component and objective, kept over passes: most parts never change.
        self.cache = {} if cache is None else cache
        #: Where each solution is kept as a possible truth (``disclosure_points.Points``).
        self.points = points
        self.known = model.known
        self.keys = {key for expr, _, _ in model.rows for key in expr}
        self.rows: list[tuple[Expr, float, float]] = []
        self.parent: dict[Key, Key] = {}
        for expr, lo, hi in model.rows + (model.links if linked else []):
            const, unknown = self._split(expr)
            if not unknown:
                if not lo - EPS <= const <= hi + EPS:
                    raise Infeasible
                continue
            self.rows.append((unknown, lo - const, hi - const))
            first, *rest = unknown
            for key in rest:
                self.parent[self.find(key)] = self.find(first)
        #: Quick upper bounds from rows of positive terms (a sum of parts known, say).
        self.upper: dict[Key, float] = {}
        for expr, _, hi in self.rows:
            if hi < math.inf and all(c > 0 for c in expr.values()):
                for k, c in expr.items():
                    self.upper[k] = min(self.upper.get(k, math.inf), hi / c)
        self.by_root: dict[Key, list[int]] = {}
        for i, (expr, _, _) in enumerate(self.rows):
            self.by_root.setdefault(self.find(next(iter(expr))), []).append(i)
        self._programs: dict[tuple[frozenset[Key], bool], Any] = {}
        self._signatures: dict[frozenset[Key], Any] = {}  # rows' signature, keys
        self._models: dict[tuple[frozenset[Key], bool], Any] = {}

    def find(self, key: Key) -> Key:
        while self.parent.setdefault(key, key) != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def _split(self, expr: Expr) -> tuple[float, Expr]:
        const = sum(c * self.known[k] for k, c in expr.items() if k in self.known)
        return const, {k: c for k, c in expr.items() if k not in self.known and c}

    def _program(self, roots: frozenset[Key], homogeneous: bool) -> Any:
        """The rows of some components as matrices; homogeneous adds a column t (RHS * t)."""
        if (roots, homogeneous) not in self._programs:
            rows = [self.rows[i] for root in roots for i in self.by_root.get(root, [])]
            index = {k: j for j, k in enumerate(sorted({k for e, _, _ in rows for k in e}))}
            size = len(index) + homogeneous
            a_eq: list[Any] = []
            a_ub: list[Any] = []
            b_eq: list[float] = []
            b_ub: list[float] = []
            for expr, lo, hi in rows:
                line = np.zeros(size)
                for k, c in expr.items():
                    line[index[k]] = c
                for sign, bound, a, b in ((1, hi, a_ub, b_ub), (-1, lo, a_ub, b_ub)):
                    if lo == hi:
                        sign, a, b = 1, a_eq, b_eq
                    if math.isinf(bound):
                        continue
                    out = sign * line
                    if homogeneous:
                        out[-1] = -sign * bound
                    a.append(out)
                    b.append(0.0 if homogeneous else sign * bound)
                    if lo == hi:
                        break
            self._programs[(roots, homogeneous)] = (
                index,
                size,
                sparse.csr_array(np.array(a_eq)) if a_eq else None,
                np.array(b_eq),
                sparse.csr_array(np.array(a_ub)) if a_ub else None,
                np.array(b_ub),
            )
        return self._programs[(roots, homogeneous)]

    def _minimum(
        self, roots: frozenset[Key], objective: Expr, ratio_of: Expr | None
    ) -> tuple[int, float, dict[Key, float]]:
        """Status (0 found, 2 infeasible, 3 unbounded), least value and where it is taken."""
        if roots not in self._signatures:
            rows = [self.rows[i] for root in roots for i in self.by_root.get(root, [])]
            self._signatures[roots] = (
                frozenset((tuple(sorted(e.items())), a, b) for e, a, b in rows),
                frozenset(k for e, _, _ in rows for k in e),  # the component's keys
            )
        key = (
            self._signatures[roots][0],
            tuple(sorted(objective.items())),
            None if ratio_of is None else tuple(sorted(ratio_of.items())),
        )
        if key not in self.cache:
            self.cache[key] = self._solve(roots, objective, ratio_of)
            if self.points is not None and ratio_of is None and self.cache[key][0] == 0:
                self.points.add(self._signatures[roots][1], self.cache[key][2], self.known)
        return self.cache[key]

    def _solve(
        self, roots: frozenset[Key], objective: Expr, ratio_of: Expr | None
    ) -> tuple[int, float, dict[Key, float]]:
        if _highs is not None:
            found = self._solve_warm(roots, objective, ratio_of)
            if found is not None:
                return found
        index, size, a_eq, b_eq, a_ub, b_ub = self._program(roots, ratio_of is not None)

        def line(expr: Expr, const: float = 0.0) -> np.ndarray:
            out = np.zeros(size)
            for k, c in expr.items():
                if k != _T:
                    out[index[k]] = c
            if ratio_of is not None:
                out[-1] = const
            return out

        objective_line = line(objective, objective.get(_T, 0.0))
        if ratio_of is not None:  # den.y + d0 t = 1
            scale = sparse.csr_array(line(ratio_of, ratio_of.get(_T, 0.0))[None, :])
            a_eq = scale if a_eq is None else sparse.vstack([a_eq, scale], format="csr")
            b_eq = np.append(b_eq, 1.0)
        result = linprog(
            objective_line,
            A_ub=a_ub,
            b_ub=b_ub if a_ub is not None else None,
            A_eq=a_eq,
            b_eq=b_eq if a_eq is not None else None,
            bounds=(0, None),
            method="highs",
        )
        if result.status not in (0, 2, 3):
            raise RuntimeError(f"linprog failed: {result.message}")
        point = {}
        if result.status == 0 and ratio_of is None:
            point = {k: float(result.x[j]) for k, j in index.items() if result.x[j]}
        return result.status, float(result.fun) if result.status == 0 else 0.0, point

    def _warm(self, roots: frozenset[Key], homogeneous: bool) -> Any:
        """A HiGHS model of some components' rows (ranged rows; homogeneous as in _program)."""
        if (roots, homogeneous) not in self._models:
            rows = [self.rows[i] for root in roots for i in self.by_root.get(root, [])]
            index = {k: j for j, k in enumerate(sorted({k for e, _, _ in rows for k in e}))}
            size = len(index) + homogeneous
            lower: list[float] = []
            upper: list[float] = []
            starts: list[int] = []
            columns: list[int] = []
            values: list[float] = []
            for expr, lo, hi in rows:
                line = [(index[k], c) for k, c in expr.items()]
                sides = [(lo, hi, 0.0)] if not homogeneous else []
                if homogeneous:  # a.y - b t within (-inf, 0] for hi, [0, inf) for lo
                    sides = [(0.0, 0.0, lo)] if lo == hi else []
                    sides += [] if lo == hi or math.isinf(hi) else [(-math.inf, 0.0, hi)]
                    sides += [] if lo == hi or math.isinf(lo) else [(0.0, math.inf, lo)]
                for row_lo, row_hi, bound in sides:
                    starts.append(len(columns))
                    lower.append(row_lo)
                    upper.append(row_hi)
                    extra = [(size - 1, -bound)] if homogeneous and bound else []
                    columns += [j for j, _ in line + extra]
                    values += [c for _, c in line + extra]
            model = _highs._Highs()
            model.setOptionValue("output_flag", False)
            model.setOptionValue("presolve", "off")  # re-solved from the last basis instead
            model.addVars(size, np.zeros(size), np.full(size, math.inf))
            if lower:
                model.addRows(
                    len(lower),
                    np.array(lower),
                    np.array(upper),
                    len(columns),
                    np.array(starts, dtype=np.int32),
                    np.array(columns, dtype=np.int32),
                    np.array(values, dtype=float),
                )
            if homogeneous:  # the scale row of a ratio, its coefficients set by each one
                model.addRows(1, np.ones(1), np.ones(1), 0, np.zeros(1, np.int32), [], [])
            self._models[(roots, homogeneous)] = (model, index, size, len(lower), np.zeros(size))
        return self._models[(roots, homogeneous)]

    def _solve_warm(
        self, roots: frozenset[Key], objective: Expr, ratio_of: Expr | None
    ) -> tuple[int, float, dict[Key, float]] | None:
        """As _solve, on the component's model kept warm; None where HiGHS gives no verdict."""
        model, index, size, count, previous = self._warm(roots, ratio_of is not None)

        def line(expr: Expr) -> np.ndarray:
            out = np.zeros(size)
            for k, c in expr.items():
                out[size - 1 if k == _T else index[k]] = c
            return out

        model.changeColsCost(size, np.arange(size, dtype=np.int32), line(objective))
        if ratio_of is not None:  # den.y + d0 t = 1: the model's last row, changed in place
            scale = line(ratio_of)
            for j in set(np.flatnonzero(scale)) | set(np.flatnonzero(previous)):
                model.changeCoeff(count, int(j), float(scale[j]))
            previous[:] = scale
        model.run()
        status = model.getModelStatus()
        codes = {_highs.HighsModelStatus.kOptimal: 0, _highs.HighsModelStatus.kInfeasible: 2}
        code = codes.get(status, 3 if status == _highs.HighsModelStatus.kUnbounded else None)
        if code is None:
            return None
        fun = model.getInfo().objective_function_value if code == 0 else 0.0
        point = {}
        if code == 0 and ratio_of is None:
            x = np.asarray(model.getSolution().col_value)
            point = {k: float(x[j]) for k, j in index.items() if x[j]}
        return code, float(fun), point

    def value(self, expr: Expr, point: dict[Key, float]) -> float:
        """An expression's value at a solution found by ``interval``."""
        return sum(c * self.known.get(k, point.get(k, 0.0)) for k, c in expr.items())

    def extreme(self, expr: Expr, greatest: bool) -> tuple[float, dict[Key, float] | None]:
        """The least (or greatest) value of a linear expression, and a point taking it."""
        const, unknown = self._split(expr)
        if not unknown:
            return const, None
        sign = -1 if greatest else 1
        roots = frozenset(self.find(k) for k in unknown)
        status, fun, point = self._minimum(roots, {k: sign * c for k, c in unknown.items()}, None)
        if status == 2:
            raise Infeasible
        return (const + sign * fun, point) if status == 0 else (-sign * math.inf, None)

    def ratio(self, num: Expr, den: Expr) -> tuple[float, float] | None:
        """Least and greatest num / den where den > 0 (Charnes-Cooper); None if it cannot be."""
        n_const, n_part = self._split(num)
        d_const, d_part = self._split(den)
        roots = frozenset(self.find(k) for k in {**n_part, **d_part})
        if not roots:
            return (n_const / d_const, n_const / d_const) if d_const > 0 else None
        # With y = x t and t = 1 / den, rows a.x <= b become a.y - b t <= 0 and den.y = 1.
        numerator, denominator = n_part | {_T: n_const}, d_part | {_T: d_const}
        bounds = []
        for sign in (1, -1):
            objective = {k: sign * c for k, c in numerator.items()}
            status, fun, _ = self._minimum(roots, objective, denominator)
            if status == 2:
                return None
            bounds.append(sign * fun if status == 0 else -sign * math.inf)
        return bounds[0], bounds[1]

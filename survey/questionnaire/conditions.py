"""Skip logic: when an item is asked, as a condition over earlier answers.

In YAML (``show_if``)::

    {item: victim, is: "yes"}                 # the answer is this value (for multi: ticked)
    {item: worry, any_of: ["3", "4"]}         # one of these values
    {not: {item: relation, is: pass}}
    {all: [cond, cond, ...]}                  # and
    {any: [cond, cond, ...]}                  # or

``only_if: {victim: "yes", ...}`` (version 1) is the same as ``all`` of ``is`` conditions.
An unanswered item has no value: ``is`` and ``any_of`` are false for it, ``not`` of them true.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .keys import CONDITION_KEYS, unknown_key
from .problems import N_, Problem, line_of

#: An item's answer as conditions see it: the values chosen (empty: not answered).
Values = Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Is:
    code: str
    values: frozenset[str]

    def holds(self, answers: Values) -> bool:
        return bool(answers.get(self.code, frozenset()) & self.values)

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.code, "any_of": sorted(self.values)}

    def codes(self) -> set[str]:
        return {self.code}


@dataclass(frozen=True)
class Not:
    condition: Condition

    def holds(self, answers: Values) -> bool:
        return not self.condition.holds(answers)

    def as_dict(self) -> dict[str, Any]:
        return {"not": self.condition.as_dict()}

    def codes(self) -> set[str]:
        return self.condition.codes()


@dataclass(frozen=True)
class All:
    conditions: tuple[Condition, ...]

    def holds(self, answers: Values) -> bool:
        return all(c.holds(answers) for c in self.conditions)

    def as_dict(self) -> dict[str, Any]:
        return {"all": [c.as_dict() for c in self.conditions]}

    def codes(self) -> set[str]:
        return set().union(*(c.codes() for c in self.conditions))


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def holds(self, answers: Values) -> bool:
        return any(c.holds(answers) for c in self.conditions)

    def as_dict(self) -> dict[str, Any]:
        return {"any": [c.as_dict() for c in self.conditions]}

    def codes(self) -> set[str]:
        return set().union(*(c.codes() for c in self.conditions))


Condition = Is | Not | All | AnyOf


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value)
    return None


def parse_condition(
    raw: Any, code: str, line: int, problem: Callable[[Problem], None]
) -> Condition | None:
    """A condition from ``show_if`` YAML, or None after reporting what is wrong."""
    line = line_of(raw, line)
    if not isinstance(raw, dict) or len(raw) == 0:
        problem(
            Problem(
                N_("%(code)s: show_if must be a condition (item, all, any or not)"), line, code=code
            )
        )
        return None
    if unknown := [key for key in raw if key not in CONDITION_KEYS]:
        for key in unknown:
            problem(unknown_key(raw, key, CONDITION_KEYS, line))
        return None
    if "item" in raw:
        other = raw.get("item")
        extra = set(raw) - {"item", "is", "any_of"}
        if not isinstance(other, str) or extra or ("is" in raw) == ("any_of" in raw):
            problem(
                Problem(
                    N_("%(code)s: a condition on an item needs item and either is or any_of"),
                    line,
                    code=code,
                )
            )
            return None
        if "is" in raw:
            value = _scalar(raw["is"])
            values: list[str | None] = [value] if value is not None else []
        else:
            given = raw["any_of"]
            values = [_scalar(v) for v in given] if isinstance(given, list) else []
        if not values or any(v is None for v in values):
            problem(
                Problem(
                    N_("%(code)s: the values of a condition must be option values"), line, code=code
                )
            )
            return None
        return Is(other, frozenset(v for v in values if v is not None))
    if len(raw) != 1:
        problem(
            Problem(
                N_("%(code)s: write all, any or not as the only key of a condition"),
                line,
                code=code,
            )
        )
        return None
    ((key, value),) = raw.items()
    if key == "not":
        inner = parse_condition(value, code, line, problem)
        return Not(inner) if inner is not None else None
    if key in ("all", "any") and isinstance(value, list) and value:
        parts = [parse_condition(v, code, line, problem) for v in value]
        if any(p is None for p in parts):
            return None
        found = tuple(p for p in parts if p is not None)
        return All(found) if key == "all" else AnyOf(found)
    problem(
        Problem(
            N_("%(code)s: show_if must be a condition (item, all, any or not)"), line, code=code
        )
    )
    return None


def from_only_if(only_if: Mapping[str, str]) -> Condition:
    """Version 1's ``only_if: {code: value}``: every item has its value."""
    return All(tuple(Is(code, frozenset([str(value)])) for code, value in only_if.items()))


def conditions_of(condition: Condition) -> list[Is]:
    """Every item test inside a condition."""
    if isinstance(condition, Is):
        return [condition]
    if isinstance(condition, Not):
        return conditions_of(condition.condition)
    return [test for part in condition.conditions for test in conditions_of(part)]

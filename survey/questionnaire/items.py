"""One item of an uploaded questionnaire: parsed and checked, each problem with its line.

Version 1's items are the catalogue (columns of the ``response`` table): a later version may
reword, reorder, drop them and narrow their options. Any other code is a new item, stored
generically (``item_answer``); a code keeps one meaning in every version that asks it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from analysis.tables import PROBLEMS

from .conditions import conditions_of, from_only_if, parse_condition
from .model import ITEM_TYPES, Item, Option, Questionnaire, Section
from .problems import N_, Problem, line_of

#: Column names of the responses CSV and the response table that no item code may take.
RESERVED = frozenset(
    (
        "submitted_on place questionnaire_version source round round_name round_opens_on"
        " round_closes_on id place_id round_id held key_number receipt_hash import_batch_id"
    ).split()
)
#: The longest free text a new item may ask for.
MAX_TEXT = 5000
#: The widest range a number item may have (a whole number fits in 32 bits).
NUMBER_LIMIT = 1_000_000_000

Report = Callable[[Problem], None]
TextsOf = Callable[..., Any]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_item(
    raw: Any,
    where_line: int,
    texts: TextsOf,
    options,
    report: Report,
    catalogue: Questionnaire | None = None,
) -> Item | None:
    """An item from YAML, or None after reporting why it cannot be read."""
    line = line_of(raw, where_line)
    if not isinstance(raw, dict):
        report(Problem(N_("an item must be a mapping with code, type and label"), line))
        return None
    code = raw.get("code")
    if not isinstance(code, str) or not _code_ok(code):
        report(Problem(N_("code must be lower-case letters, digits and _"), line))
        return None
    if code in RESERVED:
        report(
            Problem(
                N_("%(code)s: this name is a column of its own; choose another code"),
                line,
                code=code,
            )
        )
        return None
    kind = raw.get("type")
    if kind not in ITEM_TYPES:
        report(
            Problem(
                N_("%(code)s: type must be one of %(types)s"),
                line,
                code=code,
                types=", ".join(ITEM_TYPES),
            )
        )
        return None
    if (known := _catalogue_item(catalogue, code)) is not None and kind != known.type:
        report(
            Problem(
                N_(
                    "%(code)s: a version 1 question keeps its type %(type)s; give a new"
                    " question a new code"
                ),
                line,
                code=code,
                type=known.type,
            )
        )
        # Its keys are those of another type: their problems ("only single and multi items
        # have options") hid this one. Version 1's item stands in, for the later conditions.
        return replace(known, line=line)
    item_options: tuple[Option, ...] = ()
    if kind in ("single", "multi"):
        item_options = options(raw.get("options"), code, line)
    elif "options" in raw:
        report(Problem(N_("%(code)s: only single and multi items have options"), line, code=code))
    max_choices = raw.get("max_choices")
    if max_choices is not None and (kind != "multi" or not _whole(max_choices) or max_choices < 1):
        report(
            Problem(
                N_("%(code)s: max_choices is a whole number, for multi items only"), line, code=code
            )
        )
        max_choices = None
    max_length: Any = raw.get("max_length")
    if kind == "text" and (not _whole(max_length) or max_length < 1):
        report(Problem(N_("%(code)s: a text item needs max_length"), line, code=code))
        max_length = None
    elif kind != "text" and max_length is not None:
        report(Problem(N_("%(code)s: max_length is for text items only"), line, code=code))
        max_length = None
    ordered = raw.get("ordered", False)
    top_box = raw.get("top_box") or []
    if not isinstance(ordered, bool) or (ordered and kind != "single"):
        report(
            Problem(
                N_("%(code)s: ordered (true or false) is for single items only"), line, code=code
            )
        )
        ordered = False
    if top_box:
        top_box = _top_box(top_box, code, line, ordered, item_options, report)
    minimum, maximum = raw.get("min"), raw.get("max")
    if kind == "number":
        minimum, maximum = _range(minimum, maximum, code, line, report)
    elif minimum is not None or maximum is not None:
        report(Problem(N_("%(code)s: min and max are for number items only"), line, code=code))
        minimum = maximum = None
    only_if = raw.get("only_if")
    condition = None
    if only_if is not None and "show_if" in raw:
        report(Problem(N_("%(code)s: use show_if or only_if, not both"), line, code=code))
    elif only_if is not None:
        if not isinstance(only_if, dict) or not only_if:
            report(
                Problem(N_("%(code)s: only_if must map an item code to an answer"), line, code=code)
            )
            only_if = None
        else:
            only_if = {str(k): str(v) for k, v in only_if.items()}
            condition = from_only_if(only_if)
    elif "show_if" in raw:
        condition = parse_condition(raw["show_if"], code, line, report)
    required = raw.get("required", False)
    if not isinstance(required, bool):
        report(Problem(N_("%(code)s: required is true or false"), line, code=code))
    problem = _priority_problem(raw, code, line, kind, top_box, item_options, report)
    return Item(
        code=code,
        type=kind,
        label=texts(raw.get("label"), f"{code}.label", line=line) or {},
        hint=texts(raw.get("hint"), f"{code}.hint", required=False, line=line),
        paper_hint=texts(raw.get("paper_hint"), f"{code}.paper_hint", required=False, line=line),
        required=required is True,
        options=item_options,
        max_choices=max_choices,
        max_length=max_length,
        only_if=only_if,
        condition=condition,
        ordered=ordered,
        top_box=tuple(top_box),
        min_value=minimum,
        max_value=maximum,
        priority_problem=problem,
        line=line,
    )


def _catalogue_item(catalogue: Questionnaire | None, code: str) -> Item | None:
    try:
        return catalogue.item(code) if catalogue is not None else None
    except KeyError:
        return None


def _priority_problem(
    raw: dict, code: str, line: int, kind: Any, top_box: Any, options, report: Report
) -> str | None:
    """The priority model's problem an item feeds: by its top-box share or its "yes" share."""
    problem = raw.get("priority_problem")
    if problem is None:
        return None
    if problem not in PROBLEMS:
        report(
            Problem(
                N_("%(code)s: priority_problem must be one of %(problems)s"),
                line,
                code=code,
                problems=", ".join(PROBLEMS),
            )
        )
        return None
    if kind != "single" or not (top_box or "yes" in {o.value for o in options}):
        report(
            Problem(
                N_(
                    '%(code)s: only a single choice item with a top_box or a "yes" option can'
                    " feed a priority problem"
                ),
                line,
                code=code,
            )
        )
        return None
    return str(problem)


def _code_ok(code: str) -> bool:
    return (
        bool(code)
        and len(code) <= 40
        and code[0].isascii()
        and code[0].islower()
        and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in code)
    )


def _top_box(top_box: Any, code: str, line: int, ordered: bool, options, report: Report):
    values = {o.value: o for o in options}
    if not ordered or not isinstance(top_box, list):
        report(
            Problem(
                N_("%(code)s: top_box lists option values of an ordered scale"), line, code=code
            )
        )
        return []
    chosen = [str(v) for v in top_box]
    wrong = [v for v in chosen if v not in values or not values[v].substantive]
    if wrong:
        report(
            Problem(
                N_("%(code)s: top_box values %(values)s are not answers on the scale"),
                line,
                code=code,
                values=", ".join(wrong),
            )
        )
        return []
    return chosen


def _range(minimum: Any, maximum: Any, code: str, line: int, report: Report):
    minimum = 0 if minimum is None else minimum
    if (
        not _whole(minimum)
        or not _whole(maximum)
        or not minimum < maximum
        or max(abs(minimum), abs(maximum)) > NUMBER_LIMIT
    ):
        report(
            Problem(
                N_("%(code)s: a number item needs whole numbers min and max, min below max"),
                line,
                code=code,
            )
        )
        return None, None
    return minimum, maximum


def skip_problems(sections: list[Section]) -> list[Problem]:
    """Conditions must test earlier items, by option values those items have."""
    problems: list[Problem] = []
    earlier: dict[str, Item] = {}
    for section in sections:
        for item in section.items:
            for test in conditions_of(item.condition) if item.condition else []:
                other = earlier.get(test.code)
                if other is None:
                    problems.append(
                        Problem(
                            N_(
                                "%(code)s: the condition refers to %(other)s, which is not an item"
                                " asked before it"
                            ),
                            item.line,
                            code=item.code,
                            other=test.code,
                        )
                    )
                elif other.type in ("single", "multi") and not test.values <= set(other.values):
                    problems.append(
                        Problem(
                            N_("%(code)s: %(values)s is not an option of %(other)s"),
                            item.line,
                            code=item.code,
                            other=test.code,
                            values=", ".join(sorted(test.values - set(other.values))),
                        )
                    )
                elif other.type == "text":
                    problems.append(
                        Problem(
                            N_("%(code)s: a condition cannot test the free text %(other)s"),
                            item.line,
                            code=item.code,
                            other=test.code,
                        )
                    )
            earlier[item.code] = item
    return problems


def catalogue_problems(sections: list[Section], catalogue: Questionnaire) -> list[Problem]:
    """Version 1's codes keep their options (their type is checked as they are read); a new
    text has a bounded length."""
    problems = []
    for section in sections:
        for item in section.items:
            try:
                known = catalogue.item(item.code)
            except KeyError:
                if item.type == "text" and item.max_length and item.max_length > MAX_TEXT:
                    problems.append(
                        Problem(
                            N_("%(code)s: max_length may be at most %(n)d"),
                            item.line,
                            code=item.code,
                            n=MAX_TEXT,
                        )
                    )
                continue
            if item.priority_problem:
                problems.append(
                    Problem(
                        N_(
                            "%(code)s: a version 1 question is already part of the priorities;"
                            " only a new question can feed a priority problem"
                        ),
                        item.line,
                        code=item.code,
                    )
                )
            extra = set(item.values) - set(known.values)
            if extra:
                problems.append(
                    Problem(
                        N_(
                            "%(code)s: unknown option values %(values)s; a version 1 question keeps"
                            " its options, give a new question a new code"
                        ),
                        item.line,
                        code=item.code,
                        values=", ".join(sorted(extra)),
                    )
                )
            if item.max_length and known.max_length and item.max_length > known.max_length:
                problems.append(
                    Problem(
                        N_("%(code)s: max_length may be at most %(n)d"),
                        item.line,
                        code=item.code,
                        n=known.max_length,
                    )
                )
    return problems


def meaning_problems(new: Questionnaire, earlier: Iterable[Questionnaire]) -> list[Problem]:
    """A code asked in an earlier version keeps its meaning: type, options, scale order."""
    problems: list[Problem] = []
    for old in earlier:
        for item in new.items:
            try:
                before = old.item(item.code)
            except KeyError:
                continue
            changed = _change(before, item)
            if changed:
                problems.append(
                    Problem(
                        N_(
                            "%(code)s: version %(version)d asks this code with another meaning"
                            " (%(change)s); a changed question needs a new code"
                        ),
                        item.line,
                        code=item.code,
                        version=old.version,
                        change=changed,
                    )
                )
    return problems


def _change(before: Item, after: Item) -> str:
    if before.type != after.type:
        return f"type {before.type}, now {after.type}"
    if set(after.values) - set(before.values):
        return "new option values " + ", ".join(sorted(set(after.values) - set(before.values)))
    if before.ordered != after.ordered:
        return "ordered scale or not"
    kept = [v for v in before.values if v in set(after.values)]
    if before.ordered and kept != list(after.values):
        return "scale order"
    if before.top_box != after.top_box:
        return "top_box"
    flags = {o.value: o.substantive for o in before.options}
    if any(flags[o.value] != o.substantive for o in after.options):
        return "substantive options"
    return ""

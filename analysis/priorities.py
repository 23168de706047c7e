"""Priorities: (place, problem, time) ranked by a published weighted sum of evidence.

A pure function over the other indicators' plain data, so the ranking can be recomputed from
the published JSON alone. Components, each 0..1:

- survey: the mean of the place's problem share and its unsafe share at that time (for an
  issue raised without a time: the mean over the times), each shrunk toward the area's value,
  where an added item declared to feed the problem (``priority_problem``) joins the problem
  share: the problem part is the mean of the problem share and each such item's top-box (or
  "yes") share, each shrunk the same way;
  ``(n * p + M0 * p_area) / (n + M0)``, n the cell's Kish ``n_eff`` where the figures are
  weighted (their shares are the weighted ones); a suppressed cell has no own weight (n = 0) and so
  contributes the area's value, and a share that not even the area can show counts as 0;
- dialogue: distinct dialogues that raised it (at that time or without a time), divided by the
  largest such count among the rows;
- crime: ``s / (1 + s)`` for the best positive deviation score of a matching crime category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .tables import TIMES

#: Prior strength of the shrinkage toward the area: as if 20 answers had the area's value.
M0 = 20


@dataclass(frozen=True)
class Weights:
    """The published weights of the three components; they sum to 1."""

    survey: float = 0.5
    dialogue: float = 0.3
    crime: float = 0.2


DEFAULT_WEIGHTS = Weights()

PROBLEM_NAMES = {
    "sv": {
        "alcohol": "alkohol",
        "drug_dealing": "narkotikaförsäljning",
        "drug_use": "narkotikabruk",
        "groups": "störande grupper",
        "harassment": "trakasserier",
        "violence": "våld och hot",
        "theft": "stölder och rån",
        "vandalism": "skadegörelse",
        "litter": "nedskräpning",
        "lighting": "dålig belysning",
        "traffic": "trafik",
        "other": "annat",
    },
    "en": {
        "alcohol": "alcohol",
        "drug_dealing": "drug dealing",
        "drug_use": "drug use",
        "groups": "disruptive groups",
        "harassment": "harassment",
        "violence": "violence and threats",
        "theft": "theft and robbery",
        "vandalism": "vandalism",
        "litter": "litter",
        "lighting": "poor lighting",
        "traffic": "traffic",
        "other": "other problems",
    },
}
TIME_PHRASES = {
    "sv": {
        "day": "dagtid",
        "afternoon": "på eftermiddagen",
        "evening": "på kvällen",
        "night": "på natten",
    },
    "en": {
        "day": "in the daytime",
        "afternoon": "in the afternoon",
        "evening": "in the evening",
        "night": "at night",
    },
}
SENTENCES = {
    "sv": {
        "unsafe": "{pct}\u00a0% känner sig otrygga ({n} svar)",
        "problem": "{pct}\u00a0% ser {problem} som ett stort problem",
        "dialogue_one": "frågan togs upp i 1 dialog",
        "dialogue_many": "frågan togs upp i {n} dialoger",
        "crime": "anmälda brott ({category}) låg över det väntade i {month}",
        "item": "{pct}\u00a0% på frågan ”{label}”",
        "nothing": "inga siffror att visa (för få svar)",
        "and": "och",
        "whole_area": "hela området",
    },
    "en": {
        "unsafe": "{pct}% feel unsafe ({n} answers)",
        "problem": "{pct}% see {problem} as a big problem",
        "dialogue_one": "it was raised in 1 dialogue",
        "dialogue_many": "it was raised in {n} dialogues",
        "crime": "reported crime ({category}) was above the expected level in {month}",
        "item": "{pct}% on the question “{label}”",
        "nothing": "no figures to show (too few answers)",
        "and": "and",
        "whole_area": "the whole area",
    },
}

Cell = Mapping[str, Any]
Key = tuple[str | None, str, str | None]


def _own(cell: Cell | None) -> tuple[int, float] | None:
    """A cell's (n, share) when it may be shown, else None (suppressed or missing)."""
    if not cell or cell.get("suppressed") or cell.get("share", cell.get("unsafe_share")) is None:
        return None
    return int(cell["n"]), float(cell.get("share", cell.get("unsafe_share")))


def _shrunk(cell: Cell | None, area_cell: Cell | None) -> float | None:
    """The cell's share shrunk toward the area's; the area's alone when the cell is hidden.

    A weighted cell's own weight is its Kish ``n_eff``: unequal weights carry less information
    than as many answers of equal weight, so it is shrunk more than its raw n would say.
    """
    own, area = _own(cell), _own(area_cell)
    if area is None:
        return own[1] if own else None
    if own is None or cell is None:
        return area[1]
    n, p = float(cell.get("n_eff", own[0])), own[1]
    return (n * p + M0 * area[1]) / (n + M0)


def _time_cell(entry: Cell | None, time: str | None) -> Cell | None:
    return (entry or {}).get("times", {}).get(time) if time else None


def _problem_cell(entry: Cell | None, problem: str) -> Cell | None:
    return (entry or {}).get("problems", {}).get(problem)


def item_share_cell(item: Mapping[str, Any], cell: Cell | None) -> Cell | None:
    """An added item's cell as a share cell: its top-box share, or its "yes" share."""
    if not cell:
        return None
    if cell.get("suppressed"):
        return {"n": cell.get("n", 0), "suppressed": True}
    if item.get("top_box"):
        share = cell.get("share")
    else:
        share = next((o["share"] for o in cell.get("options") or [] if o["value"] == "yes"), None)
    if share is None:
        return None
    found = {"n": cell["n"], "suppressed": False, "share": share}
    if "n_eff" in cell:
        found["n_eff"] = cell["n_eff"]
    return found


def _feeding(items: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """The added items that feed each problem."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        if item.get("priority_problem"):
            found.setdefault(item["priority_problem"], []).append(item)
    return found


def _item_pairs(
    items: Sequence[Mapping[str, Any]], place: str | None
) -> list[tuple[Mapping[str, Any], Cell | None, Cell | None]]:
    """Per item: (item, the place's share cell, the area's); the area's alone for no place."""
    pairs: list[tuple[Mapping[str, Any], Cell | None, Cell | None]] = []
    for item in items:
        area = item_share_cell(item, item.get("area_total"))
        if place is None:
            pairs.append((item, area, None))
        else:
            pairs.append((item, item_share_cell(item, (item.get("places") or {}).get(place)), area))
    return pairs


def _survey_component(
    entry: Cell | None,
    area: Cell | None,
    problem: str,
    time: str | None,
    item_pairs: Sequence[tuple[Any, Cell | None, Cell | None]] = (),
) -> float:
    # The whole area (a dialogue issue without a place) is its own figure: no shrinkage.
    own, prior = (area, None) if entry is None else (entry, area)
    parts = [_shrunk(_problem_cell(own, problem), _problem_cell(prior, problem))]
    parts += [_shrunk(cell, area_cell) for _item, cell, area_cell in item_pairs]
    known_parts = [part for part in parts if part is not None]
    problem_part = sum(known_parts) / len(known_parts) if known_parts else None
    if time:
        unsafe_part = _shrunk(_time_cell(own, time), _time_cell(prior, time))
    else:  # raised without a time: the place's unsafe share over the times known
        known = [_shrunk(_time_cell(own, t), _time_cell(prior, t)) for t in TIMES]
        shares = [share for share in known if share is not None]
        unsafe_part = sum(shares) / len(shares) if shares else None
    # A figure no one can show (too few answers even in the area) adds nothing.
    return ((problem_part or 0.0) + (unsafe_part or 0.0)) / 2


def _has_survey_evidence(entry: Cell) -> bool:
    cells = [*entry.get("times", {}).values(), *entry.get("problems", {}).values()]
    return any(_own(cell) is not None for cell in cells)


def _candidates(
    survey: Mapping[str, Any],
    mentions: list[Mapping[str, Any]],
    feeding: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> set[Key]:
    """Every (place, problem, time) that some evidence speaks about."""
    keys: set[Key] = set()
    places = {entry["place"] for entry in survey.get("places", [])}
    for problem, items in (feeding or {}).items():
        for item in items:
            for place, cell in (item.get("places") or {}).items():
                shown = _own(item_share_cell(item, cell))
                if place in places and shown is not None and shown[1] > 0:
                    keys.update((place, problem, time) for time in TIMES)
    for entry in survey.get("places", []):
        if not _has_survey_evidence(entry):
            continue
        for problem, cell in entry.get("problems", {}).items():
            shown = _own(cell)
            # Only problems the place's own answers call big for someone: no rows of noise.
            if shown is not None and shown[1] > 0:
                keys.update((entry["place"], problem, time) for time in TIMES)
    keys.update((m["place"], m["problem"], m["time"]) for m in mentions)
    return keys


def _dialogue_counts(mentions: list[Mapping[str, Any]], keys: set[Key]) -> dict[Key, int]:
    """Dialogues per row: those naming its time plus those naming no time."""
    exact = {(m["place"], m["problem"], m["time"]): int(m["dialogues"]) for m in mentions}
    counts = {}
    for place, problem, time in keys:
        count = exact.get((place, problem, time), 0)
        if time is not None:
            # The mentions carry counts, not dialogue ids: a dialogue that raised it both
            # with and without a time counts twice here (rare, and only for this component).
            count += exact.get((place, problem, None), 0)
        counts[(place, problem, time)] = count
    return counts


def _best_deviation(
    deviations: Sequence[Mapping[str, Any]], problem: str
) -> Mapping[str, Any] | None:
    matching = [
        d for d in deviations if problem in (d.get("problems") or []) and (d.get("score") or 0) > 0
    ]
    return max(matching, key=lambda d: (d["score"], d.get("month", ""))) if matching else None


def _join(parts: list[str], word: str) -> str:
    if len(parts) < 2:
        return "".join(parts)
    if len(parts) == 2:
        return f"{parts[0]} {word} {parts[1]}"
    return ", ".join(parts[:-1]) + f", {word} {parts[-1]}"


def _percent(share: float) -> str:
    return str(round(share * 100))


def explain(
    place_name: str,
    problem: str,
    time: str | None,
    time_cell: Cell | None,
    problem_cell: Cell | None,
    dialogues: int,
    deviation: Mapping[str, Any] | None,
    locale: str = "sv",
    item_cells: Sequence[tuple[str, Cell | None]] = (),
) -> str:
    """One sentence saying why a row ranks where it does, never quoting a suppressed cell.

    ``item_cells``: (label, share cell) of the added items that feed the problem."""
    lang = locale if locale in SENTENCES else "sv"
    words = SENTENCES[lang]
    problem_name = PROBLEM_NAMES[lang].get(problem, problem.replace("_", " "))
    parts = []
    unsafe = _own(time_cell) if time else None
    if unsafe is not None:
        parts.append(words["unsafe"].format(pct=_percent(unsafe[1]), n=unsafe[0]))
    shown = _own(problem_cell)
    if shown is not None:
        parts.append(words["problem"].format(problem=problem_name, pct=_percent(shown[1])))
    for label, cell in item_cells:
        item_shown = _own(cell)
        if item_shown is not None:
            parts.append(words["item"].format(label=label, pct=_percent(item_shown[1])))
    if dialogues == 1:
        parts.append(words["dialogue_one"])
    elif dialogues > 1:
        parts.append(words["dialogue_many"].format(n=dialogues))
    if deviation is not None:
        parts.append(
            words["crime"].format(category=deviation["category"], month=deviation.get("month"))
        )
    subject = place_name + (f" {TIME_PHRASES[lang][time]}" if time else "")
    if shown is None:  # name the problem even when its figure cannot be shown
        subject += f" ({problem_name})"
    if not parts:
        return f"{subject}, {problem_name}: {words['nothing']}."
    return f"{subject}: {_join(parts, words['and'])}."


def _sort_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    time = row["time"]
    return (
        -row["score"],
        row["place"] is None,
        row["place"] or "",
        row["problem"],
        TIMES.index(time) if time in TIMES else len(TIMES),
    )


def rank_priorities(
    survey: Mapping[str, Any],
    dialogues: Mapping[str, Any],
    deviations: Sequence[Mapping[str, Any]],
    weights: Weights = DEFAULT_WEIGHTS,
    locale: str = "sv",
    area_name: str = "",
    items: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Rank (place, problem, time) by the weighted sum of survey, dialogue and crime evidence.

    ``items``: the picture's added items; those with a ``priority_problem`` join its evidence.
    """
    places = {entry["place"]: entry for entry in survey.get("places", [])}
    area = survey.get("area_total")
    mentions = list(dialogues.get("mentions", []))
    feeding = _feeding(items)
    keys = _candidates(survey, mentions, feeding)
    counts = _dialogue_counts(mentions, keys)
    most = max(counts.values(), default=0)
    published = asdict(weights)
    lang = locale if locale in SENTENCES else "sv"
    rows = []
    for place, problem, time in keys:
        entry = places.get(place) if place is not None else None
        deviation = _best_deviation(deviations, problem)
        score = max(0.0, float(deviation["score"])) if deviation else 0.0
        pairs = _item_pairs(feeding.get(problem, []), place)
        components = {
            # A place no one answered about gets the area's value (n = 0), not no value.
            "survey": _survey_component(
                (entry or {}) if place is not None else None, area, problem, time, pairs
            ),
            "dialogue": counts[(place, problem, time)] / most if most else 0.0,
            "crime": score / (1 + score),
        }
        total = sum(published[name] * value for name, value in components.items())
        if place is None:
            name = area_name or SENTENCES[lang]["whole_area"]
            shown: Cell | None = area
        else:
            name = (entry or {}).get("name") or place
            shown = entry
        rows.append(
            {
                "place": place,
                "problem": problem,
                "time": time,
                "score": round(total, 4),
                "components": {k: round(v, 4) for k, v in components.items()},
                "weights": dict(published),
                "explanation": explain(
                    name,
                    problem,
                    time,
                    _time_cell(shown, time),
                    _problem_cell(shown, problem),
                    counts[(place, problem, time)],
                    deviation,
                    lang,
                    [(item.get("label") or item["code"], cell) for item, cell, _a in pairs],
                ),
            }
        )
    return sorted(rows, key=_sort_key)

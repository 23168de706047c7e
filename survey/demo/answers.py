"""One invented respondent of ``trygghet demo``: answers drawn from a place's profile."""

from __future__ import annotations

import random
from typing import Any

from ..models.dialogues import TIMES_OF_DAY
from .scenario import PROBLEM_BASE, Profile

# bandit takes the key "pass" (someone passing by) for a password.
RELATIONS = {"live": 0.45, "work": 0.12, "study": 0.05, "visit": 0.18, "pass": 0.2}  # nosec B105


def _pick(rng: random.Random, options: dict[str, float]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


def _safety(rng: random.Random, time: str, p_unsafe: float) -> str:
    away = {"day": 0.05, "afternoon": 0.06, "evening": 0.1, "night": 0.28}[time]
    roll = rng.random()
    if roll < away:
        return "na"
    if roll < away + 0.02:
        return "dk"
    if rng.random() < p_unsafe:
        return _pick(rng, {"3": 0.55, "4": 0.25, "avoid": 0.3 if time == "night" else 0.2})
    return _pick(rng, {"1": 0.5 if time in ("day", "afternoon") else 0.3, "2": 0.55})


def _problem(rng: random.Random, level: float) -> str | None:
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.11:
        return "dk"
    return str(min(4, max(0, round(rng.gauss(level, 0.9)))))


def invented_answer(rng: random.Random, profile: Profile) -> dict[str, Any]:
    """One invented respondent's answers, before the questionnaire cleans them."""
    gender = _pick(rng, {"woman": 0.5, "man": 0.44, "other": 0.015, "na": 0.02, "": 0.025})
    age = _pick(
        rng, {"16-24": 0.15, "25-44": 0.35, "45-64": 0.28, "65+": 0.18, "na": 0.02, "": 0.02}
    )
    answers: dict[str, Any] = {
        "relation": _pick(rng, RELATIONS),
        "gender": gender or None,
        "age_band": age or None,
    }
    unsafe = 0
    for time in TIMES_OF_DAY:
        # Women and older residents feel less safe after dark, as in Brå's NTU.
        extra = (0.08 if gender == "woman" else 0) + (0.05 if age == "65+" else 0)
        p = profile.unsafe[time] + (extra if time in ("evening", "night") else 0)
        value = _safety(rng, time, min(p, 0.95))
        answers[f"safety_{time}"] = value
        unsafe += value in ("3", "4", "avoid")
    for problem, base in PROBLEM_BASE.items():
        answers[f"problem_{problem}"] = _problem(rng, profile.problems.get(problem, base))
    worried = unsafe / len(TIMES_OF_DAY)
    worry = {"1": 0.35 - 0.25 * worried, "2": 0.35, "3": 0.2 + 0.2 * worried}
    answers["worry"] = _pick(rng, worry | {"4": 0.05 + 0.1 * worried, "dk": 0.03})
    answers["avoided"] = "yes" if rng.random() < 0.1 + 0.4 * worried else "no"
    answers["victim"] = _pick(rng, {"yes": 0.07 + 0.08 * worried, "no": 0.9, "dk": 0.03})
    answers["reported"] = _pick(rng, {"yes": 0.45, "no": 0.55})
    answers["police_cares"] = _pick(rng, {"1": 0.2, "2": 0.4, "3": 0.2, "4": 0.08, "dk": 0.12})
    if rng.random() < 0.9:
        answers["police_priority"] = _priorities(rng, profile, rng.randint(1, 3))
    return answers


#: How often residents anywhere choose each police priority, before a place's own.
PRIORITY_WEIGHTS = {
    "presence": 3.0,
    "violence": 2.0,
    "drugs": 1.5,
    "alcohol": 1.5,
    "youth": 1.5,
    "traffic": 1.0,
    "other": 0.5,
}


def _priorities(rng: random.Random, profile: Profile, k: int) -> list[str]:
    """k different priorities, a place's own the likeliest (the first most), drawn one at a
    time: residents of one place differ, so that no choice is everyone's."""
    weights = dict(PRIORITY_WEIGHTS)
    for rank, priority in enumerate(profile.priorities):
        weights[priority] = weights.get(priority, 0.0) + 6.0 / (rank + 1)
    chosen: list[str] = []
    while len(chosen) < k:
        chosen.append(_pick(rng, {p: w for p, w in weights.items() if p not in chosen}))
    return chosen

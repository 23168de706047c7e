"""Cells of a population margins file: ages, genders and counts, and the questionnaire's bands."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..questionnaire import catalogue_item
from ..questionnaire.model import Questionnaire

TOTAL_WORDS = {"total", "totalt", "tot", "samtliga", "total ålder", "totalt ålder", "all ages"}
GENDERS = {
    "woman": {"woman", "women", "kvinna", "kvinnor", "female", "k", "2", "2 kvinnor"},
    "man": {"man", "men", "män", "male", "m", "1", "1 män"},
    "other": {"other", "annat", "annan"},
}
GENDER_TOTALS = {"total", "totalt", "tot", "båda könen", "män och kvinnor", "1+2", "alla"}
_THOUSANDS = re.compile(r"[ \u00a0\u202f]")
TOTAL = "total"
#: An age range: lowest and highest age in whole years (highest inf for '100+').
AgeRange = tuple[int, float]


@dataclass(frozen=True)
class Band:
    """One of the questionnaire's age bands as a range of ages."""

    code: str
    low: int
    high: float


def questionnaire_bands(questionnaire: Questionnaire) -> list[Band]:
    """The live questionnaire's age bands ('16-24', '65+'), youngest first (version 1's if it
    does not ask the age)."""
    bands = []
    for value in catalogue_item(questionnaire, "age_band").values:
        age = parse_age(value)
        if isinstance(age, tuple):
            low, high = age
            bands.append(Band(value, low, high))
    return sorted(bands, key=lambda band: band.low)


def parse_age(value: str) -> AgeRange | str | None:
    """An age cell as a range, TOTAL, or None if it is no age: '16 år', '20-24 år', '100+'."""
    text = " ".join(value.replace("\u2013", "-").replace("\u2014", "-").split()).casefold()
    if text in TOTAL_WORDS:
        return TOTAL
    text = re.sub(r"\s*år\b", "", text).replace(" eller äldre", "+").replace(" or older", "+")
    text = text.replace(" ", "")
    if match := re.fullmatch(r"(\d{1,3})", text):
        return int(match[1]), int(match[1])
    if match := re.fullmatch(r"(\d{1,3})-(\d{1,3})", text):
        low, high = int(match[1]), int(match[2])
        return (low, high) if low <= high else None
    if match := re.fullmatch(r"(\d{1,3})\+|(\d{1,3})-", text):
        return int(match[1] or match[2]), math.inf
    return None


def parse_gender(value: str) -> str | None:
    """A gender cell as the questionnaire's code, TOTAL, or None: 'kvinnor', 'män', 'totalt'."""
    text = " ".join(value.split()).casefold()
    if text in GENDER_TOTALS:
        return TOTAL
    return next((code for code, words in GENDERS.items() if text in words), None)


#: The largest count a cell may give (Sweden has about 10.6 million residents; the
#: database's integers end at 2^63).
MAX_COUNT = 1_000_000_000


def parse_count(value: str) -> int | None:
    """A count cell as a whole number ('1 234', '1234.0'), or None if it is none (or larger
    than MAX_COUNT)."""
    text = _THOUSANDS.sub("", value.strip())
    if re.fullmatch(r"-?[0-9]+[.,]0+", text):  # a whole count written as a decimal
        text = re.split(r"[.,]", text)[0]
    if re.fullmatch(r"-?[0-9]{1,10}", text) and abs(count := int(text)) <= MAX_COUNT:
        return count
    return None


def age_text(age: AgeRange) -> str:
    """An age range as a message writes it: '30', '15-19', '100+'."""
    low, high = age
    if high == math.inf:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{int(high)}"


def band_of(age: AgeRange, bands: list[Band]) -> Band | None:
    """The band that holds every age of the range, or None."""
    low, high = age
    return next((band for band in bands if band.low <= low and high <= band.high), None)


def first_gap(ages: list[AgeRange], youngest: int) -> str | None:
    """The first ages from ``youngest`` up that no range covers, as text; None if none."""
    reached: float = youngest
    for low, high in ages:
        if high < youngest:
            continue
        if low > reached:
            return age_text((int(reached), low - 1))
        reached = max(reached, high + 1)
    return None

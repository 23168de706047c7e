"""Months as Brå's tables write them: 'Januari', 'feb', '2024M01', 'mars 2024'."""

from __future__ import annotations

import re

MONTH_NAMES = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
MONTH_CODE = re.compile(r"((?:19|20)[0-9]{2})\s*(?:M|-)\s*([0-9]{1,2})", re.IGNORECASE)
MONTH_WORDS = re.compile(r"([a-zåäö]+)\s+((?:19|20)[0-9]{2})|((?:19|20)[0-9]{2})\s+([a-zåäö]+)")


def fold(cell: str) -> str:
    """A cell as headings are compared: spaces collapsed, case folded."""
    return " ".join(cell.split()).casefold()


def month_like(cell: str) -> bool:
    """Whether a heading is written like a month: a code, or a month-like word (with or
    without a year)."""
    text = fold(cell)
    words = MONTH_WORDS.fullmatch(text)
    word = (words.group(1) or words.group(4) or "") if words else text.rstrip(".")
    return bool(MONTH_CODE.search(text)) or (
        word.isalpha() and word[:3] in {m[:3] for m in MONTH_NAMES}
    )


def _month_number(name: str) -> int | None:
    """1-12 for a Swedish month's name or its abbreviation ('feb', 'sept.'), else None."""
    name = name.rstrip(".")
    if len(name) >= 3:
        for number, full in enumerate(MONTH_NAMES, start=1):
            if full.startswith(name):
                return number
    return None


def month_of(cell: str) -> tuple[int | None, int] | None:
    """(year or None, month) a month column or cell means, or None."""
    text = fold(cell)
    if number := _month_number(text):
        return None, number
    if (code := MONTH_CODE.fullmatch(text)) and 1 <= int(code.group(2)) <= 12:
        return int(code.group(1)), int(code.group(2))
    if words := MONTH_WORDS.fullmatch(text):
        name, year = (words.group(1), words.group(2)) if words.group(1) else words.group(4, 3)
        if number := _month_number(name):
            return int(year), number
    return None

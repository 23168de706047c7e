"""Formula-like text in CSV files (OWASP "CSV injection"), without the writers' imports, so
that the imports can undo it cheaply (survey/reports/files.py writes the files)."""

from __future__ import annotations

from typing import Any

#: Text cells starting with these would run as formulas in a spreadsheet (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe.

    Text that already starts with apostrophes before such a character gets one more, so
    that ``restore`` can tell the two apart and every value survives a round trip.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo ``neutralise``: the text as it was before export."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value

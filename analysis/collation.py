"""Names in Swedish alphabetical order, without a collation library or the database's own."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

#: Swedish puts å, ä, ö after z (and æ, ø with ä, ö); these characters come after "z".
_AFTER_Z = {ord("å"): "{", ord("ä"): "|", ord("æ"): "|", ord("ö"): "}", ord("ø"): "}"}


def swedish_key(name: str) -> tuple[str, str]:
    """A sort key: case-insensitive, å ä ö after z, other accents as their letter (é as e)."""
    folded = unicodedata.normalize("NFC", name.casefold()).translate(_AFTER_Z)
    plain = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return plain, name


def swedish_sorted(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The items in Swedish order of their names, e.g. ``swedish_sorted(places, name_of)``."""
    return sorted(items, key=lambda item: swedish_key(name(item)))

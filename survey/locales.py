"""Which interface languages exist: read from the catalogs' folders, with no heavy imports, so
that the CLI can offer them in ``--help`` without loading the app (survey.i18n re-exports it)."""

from __future__ import annotations

from pathlib import Path

TRANSLATIONS = Path(__file__).parent / "translations"
#: Message ids are English, so English needs no catalog of its own.
SOURCE_LOCALE = "en"


def available_locales() -> list[str]:
    """Swedish, English, then every other language that has a catalog, in name order."""
    found = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir())
    return ["sv", SOURCE_LOCALE] + [code for code in found if code not in ("sv", SOURCE_LOCALE)]

"""Languages: Swedish first, English second, more by adding a catalog (no code change)."""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from . import labels
from .questionnaire import text

TRANSLATIONS = Path(__file__).parent / "translations"
#: Message ids are English, so English needs no catalog of its own.
SOURCE_LOCALE = "en"


def available_locales() -> list[str]:
    """Swedish, English, then every other language that has a catalog, in name order."""
    found = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir())
    return ["sv", SOURCE_LOCALE] + [code for code in found if code not in ("sv", SOURCE_LOCALE)]


def select_locale() -> str:
    """Pick the language: ?lang= (remembered in the session), then the browser's, then sv."""
    locales = current_app.config["LANGUAGES"]
    asked = (request.args.get("lang") or "").strip().lower().replace("_", "-").split("-")[0]
    if asked in locales:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in locales:
        return remembered
    return request.accept_languages.best_match(locales, default=locales[0]) or locales[0]


def init_app(app: Flask) -> None:
    app.config.setdefault("LANGUAGES", available_locales())
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    register_template_helpers(app)


def _language_links() -> list[tuple[str, str]]:
    """Each available language with its own name, for the language switch."""
    names = []
    for code in current_app.config["LANGUAGES"]:
        name = Locale.parse(code).get_display_name(code) or code
        names.append((code, name[:1].upper() + name[1:]))
    return names


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict:
        return {
            "current_locale": lambda: str(get_locale()),
            "language_links": _language_links,
            "text": text,
            "indicator_name": lambda indicator: labels.indicator_name(indicator, str(get_locale())),
            "format_date": format_date,
            "format_datetime": format_datetime,
            "format_decimal": format_decimal,
        }

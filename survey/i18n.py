"""Languages: Swedish first, English second, more by adding a catalog (no code change).

A language whose catalog lacks a message shows the Swedish text instead of the English
message id, and the page says so (``translation_missing``). Arabic and Persian are written
right to left (``text_direction``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

from babel import Locale
from babel.numbers import get_minus_sign_symbol
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Domain, get_locale
from flask_babel import format_decimal as _babel_decimal
from flask_babel import format_percent as _babel_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

from analysis.collation import swedish_sorted
from analysis.verdicts import IMPROVED, NO_DATA, UNCHANGED, WORSE

from . import labels
from .dates import format_date, format_datetime, local_datetime, long_date
from .locales import SOURCE_LOCALE, TRANSLATIONS, available_locales

#: The language every message has a text in, shown where another catalog has none.
FALLBACK_LOCALE = "sv"


def select_locale() -> str | None:
    """Pick the language: ?lang= (remembered in the session), then the browser's, then sv."""
    if not has_request_context():
        # No browser to ask (a script or a test in an app context): the default, Swedish.
        return None
    locales = current_app.config["LANGUAGES"]
    asked = (request.args.get("lang") or "").strip().lower().replace("_", "-").split("-")[0]
    if asked in locales:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in locales:
        return str(remembered)
    return request.accept_languages.best_match(locales, default=locales[0]) or locales[0]


#: A formatted number that rounded to zero: shown without a sign ("0", not "−0").
_ZERO = re.compile(r"^[^1-9]*$")


#: The minus sign (U+2212): a hyphen is shorter and breaks a line, so no language gets one.
MINUS = "\u2212"


def _signed(formatted: str) -> str:
    """The locale's own minus sign, U+2212 where it is a hyphen; no sign (+ or -) on a 0."""
    if formatted[:1] in ("-", "+") and _ZERO.match(formatted):
        return formatted[1:]
    if not formatted.startswith("-"):
        return formatted
    sign = get_minus_sign_symbol(str(get_locale()))
    return (MINUS if sign == "-" else sign) + formatted[1:]


def format_decimal(value: float, pattern: str | None = None) -> str:
    """A number in the reader's language: "0,5" and "−1" in Swedish, "0.5" and "−1" in English.

    ``pattern`` is Babel's: "0.0" always one decimal, "0.#" at most one, "#,##0" grouped.
    """
    return _signed(_babel_decimal(value, pattern))


def format_number(value: int) -> str:
    """A whole number with the language's grouping: "12 345" in Swedish, "12,345" in English."""
    return format_decimal(value, "#,##0")


def percent(share: float, decimals: int = 0, fixed: bool = False) -> str:
    """A share 0..1 as a percentage: "54 %" in Swedish, "54%" in English.

    ``decimals`` is how many decimals at most, e.g. 1 for "66,7 %" (trailing zeros dropped),
    or, ``fixed``, exactly ("0,50 %": every figure of a column to the same place).
    """
    pattern = Locale.parse(str(get_locale())).percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("0", "0." + ("0" if fixed else "#") * decimals, 1)
    return _signed(_babel_percent(share, pattern))


def points(diff: float, decimals: int = 0) -> str:
    """A difference of two shares in percentage points, without the unit: 0.156 -> "16"."""
    return format_decimal(diff * 100, "0." + "#" * decimals if decimals else "0")


def by_name(items: Iterable[Any], attribute: str = "name") -> list[Any]:
    """Objects or mappings in Swedish order of their name (å, ä, ö after z): a template filter."""

    def name(item: Any) -> str:
        return str(item[attribute] if isinstance(item, Mapping) else getattr(item, attribute))

    return swedish_sorted(items, name)


def display_helpers() -> dict:
    """Numbers, dates and default names in the reader's language, as template filters too."""
    return {
        "format_decimal": format_decimal,
        "format_number": format_number,
        "percent": percent,
        "points": points,
        "long_date": long_date,
        "local_datetime": local_datetime,
        "display_name": labels.display_name,
        "by_name": by_name,
    }


class _NotedSwedish(NullTranslations):
    """The Swedish catalog behind another language's: every message taken from it is noted."""

    def __init__(self, swedish: NullTranslations) -> None:
        super().__init__()
        self._swedish = swedish

    @staticmethod
    def _note() -> None:
        if has_request_context():
            g.i18n_missing = getattr(g, "i18n_missing", 0) + 1

    def gettext(self, message: str) -> str:
        self._note()
        return self._swedish.gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self._note()
        return self._swedish.ngettext(msgid1, msgid2, n)

    def upgettext(self, context: str, message: str) -> str:
        self._note()
        return self._swedish.upgettext(context, message)

    def unpgettext(self, context: str, singular: str, plural: str, num: int) -> str:
        self._note()
        return self._swedish.unpgettext(context, singular, plural, num)

    # The names Flask-Babel and gettext call on a fallback.
    ugettext = gettext
    ungettext = ngettext
    pgettext = upgettext
    npgettext = unpgettext


class FallbackDomain(Domain):
    """Flask-Babel's domain, with Swedish behind every catalog but Swedish and English."""

    def get_translations(self):
        translations = super().get_translations()
        locale = get_locale()
        if locale is None or str(locale) in (FALLBACK_LOCALE, SOURCE_LOCALE):
            return translations
        if getattr(translations, "noted", False):
            return translations
        # Cached per language by the domain, so the chain is built once per process.
        # pybabel compiles an untranslated plural as its English ids: drop it, so that it
        # falls back to Swedish like any other missing message.
        catalog = getattr(translations, "_catalog", {})
        english = {key[0] for key, value in catalog.items() if key[1:] == (0,) and value == key[0]}
        for key in [key for key in catalog if isinstance(key, tuple) and key[0] in english]:
            del catalog[key]
        swedish = Translations.load(self.translation_directories[0], [FALLBACK_LOCALE])
        translations.add_fallback(_NotedSwedish(swedish))
        translations.noted = True
        return translations


_DOMAIN = FallbackDomain()


def translation_missing(questionnaire: Any = None) -> bool:
    """Whether this page so far showed a Swedish text for want of one in the reader's language.

    A page that shows ``questionnaire`` also counts when the questionnaire has no texts in it.
    """
    if getattr(g, "i18n_missing", 0):
        return True
    if questionnaire is None:
        return False
    return str(get_locale()) not in questionnaire_languages(questionnaire)


def questionnaire_languages(questionnaire: Any) -> set[str]:
    """The languages a questionnaire is written in: those its title has a text in."""
    return set(questionnaire.title)


def text_direction(code: str | None = None) -> str:
    """ "rtl" for a language written right to left (Arabic, Persian), else "ltr"."""
    locale = Locale.parse(code or str(get_locale()))
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


def list_comma(code: str | None = None) -> str:
    """The comma between the parts of a list: Arabic's and Persian's "،", else ", "."""
    return "، " if (code or str(get_locale())) in ("ar", "fa") else ", "


def forward_arrow(code: str | None = None) -> str:
    """An arrow from one figure to the next in reading order: "→", or "←" right to left.

    Right to left "15 % → 14 %" is set with 15 % on the right, so "→" would point from the
    later figure back to the earlier one.
    """
    return "←" if text_direction(code) == "rtl" else "→"


def init_app(app: Flask) -> None:
    app.config.setdefault("LANGUAGES", available_locales())
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    # First of all hooks, so that an error page from a later hook gets the fallback too.
    app.before_request_funcs.setdefault(None, []).insert(0, _DOMAIN.as_default)
    register_template_helpers(app)


def language_links(questionnaire: Any = None) -> list[tuple[str, str]]:
    """Each language with its own name, for the language switch.

    On a page with a questionnaire, only the languages it is written in (and the current one).
    """
    codes = current_app.config["LANGUAGES"]
    if questionnaire is not None:
        offered = questionnaire_languages(questionnaire) | {str(get_locale())}
        codes = [code for code in codes if code in offered]
    names = []
    for code in codes:
        name = Locale.parse(code).get_display_name(code) or code
        names.append((code, name[:1].upper() + name[1:]))
    return names


#: What a path keeps unquoted: RFC 3986's path characters (a "%", "?" or "#" is quoted).
_PATH_SAFE = "/:@!$&'()*+,;=~"


def local_path(path: str) -> str:
    """A request's (decoded) path as a link that stays on this site, percent-encoded.

    Browsers read a backslash as a slash and drop tabs and newlines, so "/\\evil.example"
    (from "/%5Cevil.example") would lead to another site: such a path, or one starting
    with "//", becomes "/".
    """
    if (
        not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)
    ):
        return "/"
    return quote(path, safe=_PATH_SAFE)


def language_url(code: str) -> str:
    """This page in another language: the same path and query, with ``lang`` replaced."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", code))
    return local_path(request.path) + "?" + urlencode(args)


def _text(texts: Mapping[str, str] | None, locale: str) -> str:
    """survey.questionnaire.text, imported on first use (not by commands without pages)."""
    from .questionnaire import text

    return text(texts, locale)


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict:
        return {
            "current_locale": lambda: str(get_locale()),
            "language_links": language_links,
            "text_direction": text_direction,
            "translation_missing": translation_missing,
            "language_url": language_url,
            "text": _text,
            "indicator_name": lambda indicator: labels.indicator_name(indicator, str(get_locale())),
            "crime_category": labels.crime_category,
            "format_date": format_date,
            "format_datetime": format_datetime,
            **display_helpers(),
        }

    for name, function in display_helpers().items():
        app.add_template_filter(_per_request(function), name)
    # A global, not from the context processor: macro files imported without context use it.
    app.add_template_global(forward_arrow)
    app.add_template_global(list_comma)


def _per_request(function: Any) -> Any:
    """A filter Jinja never evaluates while compiling a template.

    Jinja folds a filter on a constant (``{{ 0.1|percent }}``) into the compiled template, in
    the language of whichever request compiled it first; a filter that takes the context is
    never folded, so the reader's language decides every time.
    """

    @pass_context
    def filtered(_context: Any, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    filtered.__name__ = function.__name__
    filtered.__doc__ = function.__doc__
    return filtered


# A promise's follow-up in words, as residents read them: the public page and the report
# say it the same way. The size of a change comes first, then how sure it is.

#: A promise's result so far: never "unchanged" beside figures that moved.
RESULTS = {
    IMPROVED: _l("Confirmed improvement"),
    UNCHANGED: _l("No confirmed change"),
    WORSE: _l("Confirmed change for the worse"),
    NO_DATA: _l("Not enough figures yet"),
}


def result_said(result: dict[str, Any]) -> str:
    """A promise's result so far in words; "mixed" where its measures moved both ways."""
    statuses = [indicator.get("status") for indicator in result.get("indicators") or []]
    if IMPROVED in statuses and WORSE in statuses:  # overall "unchanged", but not unmoved
        return _("Mixed: some measures confirmed better, some confirmed worse")
    return str(RESULTS[result["status"]])


def _verdict(status: str, moved: bool) -> str:
    """How sure a change is, said with its direction: the size is said beside it.

    A change that may be chance is never called "unchanged": when the figures moved, the
    sentence says the change is within the uncertainty, beside its size.
    """
    if status == IMPROVED:
        return _("a confirmed decrease")
    if status == WORSE:
        return _("a confirmed increase")
    if moved:
        return _("the change is within the uncertainty")
    return _("no confirmed change")


def _share_size(indicator: dict[str, Any]) -> tuple[str, bool]:
    """The size of a share's change in words, and whether it moved as shown (rounded)."""
    before, after = percent(indicator["before"]["share"]), percent(indicator["after"]["share"])
    if before == after:
        return _("%(share)s both times", share=before), False
    return _("From %(before)s to %(after)s", before=before, after=after), True


def _crime_size(ratio: float) -> tuple[str, bool]:
    """A rate ratio as residents read it: 0.72 -> '28 % fewer crimes per month'."""
    difference = percent(abs(1 - ratio))
    if difference == percent(0):
        return _("As many crimes per month as in the same months of earlier years"), False
    if ratio < 1:
        return _(
            "%(percent)s fewer crimes per month than in the same months of earlier years",
            percent=difference,
        ), True
    return _(
        "%(percent)s more crimes per month than in the same months of earlier years",
        percent=difference,
    ), True


def change(indicator: dict[str, Any]) -> dict[str, str]:
    """An indicator's change in words: its size and how sure it is, with a note on chance."""
    status = indicator.get("status")
    if indicator.get("kind") == "crime" and "rate_ratio" in indicator:
        size, moved = _crime_size(indicator["rate_ratio"])
        chance = _(
            "Crime counts go up and down from month to month,"
            " so a difference this size could be chance."
        )
    elif indicator.get("kind") != "crime" and "diff" in indicator:  # a share, before and after
        size, moved = _share_size(indicator)
        chance = _(
            "The difference could be down to chance in who happened to answer,"
            " so we cannot say that things have changed."
        )
    else:
        return {"sentence": _("Not enough figures to compare before and after."), "note": ""}
    sentence = _("%(size)s: %(verdict)s.", size=size, verdict=_verdict(str(status), moved))
    return {"sentence": sentence, "note": chance if status == UNCHANGED else ""}

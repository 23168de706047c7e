"""Swedish text on a page in another language, marked as Swedish where a template prints it.

An organizer-only message may have no translation yet: it is shown in Swedish (see
i18n.FallbackDomain). On a right-to-left page such a paragraph is set right to left, and its
full stop lands on the wrong side (".senare är ångrade"); a screen reader reads it with the
page's voice. ``{{ _("...") | swedish_marked }}`` wraps the text in ``lang="sv" dir="ltr"``
exactly when the ``_()`` just before it fell back to Swedish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, g, has_request_context
from flask_babel import get_translations
from markupsafe import Markup

FALLBACK_LOCALE = "sv"


def _noting(lookup: Callable[..., str]) -> Callable[..., str]:
    """A template gettext that remembers whether its own text came from the Swedish catalog."""

    def call(*args: Any) -> str:
        if not has_request_context():
            return lookup(*args)
        before = getattr(g, "i18n_missing", 0)
        text = lookup(*args)
        g.i18n_last_in_swedish = getattr(g, "i18n_missing", 0) > before
        return text

    return call


def swedish_marked(text: str) -> Markup:
    """The text just translated, marked as Swedish if it fell back to Swedish."""
    if has_request_context() and getattr(g, "i18n_last_in_swedish", False):
        g.i18n_last_in_swedish = False
        return Markup('<span lang="{}" dir="ltr">{}</span>').format(FALLBACK_LOCALE, text)
    return Markup.escape(text)


def init_app(app: Flask) -> None:
    """Install the noting gettext in templates (after Flask-Babel's) and the filter."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_noting(lambda s: get_translations().ugettext(s)),
        ngettext=_noting(lambda s, p, n: get_translations().ungettext(s, p, n)),
        pgettext=_noting(lambda c, s: get_translations().upgettext(c, s)),
        npgettext=_noting(lambda c, s, p, n: get_translations().unpgettext(c, s, p, n)),
        newstyle=True,
    )
    app.add_template_filter(swedish_marked)

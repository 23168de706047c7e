"""Absolute addresses for links that leave the site: invitations, posters, shared pictures."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, after_this_request, current_app, has_request_context, request, url_for
from flask_babel import get_locale

from ..i18n import FALLBACK_LOCALE


def absolute_url(endpoint: str, **values: Any) -> str:
    """The address under TRYGGHET_BASE_URL where set, never one built from the Host header.

    A forged Host header must not put an attacker's domain into an invitation e-mail or a
    printed poster; without TRYGGHET_BASE_URL the request's host is used (TRUSTED_HOSTS then
    decides which hosts are answered at all).
    """
    base = current_app.config.get("TRYGGHET_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    if has_request_context():
        # The response now depends on the Host header: a shared cache must not hand one
        # host's copy to another (and a forged Host's copy to anyone).
        after_this_request(_vary_by_host)
    return url_for(endpoint, _external=True, **values)


def typed_address(endpoint: str, **values: Any) -> str:
    """An address to type from paper (a printed page): host and path, no scheme."""
    return absolute_url(endpoint, **values).split("://", 1)[-1]


def survey_address(slug: str) -> str:
    """A place's survey address to type from paper."""
    return typed_address("public.survey", slug=slug)


def printed_language(locale: str) -> dict[str, str]:
    """``lang`` for a QR code printed in this language: none on a Swedish one.

    A code on an Arabic poster or letter opens the survey in Arabic, not in the phone's
    language (?lang= wins over the session and Accept-Language); a Swedish one leaves the
    choice to the phone. The address printed to be typed stays short, without it.
    """
    return {} if locale == FALLBACK_LOCALE else {"lang": locale}


def kept_language() -> dict[str, str]:
    """``lang`` for a link or form on to this site where the page's language is not the
    browser's own (chosen on the site, or the ?lang= of a printed code).

    That choice lives in the session: an answer sent after the session expired would come
    back in the browser's language, and so would the thank-you page.
    """
    locales = current_app.config["LANGUAGES"]
    shown = str(get_locale())
    own = request.accept_languages.best_match(locales, default=locales[0]) or locales[0]
    return {} if shown == own else {"lang": shown}


def shown_address(endpoint: str, **values: Any) -> str:
    """An address to print in a picture: host and path under TRYGGHET_BASE_URL, else the path.

    A picture is cached and shared far from the request that made it, so without a base URL
    it shows no host at all rather than whatever the Host header said.
    """
    if current_app.config.get("TRYGGHET_BASE_URL"):
        return absolute_url(endpoint, **values).split("://", 1)[-1]
    return url_for(endpoint, **values)


def _vary_by_host(response: Response) -> Response:
    response.vary.add("Host")
    return response


def base_url_host(base_url: str | None) -> str | None:
    """The host name of TRYGGHET_BASE_URL (without port), to trust as a Host header."""
    if not base_url:
        return None
    return urlsplit(base_url).hostname or None

"""Absolute addresses for links that leave the site: invitations, posters, shared pictures."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """The address under TRYGGHET_BASE_URL where set, never one built from the Host header.

    A forged Host header must not put an attacker's domain into an invitation e-mail or a
    printed poster; without TRYGGHET_BASE_URL the request's host is used (TRUSTED_HOSTS then
    decides which hosts are answered at all).
    """
    base = current_app.config.get("TRYGGHET_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def base_url_host(base_url: str | None) -> str | None:
    """The host name of TRYGGHET_BASE_URL (without port), to trust as a Host header."""
    if not base_url:
        return None
    return urlsplit(base_url).hostname or None

"""Trygghet: the web app. ``create_app()`` builds it; nothing here runs at import.

Importing ``survey.models`` or ``survey.questionnaire`` must not import Flask, so that the
``analysis`` package can use the table definitions; the factory is therefore loaded lazily.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error handlers."""
    from .app import create_app as factory

    return factory(config)

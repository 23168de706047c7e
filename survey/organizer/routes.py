"""Every organizer page: importing the feature modules adds their routes to ``bp``.

Apart from ``__init__`` (which defines ``bp``, the menu and the role checks that every
feature module imports), so that no import circle runs through the package.
"""

from __future__ import annotations

from flask import Flask

from . import (  # noqa: F401
    area_admin,
    audit_log,
    bp,
    crime_categories,
    crime_imports,
    erasure,
    exports,
    held,
    home,
    invitations,
    places,
    population,
    questionnaires,
    rounds,
    users,
)
from .areas import releases as area_releases  # noqa: F401
from .areas import views as areas  # noqa: F401
from .auth import views as auth  # noqa: F401
from .comments import views as comments  # noqa: F401
from .dialogues import views as dialogues  # noqa: F401
from .paper import views as paper  # noqa: F401
from .promises import views as promises  # noqa: F401


def register(app: Flask) -> None:
    """Register the organizer blueprint with the routes of every feature."""
    app.register_blueprint(bp)

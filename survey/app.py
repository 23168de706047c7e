"""The app factory: configuration, extensions, blueprints, error handlers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import i18n
from .config import configure, data_dir
from .extensions import babel, db
from .reports import differences
from .web import codes, language_parts, security
from .web.uploads import BoundedRequest, drop_stray_files

PACKAGE_DIR = Path(__file__).parent  # survey/


def _templates_dir() -> str:
    # An installed wheel carries the templates inside the package; a source checkout keeps
    # them at the top level (design card).
    installed = PACKAGE_DIR / "templates"
    return str(installed if installed.is_dir() else PACKAGE_DIR.parent / "templates")


def create_app(config: Mapping[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build the app: configuration, extensions, blueprints, error handlers.

    ``web=False`` leaves out the pages (blueprints, error pages and the extensions only pages
    use: CSRF, login, rate limits) for commands that only need the database and the
    templates: loading every view costs over a second.
    """
    app = Flask(
        __name__,
        template_folder=_templates_dir(),
        # Where the SQLite file and the generated secret key live (never Flask's default,
        # which is inside the virtualenv).
        instance_path=str(data_dir()),
        instance_relative_config=True,
    )
    configure(app, config)
    register_extensions(app, web=web)
    security.init_app(app)
    if web:
        register_blueprints(app)
        register_error_handlers(app)
    # A file sent under a text field's name must never reach that field.
    app.request_class = BoundedRequest
    app.before_request(drop_stray_files)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app


def register_extensions(app: Flask, *, web: bool = True) -> None:
    """Bind the extensions; those only pages use (CSRF, rate limits, login) when ``web``."""
    db.init_app(app)
    if web:
        from .extensions import csrf

        csrf.init_app(app)
    i18n.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    language_parts.init_app(app)  # after Flask-Babel: replaces its template gettext
    codes.init_app(app)
    differences.init_app(app)
    if web:
        _register_page_extensions(app)


def _register_page_extensions(app: Flask) -> None:
    from .extensions import limiter, login_manager

    limiter.init_app(app)
    # Flask-Limiter logs the client address of every exceeded limit at INFO.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)


def _load_user(user_id: str):
    from .models import User
    from .organizer.auth import sessions

    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    # Logged out, re-keyed or idle too long: the cookie no longer logs anyone in.
    return user if sessions.valid(user) else None


def register_blueprints(app: Flask) -> None:
    from .api.views import bp as api_bp
    from .organizer.routes import register as register_organizer
    from .public import (
        erase,  # noqa: F401  (adds /radera, erasure by receipt code, to public_bp)
        followup,  # noqa: F401  (adds the follow-up routes to public_bp)
        invitations,  # noqa: F401  (adds /k, answering by invitation code)
        posters,  # noqa: F401  (adds /qr, the places' QR posters)
    )
    from .public.views import bp as public_bp
    from .web.health import bp as health_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
    register_organizer(app)


def register_error_handlers(app: Flask) -> None:
    from .web.errors import init_app

    init_app(app)

"""Extensions, created once without an app and bound in create_app().

The extensions of the pages only (CSRF, login, the rate limiter) are created on first use
(a module ``__getattr__``): a command that needs only the database, such as
``trygghet user list``, never imports Flask-WTF, Flask-Login or Flask-Limiter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask_babel import Babel

from .db import Database

if TYPE_CHECKING:
    from flask_limiter import Limiter
    from flask_login import LoginManager
    from flask_wtf.csrf import CSRFProtect

    csrf: CSRFProtect
    limiter: Limiter
    login_manager: LoginManager

db = Database()
babel = Babel()


def _csrf() -> CSRFProtect:
    from flask_wtf.csrf import CSRFProtect

    return CSRFProtect()


def _limiter() -> Limiter:
    from flask_limiter import Limiter

    from .web.limits import client_key

    # The limiter counts by a keyed hash of the client address that changes daily (never the
    # address itself; see web/limits.py). Limits are set per view; the storage comes from the
    # config: a SQLite file shared by the workers unless RATELIMIT_STORAGE_URI names Redis.
    return Limiter(key_func=client_key, default_limits=[])


def _login_manager() -> LoginManager:
    from flask_babel import lazy_gettext as _l
    from flask_login import LoginManager

    manager = LoginManager()
    manager.login_view = "organizer.login"
    manager.login_message = _l("Log in to see that page.")
    manager.login_message_category = "info"
    return manager


_LAZY: dict[str, Callable[[], Any]] = {
    "csrf": _csrf,
    "limiter": _limiter,
    "login_manager": _login_manager,
}
# Two threads asking at once must still get one and the same extension.
_made = threading.RLock()


def __getattr__(name: str) -> Any:
    """Create a page extension the first time it is asked for (PEP 562), then keep it."""
    make = _LAZY.get(name)
    if make is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _made:
        if name not in globals():
            globals()[name] = make()
    return globals()[name]

"""The apps the tests run on: one shared app for the tests that change no configuration.

Building an app costs ~150 ms (blueprints, templates, extensions), more than most tests take,
so a plain test borrows one app built once per run (per xdist worker). A test that needs other
settings builds its own with ``make_app(**overrides)``. What a shared app keeps between tests
is put back before the next one borrows it (``SharedApp.begin``/``end``):

- the database is emptied and re-seeded per test by the fixtures, as for a fresh app;
- caches the app keeps in ``app.extensions`` (the situation pictures, keyed by a data version
  that a database emptied and re-seeded between tests repeats) are dropped or emptied;
- the rate limiter is one object for every app in the process, and building an app with
  ``RATELIMIT_ENABLED=True`` switches it on for all of them: it is bound to the shared app's
  settings again. Flask-Limiter also keeps some settings of the first app that had limits on
  (``self._key_prefix or config[...]``), so a later app with another RATELIMIT_KEY_PREFIX
  counted under the first one's: they are put back to the limiter's own before every app, and
  so is its mark that the storage failed (an app after one with a dead store would count in
  memory);
- a test that changes the shared app's config, adds a route, wraps its WSGI app or leaves an
  engine listener behind fails, and the config and WSGI app are put back, so no test can leak
  into the next. (Flask itself refuses new routes and hooks once an app has served a request.)
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask

from survey import create_app
from survey.extensions import db, limiter

SECRET_KEY = "test-secret-key-that-is-long-enough-000"

#: One PBKDF2 round instead of scrypt: the app refuses any method but scrypt outside TESTING.
#: Tests that check the production hash build their apps without it (the CLI, `serve`).
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """The settings every test app starts from, with the test's overrides."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "trygghet.test",
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
    } | overrides


def dispose(app: Flask) -> None:
    """Close the app's session and its database connections."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


#: Limiter settings that ``Limiter.init_app`` takes from the config only while they are unset.
_LIMITER_SETTINGS = (
    "_key_prefix",
    "_strategy",
    "_storage_options",
    "_swallow_errors",
    "_fail_on_first_breach",
    "_headers_enabled",
    "_header_mapping",
    "_retry_after",
    "_request_identifier",
    # State, not a setting: after an app whose storage failed, the next would count in the
    # in-memory fallback until Flask-Limiter's backed-off check found a storage alive again.
    "_storage_dead",
)
_limiter_defaults = {name: copy.copy(getattr(limiter, name)) for name in _LIMITER_SETTINGS}


def unset_limiter_settings() -> None:
    """Let the next ``limiter.init_app`` read every setting from its app's config."""
    for name, value in _limiter_defaults.items():
        setattr(limiter, name, copy.copy(value))


_ENGINE_EVENTS = ("before_cursor_execute", "after_cursor_execute", "begin", "commit", "rollback")


class SharedApp:
    """One app lent to test after test, checked and put back in between."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.config = copy.deepcopy(dict(app.config))
        self.extensions = set(app.extensions)
        self.views = sorted(app.view_functions)
        self.wsgi_app = app.__dict__.get("wsgi_app")  # set only where middleware wraps it
        self.listeners = self._listeners()

    def _listeners(self) -> dict[str, int]:
        engine = db.state(self.app).engine
        return {name: len(getattr(engine.dispatch, name)) for name in _ENGINE_EVENTS}

    def begin(self) -> Flask:
        """Bind the process-wide extensions to this app's settings again; lend it out."""
        # With RATELIMIT_ENABLED false, init_app only records that (no hooks are added).
        unset_limiter_settings()
        limiter.init_app(self.app)
        return self.app

    def end(self) -> list[str]:
        """Take the app back: drop what the test left; say what it changed."""
        app = self.app
        with app.app_context():
            db.session.remove()
        for name in set(app.extensions) - self.extensions:
            del app.extensions[name]  # caches made lazily (e.g. situation pictures)
        for extension in app.extensions.values():
            if type(extension).__module__.startswith("survey.") and hasattr(extension, "clear"):
                extension.clear()  # the app's own caches made with the app
        problems = []
        if sorted(app.view_functions) != self.views:
            problems.append("routes were added")
        changed = sorted(
            key
            for key in set(app.config) | set(self.config)
            if app.config.get(key, KeyError) != self.config.get(key, KeyError)
        )
        if changed:
            problems.append(f"config changed: {', '.join(changed)}")
            app.config.clear()
            app.config.update(copy.deepcopy(self.config))
        if app.__dict__.get("wsgi_app") is not self.wsgi_app:
            problems.append("app.wsgi_app was replaced")
            if self.wsgi_app is None:
                del app.__dict__["wsgi_app"]
            else:
                app.wsgi_app = self.wsgi_app  # type: ignore[method-assign]
        if self._listeners() != self.listeners:
            problems.append("an engine event listener was left behind")
        return problems


def build_shared_app(database_url: str) -> SharedApp:
    unset_limiter_settings()
    return SharedApp(create_app(app_config(database_url)))


def build_app(database_url: str, **overrides: Any) -> Flask:
    """A new app of its own, for a test that changes the configuration."""
    unset_limiter_settings()
    return create_app(app_config(database_url, **overrides))

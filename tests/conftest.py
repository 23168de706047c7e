"""Shared fixtures: a migrated database of each kind, the app, its clients and helpers.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Each run
(each xdist worker) migrates its own empty database (a temp file, or a fresh schema that is
dropped afterwards, so the server's database is left as it was found). Tests commit for real,
as the app does, and each test starts from the default data: before it every table is emptied
and re-seeded. That keeps one mechanism for the test client, the CLI and the live server of the
browser tests.

``app`` is one app shared by the run's tests, put back after each (tests/common/apps.py);
a test that needs other settings builds its own with ``make_app(**overrides)``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from survey.cli import main
from survey.db import make_engine
from survey.extensions import db
from survey.migrate import upgrade
from tests.common import factories
from tests.common.apps import SECRET_KEY, SharedApp, build_app, build_shared_app, dispose
from tests.common.database import dispose_engines, empty_database, reset_database
from tests.common.redis_keys import (
    RUN_VARIABLE,
    TEST_REDIS_URL,
    keys_with,
    limiter_settings,
    run_prefix,
    worker_prefix,
)
from tests.common.web import ACCOUNTS, Auth


def pytest_configure(config: pytest.Config) -> None:
    # Made by the controlling process; its xdist workers inherit it (tests/common/redis_keys.py).
    os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex[:12])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when it left rate limit counters in the test Redis (and delete them)."""
    if TEST_REDIS_URL and not hasattr(session.config, "workerinput"):
        left = keys_with(run_prefix(), delete=True)
        if left:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
            reporter = session.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(f"the run left {len(left)} keys in Redis: {left[:3]}", red=True)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to the newest schema, shared by the whole run (per xdist worker)."""
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            upgrade(conn)
        engine.dispose()
        yield url
        dispose_engines()


@pytest.fixture
def fresh_database(database_url: str) -> str:
    """The test database holding the default data only."""
    reset_database(database_url)
    return database_url


@pytest.fixture
def make_app(
    fresh_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Flask]]:
    """Build apps of their own on the test database with config overrides; dispose of them."""
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path / "instance"))
    apps: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = build_app(fresh_database, **overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        dispose(app)


@pytest.fixture(scope="session")
def shared_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedApp]:
    """One app per run (per xdist worker), lent to test after test through ``app``."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRYGGHET_INSTANCE", str(tmp_path_factory.mktemp("instance")))
        shared = build_shared_app(database_url)
    yield shared
    dispose(shared.app)


@pytest.fixture
def app(shared_app: SharedApp, fresh_database: str) -> Iterator[Flask]:
    """The shared app with the default data; the test must not change its configuration."""
    yield shared_app.begin()
    problems = shared_app.end()
    if problems:
        pytest.fail(
            "the test changed the shared app (use make_app(**overrides) instead): "
            + "; ".join(problems),
            pytrace=False,
        )


@pytest.fixture
def redis_limits() -> Iterator[dict[str, Any]]:
    """Settings for an app that counts its limits in the test Redis (TEST_REDIS_URL).

    Afterwards the test's keys are deleted, and the test fails when its worker still has any
    (counters written under another test's prefix, or after that test had cleaned up).
    """
    if not TEST_REDIS_URL:
        pytest.skip("needs TEST_REDIS_URL")
    settings = limiter_settings()
    yield settings
    keys_with(settings["RATELIMIT_KEY_PREFIX"], delete=True)
    left = keys_with(worker_prefix(), delete=True)
    if left:
        pytest.fail(f"rate limit counters left in Redis (deleted now): {left}", pytrace=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(fresh_database: str, tmp_path: Path) -> CliRunner:
    """A CLI runner whose commands use the test database (and the production password hash)."""
    return CliRunner(
        env={
            "DATABASE_URL": fresh_database,
            "TRYGGHET_INSTANCE": str(tmp_path / "cli-instance"),
            "SECRET_KEY": SECRET_KEY,
        }
    )


@pytest.fixture
def cli(runner: CliRunner) -> Callable[..., Any]:
    def invoke(*args: str, **kwargs: Any) -> Any:
        return runner.invoke(main, list(args), catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture
def users(app: Flask) -> dict[str, int]:
    """An admin and an organizer account; their ids by role."""
    with app.app_context():
        ids = {
            role: factories.user(role, email, password).id
            for role, (email, password) in ACCOUNTS.items()
        }
        db.session.commit()
    return ids


@pytest.fixture
def auth(client: FlaskClient, users: dict[str, int]) -> Auth:
    return Auth(client)

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
from tests.common.web import ACCOUNTS, Auth


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

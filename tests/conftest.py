"""Shared fixtures: a migrated database of each kind, the app, its clients and helpers.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Each run
migrates its own empty database (a temp file, or a fresh schema that is dropped afterwards, so
the server's database is left as it was found). Tests commit for real, as the app does, and
each test starts from the default data: afterwards every table is emptied and re-seeded. That
keeps one mechanism for the test client, the CLI and the live server of the browser tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from survey import create_app
from survey.cli import main
from survey.db import make_engine
from survey.extensions import db
from survey.migrate import upgrade
from tests.common.database import empty_database, reset_database
from tests.common.web import ACCOUNTS, Auth


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to the newest schema, shared by the whole run."""
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            upgrade(conn)
        engine.dispose()
        yield url


@pytest.fixture
def make_app(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database with config overrides; clean up after the test."""
    reset_database(database_url)
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path / "instance"))
    apps: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "trygghet.test",
        } | overrides
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(database_url: str, tmp_path: Path, make_app: Callable[..., Flask]) -> CliRunner:
    """A CLI runner whose commands use the test database."""
    return CliRunner(
        env={
            "DATABASE_URL": database_url,
            "TRYGGHET_INSTANCE": str(tmp_path / "cli-instance"),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
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
    from survey.services.accounts import create_user

    ids = {}
    with app.app_context():
        for role, (email, password) in ACCOUNTS.items():
            ids[role] = create_user(db.session, email, role, password).id
        db.session.commit()
    return ids


@pytest.fixture
def auth(client: FlaskClient, users: dict[str, int]) -> Auth:
    return Auth(client)

"""Shared fixtures: a migrated database of each kind, the app, its clients and helpers.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Each run
migrates its own empty database (a temp file, or a fresh schema that is dropped afterwards, so
the server's database is left as it was found). Tests commit for real, as the app does, and
each test starts from the default data: afterwards every table is emptied and re-seeded. That
keeps one mechanism for the test client, the CLI and the live server of the browser tests.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, joinedload

from survey import create_app
from survey.cli import main
from survey.db import make_engine
from survey.extensions import db
from survey.migrate import upgrade
from survey.models import Base, Response
from survey.seed import load_defaults

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

#: The required answers of questionnaire v1; tests add to it.
VALID_ANSWER = {
    "relation": "live",
    "safety_day": "1",
    "safety_afternoon": "2",
    "safety_evening": "3",
    "safety_night": "avoid",
}


def local_today() -> dt.date:
    """Today where the residents are: the app dates answers in its default time zone."""
    return dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()


@contextmanager
def empty_database(directory: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database; remove it afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{directory / f'test-{uuid.uuid4().hex[:8]}.db'}"
        return
    schema = f"trygghet_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to the newest schema, shared by the whole run."""
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            upgrade(conn)
        engine.dispose()
        yield url


def reset_database(url: str) -> None:
    """Empty every table and load the default data again."""
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    with Session(engine) as session:
        load_defaults(session)
        session.commit()
    engine.dispose()


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


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def submit(client: FlaskClient, slug: str, data: dict[str, Any], **kwargs: Any):
    """Answer the survey for a place as a browser would: GET the form, POST with its token."""
    path = f"/s/{slug}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data}, **kwargs)


def count_responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def stored_responses(app: Flask) -> list[Response]:
    with app.app_context():
        query = select(Response).options(joinedload(Response.place)).order_by(Response.id)
        return list(db.session.scalars(query))


def post_form(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any):
    """POST to a path with a valid CSRF token of the client's session, as a browser would."""
    token = csrf_token(client, kwargs.pop("token_from", path))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


ACCOUNTS = {
    "admin": ("admin@trygghet.test", "admin-password-123"),
    "organizer": ("organizer@trygghet.test", "organizer-password-123"),
}


@pytest.fixture
def users(app: Flask) -> dict[str, int]:
    """An admin and an organizer account; their ids by role."""
    from survey.organizer.accounts import create_user

    ids = {}
    with app.app_context():
        for role, (email, password) in ACCOUNTS.items():
            ids[role] = create_user(db.session, email, role, password).id
        db.session.commit()
    return ids


class Auth:
    """Log the test client in and out as one of the test accounts."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, role: str = "organizer"):
        email, password = ACCOUNTS[role]
        response = post_form(
            self.client, "/organizer/login", {"email": email, "password": password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return post_form(self.client, "/organizer/logout", {}, token_from="/organizer/")


@pytest.fixture
def auth(client: FlaskClient, users: dict[str, int]) -> Auth:
    return Auth(client)

"""The test database: a new empty one per run (SQLite file or PostgreSQL schema), reset per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from survey.db import make_engine
from survey.models import Base
from survey.seed import load_defaults

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


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

"""The test database: a new empty one per run (SQLite file or PostgreSQL schema), reset per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, select, text
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


class _Resets:
    """Per database: an engine kept for the run (a PostgreSQL connection takes longer to open
    than a reset takes), and the default data as the app's seed loaded it the first time."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.rows: list[tuple[Table, list[dict[str, Any]]]] | None = None


_resets: dict[str, _Resets] = {}


def reset_database(url: str) -> None:
    """Empty every table and load the default data again.

    The first time the app's own seed loads it (survey.seed.load_defaults); after that the
    rows it stored are put back as they were, ids included, which costs a third as much.
    """
    state = _resets.get(url)
    if state is None:
        state = _resets[url] = _Resets(url)
    with state.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        for table, rows in state.rows or ():
            conn.execute(table.insert(), rows)
    if state.rows is None:
        with Session(state.engine) as session:
            load_defaults(session)
            session.commit()
        with state.engine.connect() as conn:
            state.rows = [
                (table, rows)
                for table in Base.metadata.sorted_tables
                if (rows := [dict(row._mapping) for row in conn.execute(select(table))])
            ]


def dispose_engines() -> None:
    """Close the resets' connections (before a PostgreSQL schema is dropped)."""
    while _resets:
        _resets.popitem()[1].engine.dispose()

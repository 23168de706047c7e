"""The data folder and database must be writable by the user running trygghet."""

from __future__ import annotations

import os
from pathlib import Path

import click


def refuse_read_only(database: Path) -> None:
    """Refuse, naming them, a SQLite database or its folder that this user cannot write:
    in WAL mode SQLite writes beside the database (its -wal and -shm files) even to read."""
    folder = database.parent
    if not folder.is_dir():
        return  # a new data folder: made by the commands that create a database
    files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    blocked = [str(p) for p in (folder, *files) if p.exists() and not writable(p)]
    if blocked:
        raise click.ClickException(
            f"cannot write {' and '.join(blocked)}: the data folder {folder} and the database"
            f" in it must be writable by the user running trygghet ({_user()}), because SQLite"
            " writes files beside the database even to read it"
        )


def writable(path: Path) -> bool:
    """Whether this user may write ``path`` (a read-only file system counts too)."""
    return os.access(path, os.W_OK)


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid without a name (a container)
        return f"uid {os.getuid()}"

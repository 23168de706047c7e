"""area alias keys computed again as names are matched now (Unicode's compatibility form first)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 09:45:00.000000

An alias typed with a combining mark ("o" followed by U+0308) was stored under a key that
the matching no longer produces (it now folds "ö" typed either way to one key), so it could
not be found, removed or counted. Every key is computed again from its name; of two aliases
whose keys now coincide (one name typed two ways), the later one is removed. The folding is
written out here as it was when this revision was made (survey.imports.crime_rows.normalise).
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", " ": None, "-": None, "\u2013": None})
_ALIAS = sa.table("area_alias", sa.column("id", sa.Integer), sa.column("name"), sa.column("key"))


def _key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name).casefold().translate(_FOLD))


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_ALIAS.c.id, _ALIAS.c.name, _ALIAS.c.key).order_by("id"))
    kept: dict[str, int] = {}
    changed: list[tuple[int, str]] = []
    for alias_id, name, key in rows.all():
        new = _key(name)
        if new in kept:
            bind.execute(sa.delete(_ALIAS).where(_ALIAS.c.id == alias_id))
        else:
            kept[new] = alias_id
            if new != key:
                changed.append((alias_id, new))
    # Through keys no alias can have, so that no two rows ever share one on the way.
    for alias_id, _new in changed:
        bind.execute(sa.update(_ALIAS).where(_ALIAS.c.id == alias_id).values(key=f"#{alias_id}"))
    for alias_id, new in changed:
        bind.execute(sa.update(_ALIAS).where(_ALIAS.c.id == alias_id).values(key=new))


def downgrade() -> None:
    """Nothing to undo: the keys computed again are what the earlier code computed for names
    typed without combining marks."""

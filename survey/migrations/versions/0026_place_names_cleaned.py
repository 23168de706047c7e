"""place names saved before the name rule: direction overrides and invisible characters out

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 07:00:00.000000

Place names have been refused with a direction override (U+202E), another control or format
character or an invisible one, and stored trimmed with single spaces in Unicode's composed
form (NFC), since survey.services.places.clean_name. A name saved before that keeps turning
the text after it around wherever it is followed by more ("Husby centrum (Rinkeby-Kista)"
read "Husby centrum-ybekniR)(atsiK") on the resident's pages, the forms and the reports. This
removes those characters from the stored names and gives them the same white space and form;
a name of nothing else takes the place's slug. Nothing else about a place changes; a
district's stored police events are matched against the cleaned names at the next change of
a place, area or alias name (a name with such a character in it matched no event's text
before either).

There is no way back: downgrading leaves the names as they are.
"""

import unicodedata
from collections.abc import Sequence

from alembic import op
from sqlalchemy import Integer, String, column, select, table, update

from survey.imports.crime_rows import unsavable

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def cleaned(name: str) -> str:
    """The name without control, format or invisible characters (white space kept as a
    space), trimmed, single-spaced and composed."""
    kept = "".join(" " if c.isspace() else c for c in name if c.isspace() or not unsavable(c))
    return unicodedata.normalize("NFC", " ".join(kept.split()))


def upgrade() -> None:
    place = table("place", column("id", Integer), column("slug", String), column("name", String))
    connection = op.get_bind()
    for place_id, slug, name in connection.execute(select(place.c.id, place.c.slug, place.c.name)):
        new = cleaned(name) or slug
        if new != name:
            connection.execute(update(place).where(place.c.id == place_id).values(name=new))


def downgrade() -> None:
    pass  # the characters taken out are gone; the names stay as they are

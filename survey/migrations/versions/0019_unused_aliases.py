"""police events matched again where an area has an alias that is now ignored

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 18:30:00.000000

An alias naming a county ("Stockholms län") or the municipality its area is a district of
was accepted by earlier versions and counted every police event there for the one area. The
matching now ignores such an alias (survey.imports.crime_events.unusable_alias); the events
it linked stay linked until they are matched again, so where one exists every stored event is
matched again and the event counts derived anew. Without such an alias nothing is done.

This calls the application's own rematch_events (the matching is too much to write out here),
so it runs against today's models: a later migration that changes crime_event,
crime_event_area or crime_count must replace the call by a copy frozen as of this revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from survey.imports.crime_events import rematch_events
    from survey.imports.crime_rows import unusable_alias

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT area_alias.name, area.municipality FROM area_alias"
            " JOIN area ON area.id = area_alias.area_id"
        )
    ).all()
    if any(unusable_alias(name, municipality) for name, municipality in rows):
        with Session(bind=bind) as session:
            rematch_events(session)
            session.flush()


def downgrade() -> None:
    """Nothing to undo: the matches made again are those the ignored aliases did not make."""

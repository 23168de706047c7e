"""raking's remaining gap and round count taken out of published releases

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 08:20:00.000000

Releases published before this version carried, in their public payload's ``weighting``,
raking's remaining gap (``max_gap``, at full precision) and its number of rounds
(``iterations``). Both are exact functions of the answers per age band and gender; with the
population margins, which are public, a search over those counts found them (on the demo's
Ekerö, a release of ten answers whose every group was hidden: 9 women aged 25-44 and 1 man
aged 65+). New releases leave both out (survey.reports.public_form); this takes them out of
the releases already stored, which the public pages and the API serve as stored.

A release is otherwise never changed: this is a redaction, like an erasure, and only of these
two keys. The audited picture (organizers only) keeps them. There is no way back: downgrading
leaves the payloads as they are.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The keys taken out of a published payload's weighting.
REDACTED = ("max_gap", "iterations")

_RELEASE = sa.table("public_release", sa.column("id", sa.Integer), sa.column("payload"))


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_RELEASE.c.id, _RELEASE.c.payload).where(_RELEASE.c.payload.like("%max_gap%"))
    ).all()
    for release_id, payload in rows:
        data = json.loads(payload)
        weighting = data.get("weighting") if isinstance(data, dict) else None
        if not isinstance(weighting, dict) or not any(key in weighting for key in REDACTED):
            continue
        for key in REDACTED:
            weighting.pop(key, None)
        conn.execute(
            sa.update(_RELEASE)
            .where(_RELEASE.c.id == release_id)
            .values(payload=json.dumps(data, ensure_ascii=False, sort_keys=True))
        )


def downgrade() -> None:
    pass  # the redacted figures are gone; the payloads stay as they are

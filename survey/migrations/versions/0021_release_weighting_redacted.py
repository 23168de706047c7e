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

from collections.abc import Sequence
from typing import Any

from alembic import op

from survey.migrate import redact_releases

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The keys taken out of a published payload's weighting.
REDACTED = ("max_gap", "iterations")


def _redacted(data: dict[str, Any]) -> bool:
    weighting = data.get("weighting")
    if not isinstance(weighting, dict) or not any(key in weighting for key in REDACTED):
        return False
    for key in REDACTED:
        weighting.pop(key, None)
    return True


def upgrade() -> None:
    redact_releases(op.get_bind(), "max_gap", _redacted)


def downgrade() -> None:
    pass  # the redacted figures are gone; the payloads stay as they are

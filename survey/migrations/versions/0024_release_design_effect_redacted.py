"""the design effect taken out of published releases, and n_eff where it is small

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 12:40:00.000000

Releases carried, in their public payload's ``weighting``, Kish's design effect (to 0.1) and
whether raking converged, whatever the number of answers. Both are functions of the answers
per age band and gender: on the demo's Ekerö population figures, 7 of the 72 values that ten
answers can give fitted a single split of them among the 19,448 (design effect 4.4 and
converged: 8 women and 1 man aged 45-64 and 1 woman aged 65+), with every group's figures
hidden. No page shows the design effect, and the follow-up page says n_eff only where it
reaches the threshold. New releases carry neither the design effect nor, below the
threshold, n_eff and converged (survey.reports.public_form); this takes them out of the
releases already stored. Stored n_eff is rounded to 5, so it goes where it is at most the
threshold (a 10 may have been 8).

A redaction, like 0021's, of these keys only; the audited picture (organizers only) keeps
them. There is no way back: downgrading leaves the payloads as they are.
"""

from collections.abc import Sequence
from typing import Any

from alembic import op

from survey.migrate import redact_releases

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _redacted(data: dict[str, Any]) -> bool:
    """Take the keys out of a payload's weighting (in place); whether any went."""
    weighting = data.get("weighting")
    if not isinstance(weighting, dict):
        return False
    before = len(weighting)
    weighting.pop("design_effect", None)
    n_eff = weighting.get("n_eff")
    threshold = data.get("suppress_below") or 10
    if not isinstance(n_eff, int | float) or n_eff <= threshold:
        weighting.pop("n_eff", None)
        weighting.pop("converged", None)
    return len(weighting) < before


def upgrade() -> None:
    redact_releases(op.get_bind(), "weighting", _redacted)


def downgrade() -> None:
    pass  # the redacted figures are gone; the payloads stay as they are

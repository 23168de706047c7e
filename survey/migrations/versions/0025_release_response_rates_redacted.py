"""invitation rounds' exact answers taken out of published releases

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 22:10:00.000000

Releases carried, in their public payload's ``response_rates``, each invitation round's exact
number of answers and answers / letters at full precision, beside counts rounded to 5 and
held between releases: the API served them (``?release=ID``), so two releases told how many
answers came between them (36, then 37, while every other figure stayed). New releases show
the area total as released and the rate from it in whole percent, both hidden with the area
total (survey.reports.public_form.response_rates_as_released); this applies the same rule
to the releases already stored. The stored area total is already rounded and held, so the
rule gives what a release made today from the same figures would show.

A redaction, like 0021's and 0024's, of these keys only; the audited picture (organizers
only) keeps them. There is no way back: downgrading leaves the payloads as they are.
"""

import json
from collections.abc import Sequence
from typing import Any

from alembic import op

from survey.migrate import redact_releases
from survey.reports.public_form import response_rates_as_released

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _redacted(data: dict[str, Any]) -> bool:
    rates = data.get("response_rates")
    if not isinstance(rates, list) or not all(isinstance(rate, dict) for rate in rates):
        return False
    before = json.dumps(rates, sort_keys=True)
    response_rates_as_released(data)
    return json.dumps(rates, sort_keys=True) != before


def upgrade() -> None:
    redact_releases(op.get_bind(), "response_rates", _redacted)


def downgrade() -> None:
    pass  # the exact counts are gone; the payloads stay as they are

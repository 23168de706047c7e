"""Releases: what the public sees, an immutable snapshot of an area's situation picture."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import utcnow
from .base import Base
from .places import Area
from .rounds import SurveyRound


class Release(Base):
    """One published snapshot: the public form of a picture, never changed once stored."""

    __tablename__ = "public_release"
    __table_args__ = (
        CheckConstraint("sequence >= 1", "sequence_positive"),
        CheckConstraint(
            "published_by_id IS NOT NULL OR published_by_name IS NOT NULL", "publisher"
        ),
        UniqueConstraint("area_id", "round_key", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    #: The round the picture covers; empty for a picture of all answers.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id"))
    #: round_id, or 0 without a round: NULLs never collide in a unique constraint.
    round_key: Mapped[int]
    #: 1, 2, 3... per (area, round), in the order published.
    sequence: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When the newest answer, dialogue or crime count included was recorded.
    data_cutoff: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Who published from the command line (no user account there).
    published_by_name: Mapped[str | None] = mapped_column(String(120))
    #: JSON text: the public form of the picture plus the promise follow-ups, as served.
    payload: Mapped[str] = mapped_column(Text)
    #: JSON text: the audited picture's shown cells (before the public form), which later
    #: releases of the round compare against (the audit's "earlier", the no-differencing rule).
    audited: Mapped[str] = mapped_column(Text)
    #: JSON text: the disclosure audit's summary.
    audit_summary: Mapped[str] = mapped_column(Text)

    area: Mapped[Area] = relationship()
    round: Mapped[SurveyRound | None] = relationship()

    @functools.cached_property
    def data(self) -> dict[str, Any]:
        """The public payload, parsed once per loaded row (a release never changes)."""
        return json.loads(self.payload)

    @property
    def audited_picture(self) -> dict[str, Any]:
        return json.loads(self.audited)

    @property
    def audit(self) -> dict[str, Any]:
        return json.loads(self.audit_summary)


@event.listens_for(Release, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: Release) -> None:
    raise ValueError("a release is immutable; publish a new one instead")

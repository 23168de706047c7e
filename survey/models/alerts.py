"""Crime deviations seen by the alert run: each told once (mail, webhook), then handled."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User, utcnow
from .base import Base
from .places import Area

#: The longest note an organizer may write when marking a deviation handled.
NOTE_MAX = 2000


class DeviationAlert(Base):
    """One (area, category, month) the deviation check flagged, stored the first time seen.

    The figures are those of that first run; the dashboard shows the current ones.
    """

    __tablename__ = "deviation_alert"
    __table_args__ = (
        UniqueConstraint("area_id", "category", "month"),
        CheckConstraint("attempts >= 0", "attempts_not_negative"),
        CheckConstraint(f"note IS NULL OR length(note) <= {NOTE_MAX}", "note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(120))
    #: The first day of the month the count is for.
    month: Mapped[dt.date]
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    count: Mapped[int]
    expected: Mapped[float] = mapped_column(Float)
    upper_limit: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    #: Police events placed in the district by their text only (a lower bound).
    matched_by_text: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: When every opted-in organizer had it in a digest; empty: still to be mailed.
    mail_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the webhook accepted it; empty: still to be posted (if a webhook is set).
    webhook_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Runs that tried to deliver it and failed on some channel.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The last failure, without addresses (e.g. "mail: ConnectionRefusedError: ...").
    last_error: Mapped[str | None] = mapped_column(String(500))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: What was done and with which partners.
    note: Mapped[str | None] = mapped_column(Text)

    area: Mapped[Area] = relationship()
    handled_by: Mapped[User | None] = relationship()


class DeviationMail(Base):
    """A deviation that went to one organizer in a digest: never mailed to them twice."""

    __tablename__ = "deviation_mail"

    alert_id: Mapped[int] = mapped_column(
        ForeignKey("deviation_alert.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

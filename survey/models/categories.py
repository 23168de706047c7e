"""Admins' changes to the crime category mapping shipped in analysis/crime_categories.yaml."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .accounts import utcnow
from .base import Base

OVERRIDE_SOURCES = ("police", "bra")


class CategoryOverride(Base):
    """One entry of the mapping as an admin set it: it replaces the shipped file's entry."""

    __tablename__ = "category_override"
    __table_args__ = (
        CheckConstraint("source IN ('police', 'bra')", "source"),
        UniqueConstraint("source", "key", name="uq_category_override_source_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    #: A police event type, or a Brå category name, code or path, as the admin wrote it.
    name: Mapped[str] = mapped_column(String(200))
    #: The name folded (spaces collapsed, case folded): one override per name and source.
    key: Mapped[str] = mapped_column(String(200))
    #: Trygghet's crime category; empty: not a crime (kept for context, never counted).
    category: Mapped[str | None] = mapped_column(String(120))
    #: Problem keys, comma-separated: those of a new category or of a type that is no crime.
    problems: Mapped[str] = mapped_column(String(300), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

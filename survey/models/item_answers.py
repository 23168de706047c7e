"""Answers to items a later questionnaire version added: one row per answer, stored generically.

Version 1's items are columns of ``response`` (fast, checked by the database); an item an admin
adds in a later version needs no migration: its answers are rows here, named by the item code.
A multi-choice answer is one row per option ticked, so that counting per option is a GROUP BY
over the index ``(code, value, response_id)``; a number is kept as a number, a free text apart
(not indexed: a long text has no place in an index).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

#: The longest option value (or area slug) an item answer holds.
VALUE_LENGTH = 64


class ItemAnswer(Base):
    """One answer (or one option ticked) to an added item of one response."""

    __tablename__ = "item_answer"
    __table_args__ = (
        # Exactly one of value, number and text.
        CheckConstraint(
            "(CASE WHEN value IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN number IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN text IS NULL THEN 0 ELSE 1 END) = 1",
            "one_kind",
        ),
        # Counting answers per option of an item, for the responses of some places.
        Index("ix_item_answer_code_value", "code", "value", "response_id"),
        # A response's answers (export, erasure), and numbers per item (sum, sum of squares).
        Index("ix_item_answer_response_code", "response_id", "code"),
        Index("ix_item_answer_code_number", "code", "response_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), nullable=False
    )
    #: The item code (a code keeps one meaning in every questionnaire version).
    code: Mapped[str] = mapped_column(String(40))
    #: The option chosen (single, multi: one row per option ticked) or the area's slug.
    value: Mapped[str | None] = mapped_column(String(VALUE_LENGTH))
    #: A number item's answer.
    number: Mapped[int | None] = mapped_column(Integer)
    #: A free text's answer.
    text: Mapped[str | None] = mapped_column(Text)

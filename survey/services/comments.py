"""Residents' comments: the filtered list, counts by topic, and topic tags. Callers commit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import math
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from analysis.collation import swedish_key, swedish_sorted

from ..models import Area, CommentTag, Place, Response, SurveyRound
from ..questionnaire import builtin, text
from . import audit

PER_PAGE = 50
MAX_TAG_LENGTH = 64
#: Besides letters (any alphabet, å ä ö included), what a free tag may contain.
TAG_EXTRA_CHARACTERS = frozenset("0123456789-_")
#: Larger ids cannot exist (PostgreSQL's integer) and would make the query itself fail.
MAX_ID = 2**31 - 1
_PROBLEM_PREFIX = "problem_"
#: The questionnaire's problem keys, the topics offered for tagging, in questionnaire order.
PROBLEM_TOPICS = tuple(
    code.removeprefix(_PROBLEM_PREFIX)
    for code in builtin(1).codes
    if code.startswith(_PROBLEM_PREFIX)
)


class TagError(ValueError):
    """A refused tag, with a message fit to show the user."""


def topic_label(tag: str, locale: str) -> str:
    """Show a problem topic by its questionnaire label; a free tag is its own label."""
    if tag in PROBLEM_TOPICS:
        return text(builtin(1).item(_PROBLEM_PREFIX + tag).label, locale)
    return tag


def normalize_tag(raw: str) -> str:
    """Trim, lower-case and join words with '-'; raise TagError if the result is no tag."""
    tag = "-".join(unicodedata.normalize("NFC", raw).lower().split())
    if not tag:
        raise TagError(_("Type a tag."))
    if len(tag) > MAX_TAG_LENGTH:
        raise TagError(_("A tag can be at most %(n)d characters long.", n=MAX_TAG_LENGTH))
    refused = sorted({c for c in tag if not (c.isalpha() or c in TAG_EXTRA_CHARACTERS)})
    if refused:
        shown = " ".join(c if c.isprintable() else "?" for c in refused)
        raise TagError(
            _(
                "A tag may contain only letters, digits, '-' and '_', not %(chars)s.",
                chars=shown,
            )
        )
    return tag


@dataclass(frozen=True)
class CommentFilters:
    """What the comment list is narrowed to; None means no filter."""

    area_id: int | None = None
    place_id: int | None = None
    round_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    tag: str | None = None
    search: str | None = None
    untagged: bool = False


@dataclass
class CommentPage:
    comments: list[Response]
    total: int
    page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class FilterChoices:
    areas: list[Area]
    #: Every place, retired ones too (their comments stay), with its area loaded.
    places: list[Place]
    rounds: list[SurveyRound]
    #: Free tags in use (problem topics are always offered).
    free_tags: list[str]


def _case_insensitive_pattern(needle: str, escape: dict[str, str] | None, prefix: str) -> str:
    # Each letter becomes a class of its cases ([Åå]), so matching does not depend on the
    # database's locale: SQLite folds only ASCII, PostgreSQL follows its LC_CTYPE.
    parts = []
    for char in needle:
        cases = sorted({v for v in (char, char.lower(), char.upper()) if len(v) == 1})
        if len(cases) > 1:
            parts.append("[" + "".join(cases) + "]")
        elif escape is None:
            parts.append(char if char.isalnum() else prefix + char)
        else:
            parts.append(escape.get(char, char))
    return "".join(parts)


_GLOB_ESCAPES = {"*": "[*]", "?": "[?]", "[": "[[]"}


def _contains(session: Session, needle: str) -> ColumnElement[bool]:
    """Case-insensitive "comment contains needle", the same on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        pattern = _case_insensitive_pattern(needle, _GLOB_ESCAPES, "")
        return Response.comment.op("GLOB")("*" + pattern + "*")
    if dialect == "postgresql":
        # In a PostgreSQL regular expression a backslash makes any non-alphanumeric literal.
        return Response.comment.op("~")(_case_insensitive_pattern(needle, None, "\\"))
    return Response.comment.icontains(needle, autoescape=True)


def _conditions(session: Session, filters: CommentFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Response.comment.is_not(None),
        Response.comment != "",
    ]
    if filters.area_id is not None:
        conditions.append(
            Response.place_id.in_(select(Place.id).where(Place.area_id == filters.area_id))
        )
    if filters.place_id is not None:
        conditions.append(Response.place_id == filters.place_id)
    if filters.round_id is not None:
        conditions.append(Response.round_id == filters.round_id)
    if filters.date_from is not None:
        conditions.append(Response.submitted_on >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(Response.submitted_on <= filters.date_to)
    if filters.tag:
        conditions.append(Response.tags.any(CommentTag.tag == filters.tag))
    if filters.untagged:
        conditions.append(~Response.tags.any())
    if filters.search:
        conditions.append(_contains(session, filters.search))
    return conditions


def comment_page(session: Session, filters: CommentFilters, page: int) -> CommentPage:
    """One page of matching comments, newest day first, with place, area, round and tags."""
    conditions = _conditions(session, filters)
    total = session.scalar(select(func.count()).select_from(Response).where(*conditions)) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    comments = session.scalars(
        select(Response)
        .where(*conditions)
        .options(
            joinedload(Response.place).joinedload(Place.area),
            joinedload(Response.round),
            selectinload(Response.tags),
        )
        # Within a day by the receipt's hash, which carries no order (ids are given in order,
        # so sorting by them would tell who answered first); the id only for answers without.
        .order_by(Response.submitted_on.desc(), Response.receipt_hash, Response.id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return CommentPage(list(comments), total, page, pages)


def topic_counts(session: Session, filters: CommentFilters) -> tuple[list[tuple[str, int]], int]:
    """Comments per tag, most first, and untagged comments, under the filters but the tag's."""
    # An alias, so that the "untagged" EXISTS subquery is not correlated to this join.
    tag = aliased(CommentTag)
    rows = session.execute(
        select(tag.tag, func.count(Response.id))
        .select_from(Response)
        .outerjoin(tag, tag.response_id == Response.id)
        .where(*_conditions(session, dataclasses.replace(filters, tag=None)))
        .group_by(tag.tag)
    ).all()
    untagged = next((count for name, count in rows if name is None), 0)
    counts = sorted(
        ((name, count) for name, count in rows if name is not None),
        key=lambda row: (-row[1], row[0]),
    )
    return counts, untagged


def filter_choices(session: Session) -> FilterChoices:
    """The areas, places, rounds and free tags the filter form offers."""
    areas = swedish_sorted(session.scalars(select(Area)), lambda area: area.name)
    # Grouped by area in the select, so ordered by area first; å, ä, ö after z.
    places = sorted(
        session.scalars(select(Place).options(joinedload(Place.area))),
        key=lambda p: (swedish_key(p.area.name), swedish_key(p.name)),
    )
    rounds = list(
        session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id))
    )
    free_tags = list(
        session.scalars(
            select(CommentTag.tag)
            .where(CommentTag.tag.not_in(PROBLEM_TOPICS))
            .distinct()
            .order_by(CommentTag.tag)
        )
    )
    return FilterChoices(areas, places, rounds, free_tags)


def commented_response(session: Session, response_id: int) -> Response | None:
    """The answer with this id if it has a comment, with its tags, or None."""
    if not 0 < response_id <= MAX_ID:
        return None
    return session.scalar(
        select(Response)
        .where(Response.id == response_id, *_conditions(session, CommentFilters()))
        .options(joinedload(Response.place), selectinload(Response.tags))
    )


#: A comment's address on the pages (anchors, form names, form targets).
REF = re.compile(r"[0-9a-f]{20}")


def comment_ref(secret: str, response_id: int) -> str:
    """A comment's address: a keyed hash of its answer's id, so it carries no order."""
    digest = hmac.new(secret.encode(), b"comment:%d" % response_id, hashlib.sha256)
    return digest.hexdigest()[:20]


def comment_by_ref(session: Session, secret: str, ref: str) -> Response | None:
    """The commented answer at this address, or None; scans the commented answers' ids."""
    if not REF.fullmatch(ref):
        return None
    ids = session.scalars(select(Response.id).where(Response.comment.is_not(None)))
    for response_id in ids:
        if hmac.compare_digest(comment_ref(secret, response_id), ref):
            return commented_response(session, response_id)
    return None


def add_tag(session: Session, response: Response, tag: str) -> bool:
    """Tag a comment and flush; False (and nothing changed) if it already has the tag."""
    if any(existing.tag == tag for existing in response.tags):
        return False
    # The unique constraint still refuses (IntegrityError) a twin request at the same moment.
    response.tags.append(CommentTag(tag=tag))
    session.flush()
    audit.record(session, "comment_tag.add", response, {"response_id": response.id, "tag": tag})
    return True


def remove_tag(session: Session, response: Response, tag: str) -> bool:
    """Remove a tag from a comment and flush; False if the comment did not have it."""
    found = next((existing for existing in response.tags if existing.tag == tag), None)
    if found is None:
        return False
    response.tags.remove(found)
    session.flush()
    audit.record(session, "comment_tag.remove", response, {"response_id": response.id, "tag": tag})
    return True

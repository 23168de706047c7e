"""Invitation rounds: personal codes for letters to a random sample of residents.

A code is drawn at random, printed once on a letter, and stored only as a keyed hash
(HMAC-SHA256 under a key derived from the app's SECRET_KEY) beside its running number in the
round and area. The database thus never holds a usable code: a copy of it, without the secret,
gives no code to answer with. A code answers once: it is marked used by a conditional UPDATE
in the same transaction that stores the answer, so two answers with one code cannot both be
stored. Nothing joins a code to its answer: the answer has no column for it, and the code keeps
only ``used`` (no time, no answer id), so the finest thing it says is "used in this round".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from ..models import Area, AuditEvent, InvitationCode, SurveyRound
from . import audit

#: No 0/O, 1/I/L: a code copied from paper by hand cannot be misread. 31 symbols.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: 10 symbols: 31**10 = 8.2 * 10**14 codes, 49.5 bits (see README, "Invitation rounds").
LENGTH = 10
#: Printed as ABCDE-FGHJK: two groups of five are easier to copy than one run of ten.
GROUP = 5
#: The most codes one call makes (a mailing of one area; more in several batches).
MAX_COUNT = 20_000
#: The highest letter number a form or command takes (an address file's numbers stay below).
MAX_NUMBER = 9_999_999
#: What a person may type between groups; it carries no meaning.
_SEPARATORS = str.maketrans("", "", " -_.\t")
#: The HMAC key is derived from SECRET_KEY for this one use.
_KEY_LABEL = b"trygghet invitation codes v1"


class InvitationError(ValueError):
    """A refused request (unknown area, a round not by invitation, a bad count), explained."""


def new_code() -> str:
    """A new random code, without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_code(code: str) -> str:
    """Group a code for reading: ABCDEFGHJK -> ABCDE-FGHJK."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize_code(typed: str) -> str | None:
    """The code a person typed (any case, spaces, dashes), or None if it cannot be one."""
    code = typed.upper().translate(_SEPARATORS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_hash(secret: str, code: str) -> str:
    """The stored form of a normalized code: HMAC-SHA256 under a key derived from the secret.

    Keyed, so that a copy of the database without the secret cannot be searched for codes;
    unsalted, so that a typed code is found by one indexed lookup.
    """
    key = hmac.new(secret.encode(), _KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


def invitation_area(session: Session, survey_round: SurveyRound, area_slug: str) -> Area:
    """The area with this slug, which must be one of the invitation round's areas."""
    area = session.scalar(select(Area).where(Area.slug == area_slug))
    if area is None:
        raise InvitationError(_("There is no area “%(slug)s”.", slug=area_slug))
    if not survey_round.by_invitation:
        raise InvitationError(
            _(
                "The round %(name)s is not by invitation: mark it so on its page first.",
                name=survey_round.name,
            )
        )
    if area not in survey_round.areas:
        raise InvitationError(
            _(
                "%(area)s is not one of the areas of the round %(name)s.",
                area=area.name,
                name=survey_round.name,
            )
        )
    return area


def check_count(count: int) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise InvitationError(_("The number of codes must be from 1 to %(max)d.", max=MAX_COUNT))


@dataclass(frozen=True)
class Letter:
    """One code as printed: its running number and the code itself (never stored)."""

    number: int
    code: str


def create_codes(
    session: Session, secret: str, survey_round: SurveyRound, area: Area, count: int
) -> list[Letter]:
    """Make ``count`` new codes for the round and area, numbered after the last; flush.

    Returns the codes in clear: the only time they exist outside a letter.
    """
    check_count(count)
    if not survey_round.by_invitation or area not in survey_round.areas:
        raise InvitationError(_("Codes are made only for an area of an invitation round."))
    first = _highest_number(session, survey_round, area) + 1
    letters: list[Letter] = []
    seen: set[str] = set()
    while len(letters) < count:
        code = new_code()
        if code in seen:  # 1 in 10**14 per pair: drawn again, never printed twice
            continue
        seen.add(code)
        letters.append(Letter(first + len(letters), code))
    session.add_all(
        InvitationCode(
            round_id=survey_round.id,
            area_id=area.id,
            number=letter.number,
            code_hash=code_hash(secret, letter.code),
        )
        for letter in letters
    )
    session.flush()
    audit.record(
        session,
        "invitations.create",
        survey_round,
        {
            "area": area.slug,
            "letters": count,
            "first_letter": first,
            "last_letter": first + count - 1,
        },
    )
    return letters


def _newest_stored(session: Session, survey_round: SurveyRound, area: Area) -> int | None:
    """The highest letter number of the round and area's stored codes (None without any)."""
    return session.scalar(
        select(func.max(InvitationCode.number)).where(
            InvitationCode.round_id == survey_round.id, InvitationCode.area_id == area.id
        )
    )


def _highest_number(session: Session, survey_round: SurveyRound, area: Area) -> int:
    """The highest letter number the round and area ever had: a stored code's, or a withdrawn
    one's (from the audit trail), so that a number is never printed on two different letters."""
    stored = _newest_stored(session, survey_round, area)
    withdrawn = session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.action == "invitations.withdraw",
            AuditEvent.target_type == "SurveyRound",
            AuditEvent.target_id == survey_round.id,
        )
    )
    return max(
        [stored or 0] + [d["last_letter"] for d in withdrawn if d and d.get("area") == area.slug]
    )


def withdraw_codes(
    session: Session, survey_round: SurveyRound, area: Area, first: int, last: int
) -> int:
    """Delete the codes of the newest letters ``first`` to ``last`` of the round and area,
    which were never mailed (a batch made twice by mistake); return how many.

    Refused, changing nothing, when the range does not end at the newest letter, when one of
    them has answered (it was mailed) or there are none: the letters sent, and so the response
    rate, count only letters that went out. Only the newest: withdrawing unanswered letters
    from anywhere would let the rate be pushed up at will; from the end, no further than the
    newest answered letter. Their numbers are not given again.
    """
    if first > last:
        raise InvitationError(_("The first letter number cannot be after the last."))
    newest = _newest_stored(session, survey_round, area)
    if newest is not None and first <= newest and last != newest:
        raise InvitationError(
            _(
                "Only the newest letters can be withdrawn: end the range at letter %(newest)d,"
                " the last one made.",
                newest=newest,
            )
        )
    where = (
        InvitationCode.round_id == survey_round.id,
        InvitationCode.area_id == area.id,
        InvitationCode.number.between(first, last),
    )
    found, answered = session.execute(
        select(
            func.count(), func.min(InvitationCode.number).filter(InvitationCode.used.is_(True))
        ).where(*where)
    ).one()
    if not found:
        raise InvitationError(
            _(
                "There are no letters %(first)d–%(last)d in %(area)s.",
                first=first,
                last=last,
                area=area.name,
            )
        )
    if answered is not None:
        raise InvitationError(
            _(
                "Letter %(number)d has been answered, so it was mailed: withdraw only letters"
                " that were never mailed.",
                number=answered,
            )
        )
    withdrawn = session.execute(
        delete(InvitationCode)
        .where(*where, InvitationCode.used.is_(False))
        .execution_options(synchronize_session=False)
    ).rowcount
    if withdrawn != found:  # one answered between the two statements
        raise InvitationError(
            _("A letter in this range was answered just now: nothing was withdrawn.")
        )
    audit.record(
        session,
        "invitations.withdraw",
        survey_round,
        {"area": area.slug, "letters": withdrawn, "first_letter": first, "last_letter": last},
    )
    return withdrawn


@dataclass(frozen=True)
class Invitation:
    """What a typed code opens: its round and area, and whether it has answered."""

    round_id: int
    area_id: int
    used: bool


_FIND_CODE = select(InvitationCode.round_id, InvitationCode.area_id, InvitationCode.used).where(
    InvitationCode.code_hash == bindparam("code_hash")
)


def find_code(session: Session, secret: str, code: str) -> Invitation | None:
    """The invitation a normalized code belongs to, or None."""
    row = session.connection().execute(_FIND_CODE, {"code_hash": code_hash(secret, code)}).first()
    return Invitation(*row) if row is not None else None


def mark_used(session: Session, secret: str, code: str, round_id: int) -> bool:
    """Mark the code used in the caller's transaction; False if it was used already.

    One conditional UPDATE: of two answers with the same code at the same time, the database
    lets only one change the row (the other waits for it, then matches nothing). The caller
    stores the answer in the same transaction, and rolls back if this returns False.
    """
    result = session.execute(
        update(InvitationCode)
        .where(
            InvitationCode.code_hash == code_hash(secret, code),
            InvitationCode.round_id == round_id,
            InvitationCode.used.is_(False),
        )
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def unused_numbers(session: Session, round_id: int, area_id: int) -> list[int]:
    """The running numbers of the letters whose code has not answered, in order."""
    return list(
        session.scalars(
            select(InvitationCode.number)
            .where(
                InvitationCode.round_id == round_id,
                InvitationCode.area_id == area_id,
                InvitationCode.used.is_(False),
            )
            .order_by(InvitationCode.number)
        )
    )


@dataclass(frozen=True)
class AreaCodes:
    area: Area
    sent: int
    used: int
    #: The lowest and highest letter number (None without letters).
    first: int | None = None
    last: int | None = None


def code_counts(session: Session, survey_round: SurveyRound) -> list[AreaCodes]:
    """Per area of the round: the letters made, the codes used and the letters' numbers."""
    rows = {
        area_id: rest
        for area_id, *rest in session.execute(
            select(
                InvitationCode.area_id,
                func.count(),
                func.count().filter(InvitationCode.used.is_(True)),
                func.min(InvitationCode.number),
                func.max(InvitationCode.number),
            )
            .where(InvitationCode.round_id == survey_round.id)
            .group_by(InvitationCode.area_id)
        )
    }
    return [AreaCodes(area, *rows.get(area.id, (0, 0))) for area in survey_round.areas]


def reseal(session: Session, round_id: int) -> None:
    """Rewrite the round's codes in one statement, so that none keeps the transaction that
    marked it used.

    PostgreSQL stores with each row version the id of the transaction that wrote it (``xmin``);
    a code marked used in the same transaction as its answer would share that id with the
    answer's row. Rewriting every code of the round gives them all one new id; the old row
    versions go at the next VACUUM.
    """
    session.execute(
        update(InvitationCode)
        .where(InvitationCode.round_id == round_id)
        .values(used=InvitationCode.used)
        .execution_options(synchronize_session=False)
    )

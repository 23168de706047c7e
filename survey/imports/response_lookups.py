"""What the rows of a responses file are checked against, each read once before the rows.

Places, rounds, questionnaire versions and the invitation codes of rounds by invitation: so
that checking a million rows makes no queries. An answer to a round by invitation carries the
code of its letter (column ``invitation_code``), checked as the paper key-in page checks it
(README, "Invitation rounds"): a code of that round and of the place's area, unused, and
once in the file. The stored answer keeps nothing of the code; the code keeps only ``used``.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import clock
from ..models import Area, InvitationCode, Place, QuestionnaireVersion, SurveyRound
from ..models.rounds import round_area
from ..questionnaire import Questionnaire, builtin, load_text
from ..services.invitations import code_hash, normalize_code
from ..services.item_answers import CATALOGUE
from ..services.responses import live_questionnaire
from . import ImportRefused

#: The column with the code from the invitation letter.
CODE_COLUMN = "invitation_code"
#: Code hashes per UPDATE when they are marked used.
MARK_CHUNK = 500


class InvitationCodes:
    """The rounds by invitation, and (read at the first answer to one) their codes' hashes."""

    def __init__(self, session: Session, secret: str | None) -> None:
        self.session = session
        self.secret = secret
        self.rounds: dict[int, str] = dict(
            session.execute(
                select(SurveyRound.id, SurveyRound.name).where(SurveyRound.by_invitation)
            ).all()
        )
        self._codes: dict[str, tuple[int, int, bool]] | None = None

    def _code(self, hashed: str) -> tuple[int, int, bool] | None:
        if self._codes is None:
            rows = self.session.execute(
                select(
                    InvitationCode.code_hash,
                    InvitationCode.round_id,
                    InvitationCode.area_id,
                    InvitationCode.used,
                ).where(InvitationCode.round_id.in_(list(self.rounds)))
            )
            self._codes = {h: (round_id, area_id, used) for h, round_id, area_id, used in rows}
        return self._codes.get(hashed)

    def check(
        self, typed: str, round_id: int | None, area_id: int, line: int, claimed: dict[str, int]
    ) -> tuple[str | None, str | None]:
        """The code's hash (claimed for this line), or what is wrong; (None, None) without one.

        ``claimed`` holds the hashes of the file's earlier rows, with their lines.
        """
        name = self.rounds.get(round_id) if round_id is not None else None
        if name is None:
            if typed:
                return None, _("the answer's round is not by invitation: leave the code empty")
            return None, None
        if not typed:
            return None, _(
                "missing: the round %(name)s is by invitation, so every answer needs the code"
                " from its letter",
                name=repr(name),
            )
        code = normalize_code(typed)
        if code is None:
            return None, _("not a code: 10 letters and digits, like KM7QA-4XTP2 (no 0, O, 1, I, L)")
        if not self.secret:
            return None, _("codes cannot be checked without the app's SECRET_KEY")
        hashed = code_hash(self.secret, code)
        found = self._code(hashed)
        if found is None or found[0] != round_id:
            return None, _("no letter of the round %(name)s has this code", name=repr(name))
        if found[1] != area_id:
            return None, _("the code is from a letter to another area than the place's")
        if found[2]:
            return None, _("the code has already been used: each code answers once")
        if hashed in claimed:
            return None, _(
                "the same code as line %(line)d: each code answers once", line=claimed[hashed]
            )
        claimed[hashed] = line
        return hashed, None


def mark_codes_used(session: Session, hashes: list[str]) -> None:
    """Mark the stored rows' codes used, in the import's transaction.

    One conditional UPDATE per chunk, as an answer on the web marks its code: a code used on
    the web or on paper since the file was checked makes the whole file refused (the caller
    rolls back the rows added).
    """
    marked = 0
    for start in range(0, len(hashes), MARK_CHUNK):
        result = session.execute(
            update(InvitationCode)
            .where(
                InvitationCode.code_hash.in_(hashes[start : start + MARK_CHUNK]),
                InvitationCode.used.is_(False),
            )
            .values(used=True)
            .execution_options(synchronize_session=False)
        )
        marked += result.rowcount  # type: ignore[attr-defined]
    if marked != len(hashes):
        raise ImportRefused(
            [
                _(
                    "%(count)d of the file's invitation codes were used while it was imported"
                    " (on the web or on paper): nothing was imported; import it again to see"
                    " which",
                    count=len(hashes) - marked,
                )
            ]
        )


#: A round as another database knows it: name (case-folded), first and last day.
RoundKey = tuple[str, dt.date, dt.date | None]


class Lookups:
    """Places, rounds and questionnaire versions, each read with one query before the rows."""

    def __init__(
        self, session: Session, today: dt.date | None = None, secret: str | None = None
    ) -> None:
        # Today where the residents are (TRYGGHET_TIMEZONE), not on the server's clock.
        self.today = today or clock.today()
        #: The codes of the rounds by invitation, which their answers must carry.
        self.codes = InvitationCodes(session, secret)
        # Retired places too: an import may bring in their history.
        self.places = {
            slug: (place_id, area_id)
            for place_id, slug, area_id in session.execute(
                select(Place.id, Place.slug, Place.area_id)
            )
        }
        self.round_ids: set[int] = set()
        #: Round ids by name and dates, lowest id first, to match an export of another database.
        self.rounds_by_key: dict[RoundKey, list[int]] = {}
        self._rounds_by_area: dict[int, list[tuple[dt.date, int, dt.date | None]]] = {}
        rounds = session.execute(
            select(
                SurveyRound.id,
                SurveyRound.name,
                SurveyRound.opens_on,
                SurveyRound.closes_on,
                round_area.c.area_id,
            )
            .outerjoin(round_area, round_area.c.round_id == SurveyRound.id)
            .order_by(SurveyRound.id)
        )
        for round_id, name, opens_on, closes_on, area_id in rounds:
            if round_id not in self.round_ids:
                key = (round_key_name(name), opens_on, closes_on)
                self.rounds_by_key.setdefault(key, []).append(round_id)
            self.round_ids.add(round_id)
            if area_id is not None:
                self._rounds_by_area.setdefault(area_id, []).append((opens_on, round_id, closes_on))
        for candidates in self._rounds_by_area.values():
            # Latest opened first, as services.open_round orders them.
            candidates.sort(reverse=True)
        self._open: dict[tuple[int, dt.date], int | None] = {}
        self.definitions: dict[int, str] = dict(
            session.execute(
                select(QuestionnaireVersion.version, QuestionnaireVersion.definition)
            ).all()
        )
        self.live = live_questionnaire(session)
        self._versions: dict[int, Questionnaire] = {self.live.version: self.live}
        #: Area slugs: the answers of home-area items.
        self.area_slugs = frozenset(session.scalars(select(Area.slug)))

    def added_codes(self) -> list[str]:
        """The codes of added items in any recorded version (a code means one thing in all)."""
        codes: dict[str, None] = {}
        for number in sorted(self.definitions):
            questionnaire = self.version(number)
            for code in questionnaire.codes if questionnaire else ():
                if code not in CATALOGUE:
                    codes[code] = None
        return list(codes)

    def version(self, number: int) -> Questionnaire | None:
        """A recorded questionnaire version, parsed once."""
        if number not in self._versions:
            definition = self.definitions.get(number)
            if definition is None:
                return None
            # As recorded: one from before unknown keys were refused still reads.
            self._versions[number] = load_text(definition, catalogue=builtin(1), strict=False)
        return self._versions[number]

    def open_round(self, area_id: int, day: dt.date) -> int | None:
        """The id of the round open for this area on this day, as services.open_round finds it."""
        key = (area_id, day)
        if key not in self._open:
            self._open[key] = next(
                (
                    round_id
                    for opens_on, round_id, closes_on in self._rounds_by_area.get(area_id, ())
                    if opens_on <= day and (closes_on is None or day <= closes_on)
                ),
                None,
            )
        return self._open[key]


def round_key_name(name: str) -> str:
    """A round's name as matched between databases: spaces and letter case do not count."""
    return " ".join(name.split()).casefold()

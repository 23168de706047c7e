"""Reading one responses CSV row: its header's columns, each cell checked, stored values.

Everything a row is checked against (places, rounds, questionnaire versions, invitation
codes) is read once, up front (``response_lookups``), so checking a million rows makes no
queries. An error is a (column, message) pair
without the line, so that the importer can group a message repeated on many rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from ..dates import EARLIEST
from ..models import SOURCES
from ..questionnaire import Item, Questionnaire, builtin
from ..reports.formulas import restore
from ..reports.raw_data import TRAILING
from ..services.item_answers import CATALOGUE_CODES, split
from .response_lookups import CODE_COLUMN, Lookups, round_key_name

REQUIRED = ("submitted_on", "place")
DEFAULT_SOURCE = "import"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
#: Between the choices of a multi-choice cell: ';', or '|' in a ';'-separated file.
_CHOICES = re.compile(r"[;|]")

#: One error of a row: the column (None: the whole row) and what is wrong.
RowError = tuple[str | None, str]
#: A checked row: its values in response_store.COLUMNS order, its answers to added items
#: (stored as item_answer rows once the response has its id), and the hash of its
#: invitation code (marked used when stored; the row keeps nothing of it).
Stored = tuple[list[Any], dict[str, str], str | None]


def _iso_date(raw: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None."""
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _is_number(raw: str) -> bool:
    return raw.isascii() and raw.isdigit()


def _shown(value: str, limit: int = 40) -> str:
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return '"' + value.replace("\n", " ") + '"'


def _not_a_date(raw: str) -> str:
    return _("%(value)s is not a date of the form YYYY-MM-DD", value=_shown(raw))


def _not_an_option(value: str, item: Item) -> str:
    return _(
        "%(value)s is not an option; use %(options)s",
        value=_shown(value),
        options=", ".join(item.values),
    )


class ResponseColumns:
    """The columns of one file's header, and the conversion of its rows to stored values."""

    def __init__(self, header: list[str], lookups: Lookups) -> None:
        self.lookups = lookups
        self.names = [name.strip() for name in header]
        self.width = len(header)
        self.errors: list[RowError] = []
        self.index: dict[str, int] = {}
        catalogue = builtin(1).codes
        self.catalogue = catalogue
        has_version = "questionnaire_version" in self.names
        # Without a version column every row is of the live version, so the header can say
        # already which item codes belong; with one, each row is checked against its version.
        added = [c for c in lookups.added_codes() if c not in catalogue]
        added += [c for c in lookups.live.codes if c not in catalogue and c not in added]
        allowed_items = set(catalogue + added if has_version else lookups.live.codes)
        known = set(REQUIRED) | set(TRAILING) | {CODE_COLUMN} | allowed_items
        for position, name in enumerate(self.names, start=1):
            if not name:
                self._header_error(str(position), _("the column has no name"))
            elif name in self.index:
                self._header_error(name, _("the column appears more than once"))
            elif name not in known:
                self._header_error(name, self._unknown_column(name, has_version))
            else:
                self.index[name] = position - 1
        for name in REQUIRED:
            if name not in self.index:
                self._header_error(name, _("this required column is missing"))
        self.items = [(self.index[code], code) for code in catalogue + added if code in self.index]
        self._plans: dict[int, list[tuple[int, str, Item | None, frozenset[str]]]] = {}
        self._dates: dict[str, dt.date | str] = {}
        #: The invitation codes of the rows read so far (their hashes), with their lines.
        self.claimed: dict[str, int] = {}

    def _header_error(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def _unknown_column(self, name: str, has_version: bool) -> str:
        known = set(self.catalogue) | set(self.lookups.added_codes())
        if name in known and not has_version:
            return _(
                "not a question of the live questionnaire (version %(version)d); add a"
                " questionnaire_version column for answers to another version",
                version=self.lookups.live.version,
            )
        return _(
            "not a known column: use submitted_on, place, the questionnaire's item codes,"
            " questionnaire_version, source, round, round_name, round_opens_on and"
            " round_closes_on"
        )

    def _plan(self, questionnaire: Questionnaire) -> list[tuple[int, str, Item | None, frozenset]]:
        plan = self._plans.get(questionnaire.version)
        if plan is None:
            plan = []
            for position, code in self.items:
                try:
                    item: Item | None = questionnaire.item(code)
                except KeyError:
                    item = None
                plan.append((position, code, item, frozenset(item.values) if item else frozenset()))
            self._plans[questionnaire.version] = plan
        return plan

    def _date(self, raw: str) -> dt.date | str:
        """The date, or what is wrong with it (cached: many rows share a date)."""
        found = self._dates.get(raw)
        if found is None:
            if not raw:
                found = _("missing: every row needs the date the answer was given (YYYY-MM-DD)")
            elif not _ISO_DATE.fullmatch(raw):
                found = _not_a_date(raw)
            else:
                try:
                    found = dt.date.fromisoformat(raw)
                except ValueError:
                    found = _("%(value)s is not a real date", value=_shown(raw))
                else:
                    if found > self.lookups.today:
                        found = _("%(value)s is in the future", value=_shown(raw))
                    elif found < EARLIEST:  # a typo in the year: 0026-12-03
                        found = _("%(value)s is before the year 2000", value=_shown(raw))
            if len(self._dates) < 100_000:
                self._dates[raw] = found
        return found

    def _cell(self, cells: list[str], name: str) -> str:
        position = self.index.get(name)
        return cells[position].strip() if position is not None else ""

    def convert(
        self, line: int, cells: list[str], build: bool = True
    ) -> tuple[Stored | None, list[RowError]]:
        """The row's stored values (if build), or None and every error found in it."""
        if len(cells) > self.width:
            return None, [
                (
                    None,
                    _(
                        "the row has %(cells)d cells but the header has %(columns)d columns",
                        cells=len(cells),
                        columns=self.width,
                    ),
                )
            ]
        if len(cells) < self.width:  # trailing empty cells left out: not answered
            cells = cells + [""] * (self.width - len(cells))
        errors: list[RowError] = []

        def bad(name: str, message: str) -> None:
            errors.append((name, message))

        day = self._date(self._cell(cells, "submitted_on"))
        if isinstance(day, str):
            bad("submitted_on", day)
        slug = self._cell(cells, "place")
        place = self.lookups.places.get(slug)
        if place is None:
            bad(
                "place",
                _(
                    "%(value)s is not a known place; use the slug of a place of this database"
                    " (see Places)",
                    value=_shown(slug),
                )
                if slug
                else _("missing"),
            )
        source = self._cell(cells, "source") or DEFAULT_SOURCE
        if source not in SOURCES:
            bad(
                "source",
                _(
                    "%(value)s is not a source; use %(sources)s",
                    value=_shown(source),
                    sources=", ".join(SOURCES),
                ),
            )
        raw_round = self._cell(cells, "round")
        round_name = self._cell(cells, "round_name")
        before = len(errors)
        if round_name:
            round_id = self._named_round(round_name, raw_round, cells, bad)
        else:
            round_id = self._round(raw_round, bad)
        round_known = len(errors) == before
        version = self._cell(cells, "questionnaire_version")
        if version:
            questionnaire = self.lookups.version(int(version)) if _is_number(version) else None
            if questionnaire is None:
                bad(
                    "questionnaire_version",
                    _("%(value)s is not a recorded version", value=_shown(version)),
                )
                return None, errors  # the items cannot be checked without their version
        else:
            questionnaire = self.lookups.live
        answers = self._answers(cells, questionnaire, bad)
        if place is None or isinstance(day, str) or not round_known:
            return None, errors
        if not raw_round and not round_name:
            round_id = self.lookups.open_round(place[1], day)
        typed = self._cell(cells, CODE_COLUMN)
        code, wrong = self.lookups.codes.check(typed, round_id, place[1], line, self.claimed)
        if wrong:
            bad(CODE_COLUMN, wrong)
        if errors or not build:
            return None, errors
        columns, added = split(questionnaire.clean(answers))
        # In response_store.COLUMNS order; the batch id is filled in when the row is stored.
        row = [place[0], day, questionnaire.version, source, round_id, None]
        row.extend([columns.get(code) for code in CATALOGUE_CODES])
        return (row, added, code), errors

    def _round(self, raw: str, bad: Callable[[str, str], None]) -> int | None:
        if not raw:
            return None
        if _is_number(raw) and int(raw) in self.lookups.round_ids:
            return int(raw)
        bad(
            "round",
            _(
                "%(value)s is not the id of a survey round of this database; ids differ"
                " between databases, so give the round's name and dates in round_name,"
                " round_opens_on and round_closes_on (as the export does), or leave round"
                " empty for the round open on each date",
                value=_shown(raw),
            ),
        )
        return None

    def _named_round(
        self, name: str, raw_id: str, cells: list[str], bad: Callable[[str, str], None]
    ) -> int | None:
        """The round of this database with the row's round name and dates."""
        raw_opens, raw_closes = (
            self._cell(cells, c) for c in ("round_opens_on", "round_closes_on")
        )
        opens_on = _iso_date(raw_opens)
        closes_on = _iso_date(raw_closes) if raw_closes else None  # no last day
        if opens_on is None:
            bad(
                "round_opens_on",
                _not_a_date(raw_opens)
                if raw_opens
                else _("missing: a round_name needs the round's first day (YYYY-MM-DD)"),
            )
            return None
        if raw_closes and closes_on is None:
            bad("round_closes_on", _not_a_date(raw_closes))
            return None
        found = self.lookups.rounds_by_key.get((round_key_name(name), opens_on, closes_on))
        if not found:
            until = closes_on.isoformat() if closes_on else _("no last day")
            bad(
                "round_name",
                _(
                    "there is no survey round %(name)s from %(opens)s to %(closes)s in this"
                    " database; create it under Survey rounds with that name and those dates,"
                    " then import the file again",
                    name=_shown(name, 80),
                    opens=opens_on.isoformat(),
                    closes=until,
                ),
            )
            return None
        # The same name and dates twice: the file's id decides if it is one of them.
        if _is_number(raw_id) and int(raw_id) in found:
            return int(raw_id)
        return found[0]

    def _answers(
        self, cells: list[str], questionnaire: Questionnaire, bad: Callable[[str, str], None]
    ) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for position, code, item, values in self._plan(questionnaire):
            raw = cells[position]
            if not raw or raw.isspace():
                continue
            if item is None:
                bad(
                    code,
                    _(
                        "not a question of questionnaire version %(version)d",
                        version=questionnaire.version,
                    ),
                )
            elif item.type == "single":
                value = raw.strip()
                if value in values:
                    answers[code] = value
                else:
                    bad(code, _not_an_option(value, item))
            elif item.type == "multi":
                chosen = [part.strip() for part in _CHOICES.split(raw) if part.strip()]
                unknown = [value for value in chosen if value not in values]
                if unknown:
                    bad(code, _not_an_option(unknown[0], item))
                elif item.max_choices and len(set(chosen)) > item.max_choices:
                    bad(
                        code,
                        _(
                            "at most %(most)d options, not %(count)d",
                            most=item.max_choices,
                            count=len(set(chosen)),
                        ),
                    )
                else:
                    answers[code] = chosen
            elif item.type == "number":
                value = raw.strip().replace("−", "-")
                digits = value[1:] if value.startswith("-") else value
                low, high = item.min_value or 0, item.max_value or 0
                if not (digits.isascii() and digits.isdigit()) or not low <= int(value) <= high:
                    bad(
                        code,
                        _(
                            "%(value)s is not a whole number from %(low)d to %(high)d",
                            value=_shown(value),
                            low=low,
                            high=high,
                        ),
                    )
                else:
                    answers[code] = value
            elif item.type == "area":
                value = raw.strip()
                if value in self.lookups.area_slugs:
                    answers[code] = value
                else:
                    bad(
                        code,
                        _(
                            "%(value)s is not a known area; use the slug of an area",
                            value=_shown(value),
                        ),
                    )
            else:
                # An export neutralises formula-like text with an apostrophe: take it off
                # first, so that what follows treats the text as it was before export.
                value = restore(raw.strip()).replace("\r\n", "\n").replace("\r", "\n").strip()
                limit = item.max_length or 1000
                if len(value) > limit:
                    bad(
                        code,
                        _(
                            "at most %(most)d characters, not %(count)d",
                            most=limit,
                            count=len(value),
                        ),
                    )
                elif _CONTROL.search(value):
                    bad(code, _("contains control characters, which cannot be stored"))
                else:
                    answers[code] = value
        return answers

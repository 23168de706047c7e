"""One crime count checked: area and place names, months, counts, and a CSV row.

What a row is checked against (areas and places by name) is read once, up front, so that
checking a long file makes no queries.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, Place
from ..models.places import AreaAlias
from ..reports.formulas import restore
from . import ImportErrors

#: The category column's width in the database.
CATEGORY_MAX = 120
#: The first year a month may be of: earlier ones are typing mistakes (the year 0 is no
#: date at all). Police events have a later one (police_events.FIRST_EVENT_YEAR).
FIRST_YEAR = 1900
#: Unicode categories a stored name may not hold: control characters, invisible format
#: characters (among them the direction overrides that turn the rest of a line around),
#: surrogates and private-use characters.
UNSAVABLE = frozenset({"Cc", "Cf", "Cs", "Co"})
#: Characters that show nothing though they are letters or marks to Unicode (its
#: Default_Ignorable_Code_Point set beyond the format characters, and the blank Braille
#: pattern): Hangul fillers, the combining grapheme joiner, variation selectors. A name that
#: looks like "Stöld" but is not would be a second category or area no reader can tell apart.
INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
#: How much of a value a message quotes.
QUOTED_MAX = 80
#: The largest count a file may give: Sweden reports about 1.5 million crimes a year, so a
#: larger figure is a mistake (and the database's integers end at 2^63).
MAX_COUNT = 1_000_000_000

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
#: Digits, optionally grouped by thousands with a space (Brå writes "1 234"; a spreadsheet
#: may group with a no-break or thin space).
_COUNT = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u2009\u202f][0-9]{3})+|[0-9]+")
_NEGATIVE = re.compile(r"-\s*[0-9][0-9 \u00a0\u2009\u202f]*(?:[.,][0-9]+)?")
_DECIMAL = re.compile(r"[0-9][0-9 \u00a0\u2009\u202f]*[.,][0-9]+")
_RATE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
_THOUSANDS = re.compile(r"[ \u00a0\u2009\u202f]")
#: Brå's exports write whole counts as decimals: '2483.0' (a point or comma, zeros only).
_WHOLE_DECIMAL = re.compile(r"([0-9]+(?:[ \u00a0\u2009\u202f][0-9]{3})*)[.,]0+")
#: '1.000' or '12,000': a thousands separator (English, German) as much as decimals.
_AMBIGUOUS = re.compile(r"[1-9][0-9]{0,2}[.,]000")
#: Brå's marks: '..' is a suppressed figure (missing, not zero), '-' is nothing (zero).
SUPPRESSED, NOTHING = "..", ("-", "\u2013")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", " ": None, "-": None, "\u2013": None})


def normalise(name: str) -> str:
    """Fold a name for matching: Unicode's compatibility form (a letter and its combining
    mark as one), case, å/ä/ö as a/a/o, no spaces or hyphens."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name).casefold().translate(_FOLD))


def is_county(name: str) -> bool:
    """Whether a location name is a county ('Stockholms län', 'Gotlands län'; typed without
    the dots, 'Stockholms lan', too)."""
    words = unicodedata.normalize("NFKC", name).casefold().split()
    return len(words) > 1 and words[-1] in ("län", "lan")


#: Why an alias is not used to match events: it names a whole county, or the municipality
#: the area is a district of (every event there would count for the district). add_alias
#: refuses such names; one stored by an earlier version is kept but ignored, by the police
#: events' matching and by every import that finds areas by name (Names).
COUNTY, OWN_MUNICIPALITY = "county", "own municipality"


def unusable_alias(name: str, municipality: str | None) -> str | None:
    """COUNTY or OWN_MUNICIPALITY when an alias must not match events, else None."""
    if is_county(name):
        return COUNTY
    if municipality and normalise(name) == normalise(municipality):
        return OWN_MUNICIPALITY
    return None


class Names:
    """Areas (by folded name, slug or alias) and places (by name, slug), read up front."""

    def __init__(self, session: Session) -> None:
        self.areas: dict[str, tuple[int, str, str]] = {}
        for area_id, slug, name in session.execute(
            select(Area.id, Area.slug, Area.name).order_by(Area.name)
        ):
            for key in (normalise(name), normalise(slug)):
                self.areas.setdefault(key, (area_id, slug, name))
        # The other names admins gave an area (trygghet area alias) mean it too, but for a
        # county or a district's own municipality (unusable_alias).
        for area_id, slug, name, alias, municipality in session.execute(
            select(Area.id, Area.slug, Area.name, AreaAlias.name, Area.municipality).join(AreaAlias)
        ):
            if not unusable_alias(alias, municipality):
                self.areas.setdefault(normalise(alias), (area_id, slug, name))
        self.known = ", ".join(sorted({name for _id, _slug, name in self.areas.values()}))
        # Retired places too: a file may bring in their history.
        self.places: dict[tuple[int, str], tuple[int, str]] = {}
        for place_id, slug, name, area_id in session.execute(
            select(Place.id, Place.slug, Place.name, Place.area_id)
        ):
            for key in (normalise(name), normalise(slug)):
                self.places.setdefault((area_id, key), (place_id, name))

    def area(self, value: str) -> tuple[int, str, str] | None:
        """The (id, slug, name) of the area a name or slug means, or None."""
        return self.areas.get(normalise(value))

    def place(self, area_id: int, value: str) -> tuple[int, str] | None:
        """The (id, name) of the area's place a name or slug means, or None."""
        return self.places.get((area_id, normalise(value)))


#: The message for a name with characters ``unsavable`` finds, by what holds them.
_CONTROL_CHARACTERS = {
    "category": _l("the category holds control or invisible characters that cannot be stored"),
    "crime category": _l(
        "the crime category holds control or invisible characters that cannot be stored"
    ),
    "type": _l("the type holds control or invisible characters that cannot be stored"),
    "location name": _l(
        "the location name holds control or invisible characters that cannot be stored"
    ),
}


def control_characters(what: str) -> str:
    """Why a name with characters ``unsavable`` finds is refused; ``what`` holds them: the
    "category", "crime category", "type" or "location name"."""
    return str(_CONTROL_CHARACTERS[what])


def unsavable(text: str) -> bool:
    """Whether a name holds a character of the UNSAVABLE categories, or an INVISIBLE one."""
    return any(unicodedata.category(c) in UNSAVABLE for c in text) or bool(INVISIBLE.search(text))


def unsavable_raw(text: str) -> bool:
    """Whether a name as given, before its white space is collapsed, holds characters
    ``unsavable`` finds: every control character but tab, line feed and carriage return
    (str.split() takes \x1c-\x1f and \x85 for white space, and would hide them)."""
    return unsavable(text.replace("\t", " ").replace("\n", " ").replace("\r", " "))


def quoted(text: str) -> str:
    """A value as a message quotes it: at most QUOTED_MAX characters, a control or invisible
    character or white space but the plain space written as its code (\\u202e, \\u2028), so
    that it neither turns the message around, breaks its line nor goes unseen."""
    text = text if len(text) <= QUOTED_MAX else text[: QUOTED_MAX - 1] + "…"
    return "".join(
        c
        if c == " " or not (unsavable(c) or c.isspace())
        else f"\\u{ord(c):04x}"
        if ord(c) < 0x10000
        else f"\\U{ord(c):08x}"
        for c in text
    )


def first_of_month(day: dt.date) -> dt.date:
    """The month a day is in, as its first day (how months are stored)."""
    return day.replace(day=1)


def month_text(month: dt.date) -> str:
    """A month as messages and the audit write it: YYYY-MM."""
    return month.strftime("%Y-%m")


def parse_count(value: str) -> tuple[int | None, str | None]:
    """Read a Brå count: '..' is None (suppressed), '-' is 0, '1 234' and '1234.0' are 1234."""
    text = value.strip()
    if whole := _WHOLE_DECIMAL.fullmatch(text):
        if _AMBIGUOUS.fullmatch(text):
            n = whole.group(1)
            return None, _(
                "count '%(value)s' may be %(whole)s or %(whole)s 000: write %(whole)s, or"
                " %(whole)s 000",
                value=text,
                whole=n,
            )
        text = whole.group(1)
    if text == SUPPRESSED:
        return None, None
    if text in NOTHING:
        return 0, None
    if _COUNT.fullmatch(text):
        digits = _THOUSANDS.sub("", text)
        # Checked before int(): Python refuses to read more than 4,300 digits.
        count = int(digits) if len(digits) <= len(str(MAX_COUNT)) else MAX_COUNT + 1
        if count > MAX_COUNT:
            return None, _(
                "count '%(value)s' is too large (at most %(max)s)",
                value=quoted(text),
                max=f"{MAX_COUNT:,}".replace(",", " "),
            )
        return count, None
    if not text:
        return None, _("the count is empty (write '..' for a suppressed figure, '-' for none)")
    if _NEGATIVE.fullmatch(text):
        return None, _("count '%(value)s' is negative", value=quoted(text))
    if _DECIMAL.fullmatch(text):
        return None, _("count '%(value)s' is not a whole number", value=quoted(text))
    return None, _("count '%(value)s' is not a number", value=quoted(text))


def rate_error(value: str) -> str | None:
    text = _THOUSANDS.sub("", value.strip())
    if text in ("", SUPPRESSED, *NOTHING) or _RATE.fullmatch(text):
        return None
    return _(
        "rate '%(value)s' is not a number (a decimal comma or point is fine)",
        value=quoted(value.strip()),
    )


def fitted(errors: ImportErrors, line: int, cells: list[str], width: int) -> tuple[list[str], bool]:
    """A row's cells padded to the file's width, and whether they fit: a filled cell beyond it
    is an error ("Ekerö;1;300.0", 1 300 split by the separator, would store a count of 1)."""
    filled = [i for i, cell in enumerate(cells) if cell.strip()]
    if filled and filled[-1] >= width:
        errors.add(
            line,
            _(
                "line %(n)d: %(cells)d cells, but the file has %(columns)d columns; is a figure or"
                " a name split in two by the separator?",
                n=line,
                cells=filled[-1] + 1,
                columns=width,
            ),
        )
        return cells, False
    return cells + [""] * (width - len(cells)), True


def parse_month(value: str) -> tuple[dt.date | None, str | None]:
    """Read a month written YYYY-MM: (first day, None) or an error."""
    text = value.strip()
    if not text:
        return None, _("the month is empty")
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None, _("month '%(value)s' is not a month written YYYY-MM", value=quoted(text))
    if int(match.group(1)) < FIRST_YEAR:
        return None, _("month %(month)s is before %(first)d", month=text, first=FIRST_YEAR)
    return dt.date(int(match.group(1)), int(match.group(2)), 1), None


def unended_month(month: dt.date, today: dt.date) -> str | None:
    """Why a monthly count of ``month`` cannot be imported yet, or None: the month must be
    over, or its count would stand for a whole month (covered, judged) that is still going on."""
    if month > first_of_month(today):
        return _("month %(month)s is in the future", month=month_text(month))
    if month == first_of_month(today):
        return _(
            "month %(month)s has not ended yet: import its count once the month is over",
            month=month_text(month),
        )
    return None


def nothing_below(line: int, unpublished: int) -> str:
    """Why a file with a header but nothing to store is refused."""
    if unpublished:
        return _(
            "line %(n)d: every count is '..' or empty for a month or year not over yet"
            " (%(counts)s): nothing is published to import yet",
            n=line,
            counts=ngettext("%(num)d count", "%(num)d counts", unpublished),
        )
    return _("line %(n)d: there are no counts below the header row", n=line)


def unended_year(year: int, today: dt.date) -> str:
    """Why a yearly count of ``year`` (this year or later) cannot be imported yet."""
    if year > today.year:
        return _("the year %(year)d is in the future", year=year)
    return _(
        "the year %(year)d has not ended yet: import its count once the year is over", year=year
    )


def check_row(
    line: int,
    cells: list[str],
    width: int,
    index: dict[str, int],
    names: Names,
    today: dt.date,
    errors: ImportErrors,
    records: list[dict[str, Any]],
    seen: dict[tuple[dt.date, int, str, int | None], int],
) -> bool:
    """Check one CSV row; add its record to ``records`` or its problems to ``errors``.
    True when the row is a '..' for a month not over yet (skipped: not published).

    ``seen`` remembers the line of each (month, area, category, place) so that a count
    given twice is named with the line it repeats.
    """
    row, fits = fitted(errors, line, cells, width)
    if not fits:
        return False
    value = {column: row[i] for column, i in index.items()}
    problems: list[str] = []
    month, problem = parse_month(value["month"])
    problems += [problem] if problem else []
    # '..' for a month not over yet, as Brå writes it: not published, nothing to store.
    unpublished = value["count"].strip() == SUPPRESSED
    if month and (problem := unended_month(month, today)):
        problems += [] if unpublished else [problem]
        month = None
    else:
        unpublished = False
    # A file exported by Trygghet has an apostrophe before formula-like text: taken off.
    area_text = restore(value["area"].strip())
    area = names.area(area_text) if area_text else None
    if not area_text:
        problems.append(_("the area is empty"))
    elif area is None:
        problems.append(
            _(
                "unknown area '%(name)s' (the areas are %(areas)s)",
                name=quoted(area_text),
                areas=names.known,
            )
        )
    category = restore(value["category"].strip())
    if not category:
        problems.append(_("the category is empty"))
    elif len(category) > CATEGORY_MAX:
        problems.append(_("the category is longer than %(max)d characters", max=CATEGORY_MAX))
    elif unsavable(category):
        problems.append(control_characters("category"))
    count, problem = parse_count(value["count"])
    problems += [problem] if problem else []
    problem = rate_error(value["rate"]) if "rate" in value else None
    problems += [problem] if problem else []
    place_text = restore(value.get("place", "").strip())
    place = None
    if place_text and area is not None:
        place = names.place(area[0], place_text)
        if place is None:
            problems.append(
                _("unknown place '%(name)s' in %(area)s", name=quoted(place_text), area=area[2])
            )
    for problem in problems:
        errors.add(line, _("line %(n)d: %(problem)s", n=line, problem=problem))
    if problems or month is None or area is None:
        return unpublished and not problems
    place_id = place[0] if place else None
    key = (month, area[0], category.casefold(), place_id)
    if key in seen:
        where = _(", place %(place)s", place=place[1]) if place else ""
        errors.add(
            line,
            _(
                "line %(n)d: month %(month)s, area %(area)s, category '%(category)s'%(where)s is"
                " already on line %(first)d",
                n=line,
                month=month_text(month),
                area=area[2],
                category=category,
                where=where,
                first=seen[key],
            ),
        )
        return False
    seen[key] = line
    records.append(
        {
            "area_id": area[0],
            "place_id": place_id,
            "month": month,
            "category": category,
            "count": count,
            "source": "csv",
        }
    )
    return False

"""One crime count checked: area and place names, months, counts, and a CSV row.

What a row is checked against (areas and places by name) is read once, up front, so that
checking a long file makes no queries.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, Place
from ..models.places import AreaAlias
from ..reports.formulas import restore
from . import ImportErrors, ImportRefused

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
#: A year in a file name (anmalda_brott_kommuner_2023.csv).
YEAR_IN_NAME = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
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


def plural(n: int, word: str) -> str:
    """'1 month', '2 months': a count with its noun."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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


#: The message for a name with characters ``unsavable`` finds ("%s": what holds them).
CONTROL_CHARACTERS = "%s holds control or invisible characters that cannot be stored"


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
            return None, f"count '{text}' may be {n} or {n} 000: write {n}, or {n} 000"
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
            return None, f"count '{quoted(text)}' is too large (at most {MAX_COUNT:,})".replace(
                ",", " "
            )
        return count, None
    if not text:
        return None, "the count is empty (write '..' for a suppressed figure, '-' for none)"
    if _NEGATIVE.fullmatch(text):
        return None, f"count '{quoted(text)}' is negative"
    if _DECIMAL.fullmatch(text):
        return None, f"count '{quoted(text)}' is not a whole number"
    return None, f"count '{quoted(text)}' is not a number"


def rate_error(value: str) -> str | None:
    text = _THOUSANDS.sub("", value.strip())
    if text in ("", SUPPRESSED, *NOTHING) or _RATE.fullmatch(text):
        return None
    return f"rate '{quoted(value.strip())}' is not a number (a decimal comma or point is fine)"


def fitted(errors: ImportErrors, line: int, cells: list[str], width: int) -> tuple[list[str], bool]:
    """A row's cells padded to the file's width, and whether they fit: a filled cell beyond it
    is an error ("Ekerö;1;300.0", 1 300 split by the separator, would store a count of 1)."""
    filled = [i for i, cell in enumerate(cells) if cell.strip()]
    if filled and filled[-1] >= width:
        errors.add(
            line,
            f"line {line}: {filled[-1] + 1} cells, but the file has {width} columns;"
            f" is a figure or a name split in two by the separator?",
        )
        return cells, False
    return cells + [""] * (width - len(cells)), True


def parse_month(value: str) -> tuple[dt.date | None, str | None]:
    """Read a month written YYYY-MM: (first day, None) or an error."""
    text = value.strip()
    if not text:
        return None, "the month is empty"
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None, f"month '{quoted(text)}' is not a month written YYYY-MM"
    if int(match.group(1)) < FIRST_YEAR:
        return None, f"month {text} is before {FIRST_YEAR}"
    return dt.date(int(match.group(1)), int(match.group(2)), 1), None


def unended_month(month: dt.date, today: dt.date) -> str | None:
    """Why a monthly count of ``month`` cannot be imported yet, or None: the month must be
    over, or its count would stand for a whole month (covered, judged) that is still going on."""
    if month > first_of_month(today):
        return f"month {month:%Y-%m} is in the future"
    if month == first_of_month(today):
        return f"month {month:%Y-%m} has not ended yet: import its count once the month is over"
    return None


def nothing_below(line: int, unpublished: int) -> str:
    """Why a file with a header but nothing to store is refused."""
    if unpublished:
        return (
            f"line {line}: every count is '..' or empty for a month or year not over yet"
            f" ({plural(unpublished, 'count')}): nothing is published to import yet"
        )
    return f"line {line}: there are no counts below the header row"


def unended_year(year: int, today: dt.date) -> str:
    """Why a yearly count of ``year`` (this year or later) cannot be imported yet."""
    if year > today.year:
        return f"the year {year} is in the future"
    return f"the year {year} has not ended yet: import its count once the year is over"


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
        problems.append("the area is empty")
    elif area is None:
        problems.append(f"unknown area '{quoted(area_text)}' (the areas are {names.known})")
    category = restore(value["category"].strip())
    if not category:
        problems.append("the category is empty")
    elif len(category) > CATEGORY_MAX:
        problems.append(f"the category is longer than {CATEGORY_MAX} characters")
    elif unsavable(category):
        problems.append(CONTROL_CHARACTERS % "the category")
    count, problem = parse_count(value["count"])
    problems += [problem] if problem else []
    problem = rate_error(value["rate"]) if "rate" in value else None
    problems += [problem] if problem else []
    place_text = restore(value.get("place", "").strip())
    place = None
    if place_text and area is not None:
        place = names.place(area[0], place_text)
        if place is None:
            problems.append(f"unknown place '{quoted(place_text)}' in {area[2]}")
    for problem in problems:
        errors.add(line, f"line {line}: {problem}")
    if problems or month is None or area is None:
        return unpublished and not problems
    place_id = place[0] if place else None
    key = (month, area[0], category.casefold(), place_id)
    if key in seen:
        where = f", place {place[1]}" if place else ""
        errors.add(
            line,
            f"line {line}: month {month_text(month)}, area {area[2]}, category '{category}'"
            f"{where} is already on line {seen[key]}",
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


class GivenYear(NamedTuple):
    year: int
    said_by: str  # "--year" or "the file name"


def year_from(origin: str, year: int | None) -> GivenYear | None:
    """The year given with --year, else the one in the file name
    (anmalda_brott_kommuner_2023.csv); refused when the two disagree."""
    found = set(YEAR_IN_NAME.findall(origin))
    # A name with two years (manadstabell_2023_2024.csv) spans them: it gives no year.
    named = int(found.pop()) if len(found) == 1 else None
    if year is not None and named is not None and year != named:
        raise ImportRefused([f"--year says {year}, but the file name says {named}"])
    if year is not None:
        return GivenYear(year, "--year")
    return GivenYear(named, "the file name") if named is not None else None


def year_needed(given: GivenYear | None) -> int:
    """The year of a file that gives no year of its own, or ImportRefused asking for it."""
    if given is None:
        raise ImportRefused(
            [
                "the year is not in the file name (as in anmalda_brott_kommuner_2023.csv):"
                " give it with --year"
            ]
        )
    return given.year

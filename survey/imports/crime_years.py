"""The year of a crime file (given, or in its name), and how messages name the inputs that
the command takes as options and the upload page as fields (--year and "Year", --format and
"Format")."""

from __future__ import annotations

import re
from typing import NamedTuple

from flask import has_request_context
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import ImportRefused

#: A year in a file name (anmalda_brott_kommuner_2023.csv).
YEAR_IN_NAME = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
#: The upload page's fields for the command's options, as the page labels them.
_FIELDS = {"year": _l("Year"), "format": _l("Format")}


def on_page() -> bool:
    """Whether the import runs for a page (a request), not for the command line."""
    return has_request_context()


def option_name(option: str) -> str:
    """How a message names an input: ``--year`` on the command line, "the Year field" (in the
    page's language) on the upload page, whose fields are the command's options."""
    if on_page():
        return _("the %(field)s field", field=str(_FIELDS[option]))
    return f"--{option}"


def count(number: int) -> str:
    """A count as a message shows it: grouped as the page's language writes numbers
    ("100 001" in Swedish) on the upload page, plain on the command line."""
    return format_number(number) if on_page() else str(number)


#: The shapes of a crime file, as the upload page's Format list names them.
SHAPE_NAMES = {
    "events": _l("police events (JSON)"),
    "csv": _l("CSV file"),
    "bra-open": _l("Brå's open file per municipality"),
    "bra-db": _l("export from Brå's statistics database"),
    "bra-months": _l("Brå table with the months in columns"),
}


def shape_name(shape: str) -> str:
    """How a message names a file's shape: as the command's --format value (bra-open) on the
    command line, as the Format list does (in quotes) on the upload page."""
    return _("“%(name)s”", name=str(SHAPE_NAMES[shape])) if on_page() else shape


class GivenYear(NamedTuple):
    year: int
    #: Given with --year (the Year field), not found in the file name.
    by_option: bool


def year_from(origin: str, year: int | None) -> GivenYear | None:
    """The year given with --year, else the one in the file name
    (anmalda_brott_kommuner_2023.csv); refused when the two disagree."""
    found = set(YEAR_IN_NAME.findall(origin))
    # A name with two years (manadstabell_2023_2024.csv) spans them: it gives no year.
    named = int(found.pop()) if len(found) == 1 else None
    if year is not None and named is not None and year != named:
        raise ImportRefused(
            [
                _(
                    "%(option)s says %(year)d, but the file name says %(named)d",
                    option=option_name("year"),
                    year=year,
                    named=named,
                )
            ]
        )
    if year is not None:
        return GivenYear(year, True)
    return GivenYear(named, False) if named is not None else None


def year_needed(given: GivenYear | None) -> int:
    """The year of a file that gives no year of its own, or ImportRefused asking for it."""
    if given is None:
        raise ImportRefused(
            [
                _(
                    "the year is not in the file name (as in %(example)s): give it with %(option)s",
                    example="anmalda_brott_kommuner_2023.csv",
                    option=option_name("year"),
                )
            ]
        )
    return given.year

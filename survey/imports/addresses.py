"""Address files for invitation letters: read for printing, never stored and never logged.

A CSV file (``,`` or ``;``, UTF-8 or Windows-1252, a header row) with the columns name,
street, postcode and city (Swedish headers too: namn, gatuadress/adress, postnummer,
ort/postort), an optional c/o line, and an optional number: the letter's running number,
which reminder letters need to be matched to their address. A wrong file is refused as a
whole, with line numbers; the messages name lines and columns, never what a cell holds (an
address is personal data).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from . import ImportRefused, decode_text, sniff_separator
from .crime_rows import quoted

#: The longest cell accepted: an address line, not a text.
MAX_CELL = 200
#: Header names per column, folded to lower case.
COLUMNS = {
    "name": ("name", "namn"),
    "co": ("co", "c/o"),
    "street": ("street", "address", "adress", "gatuadress", "utdelningsadress"),
    "postcode": ("postcode", "postal code", "zip", "postnummer"),
    "city": ("city", "ort", "postort"),
    "number": ("number", "nummer", "löpnummer", "code number"),
}
REQUIRED = ("name", "street", "postcode", "city")
#: Each column as messages name it, in the reader's language (Swedish: namn, gatuadress, ...:
#: names the file may use).
LABELS = {
    "name": _l("name"),
    "co": _l("c/o"),
    "street": _l("street"),
    "postcode": _l("postcode"),
    "city": _l("city"),
    "number": _l("number"),
}


class AddressError(ValueError):
    """A refused address file: every problem, each naming its line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Address:
    """One letter's address, as printed in the envelope window."""

    lines: tuple[str, ...]
    #: The letter's running number, if the file gives one.
    number: int | None = None


def _header(names: list[str]) -> tuple[dict[str, int], list[str]]:
    known = ", ".join(str(label) for label in LABELS.values())
    columns = [
        next((key for key, aliases in COLUMNS.items() if raw.strip().lower() in aliases), None)
        for raw in names
    ]
    if not any(columns):
        # No name known: a file without its header row, whose first line is someone's address
        # (which no message may repeat).
        return {}, [
            _("line 1 is not a header row: name the columns on it (%(names)s)", names=known)
        ]
    found: dict[str, int] = {}
    problems = []
    for index, (raw, column) in enumerate(zip(names, columns, strict=True)):
        if column is None:
            problems.append(
                _(
                    "line 1: column %(k)d is called “%(v)s”, not a name known here",
                    k=index + 1,
                    v=quoted(raw.strip()),
                )
            )
        elif column in found:
            problems.append(_("line 1: the column %(c)s appears twice", c=LABELS[column]))
        else:
            found[column] = index
    problems += [
        _("line 1: the column %(c)s is missing", c=LABELS[c]) for c in REQUIRED if c not in found
    ]
    if problems:
        problems.append(_("The columns are: %(names)s.", names=known))
    return found, problems


def read_addresses(data: bytes, limit: int, need_numbers: bool = False) -> list[Address]:
    """Parse an address file; raise AddressError listing the problems (by line) if any."""
    # Swedish Excel's "CSV (semicolon separated)" writes Windows-1252: read it as the
    # population and response imports do, rather than refuse the file a municipality has.
    try:
        text = decode_text(data)
    except ImportRefused as exc:
        raise AddressError(exc.lines()) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise AddressError([_("line 1: the file is empty; it needs a header row")])
    delimiter = sniff_separator(lines[0])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    columns, problems = _header(rows[0])
    if need_numbers and columns and "number" not in columns:
        problems.append(
            _(
                "line 1: the column %(c)s is missing (the letter's running number)",
                c=LABELS["number"],
            )
        )
    if problems:
        raise AddressError(problems)
    # A cell's problem names its column as the file's header does ("namn", not "name").
    named = {key: rows[0][index].strip() for key, index in columns.items()}
    addresses: list[Address] = []
    numbers: dict[int, int] = {}
    seen: dict[tuple[str, ...], int] = {}  # each address as compared, and its line
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(rows[0]):
            problems.append(
                _(
                    "line %(n)d: %(k)d fields, the header has %(h)d",
                    n=line,
                    k=len(row),
                    h=len(rows[0]),
                )
            )
            continue
        cells = {key: row[index].strip() for key, index in columns.items()}
        for key in REQUIRED:
            if not cells[key]:
                problems.append(_("line %(n)d: %(c)s is empty", n=line, c=named[key]))
        for key, value in cells.items():
            if len(value) > MAX_CELL or any(ord(c) < 32 for c in value):
                problems.append(
                    _(
                        "line %(n)d: %(c)s is too long or holds control characters",
                        n=line,
                        c=named[key],
                    )
                )
        number = None
        if "number" in cells and cells["number"]:
            raw = cells["number"]
            if not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**7):
                problems.append(_("line %(n)d: number must be a whole number from 1", n=line))
            else:
                number = int(raw)
                if number in numbers:
                    problems.append(
                        _(
                            "line %(n)d: number %(k)d is on line %(m)d too",
                            n=line,
                            k=number,
                            m=numbers[number],
                        )
                    )
                numbers[number] = line
        elif need_numbers:
            problems.append(_("line %(n)d: number is empty", n=line))
        postal = f"{cells['postcode']} {cells['city']}".strip()
        parts = tuple(p for p in (cells["name"], cells.get("co", ""), cells["street"], postal) if p)
        # The same person twice gets two letters and two codes, so could answer twice. (Not
        # in a reminder's file: it follows the letters already sent, one line per number.)
        folded = tuple(" ".join(p.casefold().split()) for p in parts)
        if folded in seen and not need_numbers:
            problems.append(
                _(
                    "line %(n)d: the same name and address as line %(m)d. Remove one (each"
                    " line is a letter with a code of its own), or tell two people of the"
                    " same name apart, e.g. with “d.y.” after one name.",
                    n=line,
                    m=seen[folded],
                )
            )
        seen.setdefault(folded, line)
        addresses.append(Address(parts, number))
        if len(addresses) > limit:
            problems.append(
                ngettext(
                    "line %(n)d: more than %(num)d address",
                    "line %(n)d: more than %(num)d addresses",
                    limit,
                    n=line,
                )
            )
            break
        if len(problems) >= 20:
            problems.append(_("more problems not listed"))
            break
    if not addresses and not problems:
        problems.append(_("line 2: the file has no addresses"))
    if problems:
        raise AddressError(problems)
    return addresses

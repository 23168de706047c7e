"""Files and feeds in (responses, crime CSVs, police events), all or nothing.

What every importer shares lives here: the refusal that lists a file's errors, the list that
collects them in file order, the one way a file's lines are decoded as UTF-8 (and a small
file's text, UTF-8 or Windows-1252), the one guess at a CSV's separator, and the checksums that
recognise a file imported before. Plain Python (and Flask-Babel for the messages, in the
language of the request or of the command's ``--lang``): the CLI imports this module to catch
a refusal without loading any importer.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

#: How many errors a refused file lists; the rest are only counted.
MAX_ERRORS = 100
#: Report progress after this many lines, not after each (the bar redraws are not free).
PROGRESS_EVERY = 2048


class ImportRefused(Exception):
    """A file that is not imported, with the first errors found and how many there were."""

    def __init__(self, errors: list[str], count: int | None = None) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.count = max(count or 0, len(errors))

    def lines(self) -> list[str]:
        """The messages to show, ending with how many more were left out (in the language
        of the request or command: call it where one is chosen)."""
        more = self.count - len(self.errors)
        return self.errors + (
            [ngettext("... and %(num)d more error", "... and %(num)d more errors", more)]
            if more
            else []
        )


#: The first bytes of files that are packed, not text: a download saved compressed, a workbook
#: or an archive given for its CSV. Their bytes are "not UTF-8" too, which says nothing useful.
PACKED = {b"\x1f\x8b": "gzip", b"PK\x03\x04": "zip"}


class NotUtf8(ImportRefused):
    """A line that is not UTF-8 text; the message names the line and the byte (or, for a
    packed file, what it is: ``packed``)."""

    def __init__(self, line: int, byte: int, packed: str | None = None) -> None:
        self.line = line
        self.byte = f"{byte:#04x}"
        self.packed = packed
        # In the language of the command or the page (English without an app); the
        # responses importer words it again from ``byte`` and ``packed``.
        self.message = (
            packed_advice(packed)
            if packed
            else _(
                "the file is not UTF-8 text (byte %(byte)s cannot be read); save it as UTF-8"
                " (in Excel: CSV UTF-8) and import it again",
                byte=self.byte,
            )
        )
        super().__init__([_("line %(n)d: %(problem)s", n=line, problem=self.message)])


@dataclass
class ImportErrors:
    """Errors found in a file, each with its position (a line, an event) to sort them by."""

    found: list[tuple[int, str]] = field(default_factory=list)

    def add(self, position: int, message: str) -> None:
        self.found.append((position, message))

    def refuse(self) -> None:
        """Raise ImportRefused with the first errors in file order, if any were found."""
        if self.found:
            messages = [message for _position, message in sorted(self.found, key=lambda f: f[0])]
            raise ImportRefused(messages[:MAX_ERRORS], len(messages))


def packed_advice(packed: str) -> str:
    """What to do with a packed file (PACKED's kind), in the language of the request or
    command."""
    if packed == "gzip":
        return _("the file is compressed (gzip), not text: unpack it (gunzip) and import the text")
    return _(
        "the file is a ZIP archive or an Excel workbook, not text: save the workbook"
        " as CSV UTF-8, or unpack the archive, and import the text"
    )


def csv_problem(exc: Exception) -> str:
    """What Python's CSV reader refused, in the reader's language where it is known."""
    message = str(exc)
    if message.startswith("field larger than field limit"):
        return _(
            "a cell is longer than %(limit)s characters (a quote that is never closed takes in"
            " every line after it)",
            limit=format(csv.field_size_limit(), ",").replace(",", " "),
        )
    if message.startswith("unexpected end of data"):
        return _("the file ends inside a quoted cell: a quote is not closed")
    return message


def _from_utf16(raw: bytes) -> str | None:
    """The text of a file in UTF-16 with its byte order mark, None for any other file.

    Excel's "Unicode text" is written so (with tabs between the cells): read as UTF-8 or
    Windows-1252, every other byte is a NUL and no column has a known name.
    """
    for mark, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(mark):
            try:
                return raw[2:].decode(codec)
            except UnicodeDecodeError as exc:
                line = raw[2 : exc.start + 2].decode(codec, "replace").count("\n") + 1
                raise ImportRefused(
                    [
                        _(
                            "line %(n)d: the file is neither UTF-8 nor Latin-1 text; save it as"
                            " UTF-8",
                            n=line,
                        )
                    ]
                ) from exc
    return None


def utf8_bytes(raw: bytes) -> bytes:
    """A file's bytes, in UTF-8 where they were UTF-16 with a byte order mark (Excel's
    "Unicode text"), else as they are: for importers that read UTF-8 line by line."""
    text = _from_utf16(raw)
    return raw if text is None else text.encode("utf-8")


def decode_text(raw: bytes) -> str:
    """A small file's text: UTF-8 (with or without BOM), else Windows-1252, which Swedish
    Excel's "CSV (semicolon separated)" and Statistics Sweden's older exports are written in.

    Raises ImportRefused for a packed file (what it is) and for bytes neither can read (the
    line).
    """
    if packed := next((kind for head, kind in PACKED.items() if raw.startswith(head)), None):
        raise ImportRefused([packed_advice(packed)])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if (text := _from_utf16(raw)) is not None:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            [_("line %(n)d: the file is neither UTF-8 nor Latin-1 text; save it as UTF-8", n=line)]
        ) from exc


def sniff_separator(header: str) -> str:
    """A CSV's separator, from its header line: the most frequent of ';', ',' and tab (',' if
    none: a file of one column)."""
    counts = {mark: header.count(mark) for mark in (";", ",", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _ignore(_bytes: int) -> None:
    pass


def decoded_lines(
    raw_lines: Iterable[bytes], advance: Callable[[int], Any] | None = None
) -> Iterator[str]:
    """Decode a file's lines one by one, so that bytes that are not UTF-8 name their line.

    ``advance`` is told how many bytes were read, every PROGRESS_EVERY lines and at the end.
    Raises NotUtf8 at the first line that is not UTF-8 text.
    """
    advance = advance or _ignore
    pending = 0
    start = b""
    for number, raw in enumerate(raw_lines, start=1):
        if number == 1:
            start = raw[:4]
        try:
            # A byte-order mark is allowed only where it belongs, at the very start.
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            # A packed file's first line may decode (a ZIP's often does): its start tells.
            packed = next((kind for head, kind in PACKED.items() if start.startswith(head)), None)
            raise NotUtf8(1 if packed else number, raw[exc.start], packed) from exc
        pending += len(raw)
        if number % PROGRESS_EVERY == 0:
            advance(pending)
            pending = 0
        yield line
    advance(pending)


def file_checksums(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The SHA-256 of a file's content and of its bytes.

    The content's leaves out what saving the same rows again changes: Windows line ends
    (Excel's "CSV UTF-8" writes CRLF), a UTF-8 byte order mark and empty lines at the end.
    Batches imported before it was kept have the bytes' checksum.
    """
    content, raw = hashlib.sha256(), hashlib.sha256()
    empty = 0  # empty lines not yet hashed: they count only if a line follows
    with open(path, "rb") as stream:
        for number, line in enumerate(stream):
            raw.update(line)
            text = line.rstrip(b"\r\n")
            if number == 0:
                text = text.removeprefix(b"\xef\xbb\xbf")
            if not text:
                empty += 1
                continue
            content.update(b"\n" * empty + text + b"\n")
            empty = 0
    return content.hexdigest(), raw.hexdigest()

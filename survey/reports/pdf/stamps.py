"""Fast pages for print runs: text laid out once and stamped, QR codes drawn as one path.

A print run of letters repeats the same paragraphs on every page; only the number, the
address, the code and its QR code change. fpdf2 breaks a paragraph into lines character by
character (and shapes it, right to left), which is most of a letter's time. ``Stamps`` draws
such a block once, keeps the bytes it wrote into the page's content stream, and appends those
bytes to every later page that draws the same block from the same place: the same operators,
fonts and glyphs, so the same page, without laying it out again. A QR code is drawn as one
filled path of its dark runs instead of an image to encode, decode and compress per letter.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import segno
from fpdf import FPDF
from fpdf.enums import PDFResourceType
from fpdf.output import ResourceCatalog

#: Light modules around a QR code, as the images had (segno's ``border=2``).
QUIET_ZONE = 2

#: One of the eight masks every reader decodes, fixed: choosing the best per code (the
#: standard's penalty score) was 80 % of a letter's QR time, 3 ms a letter, and for our
#: addresses (the same 30 first characters) mask 3 scores on average 2 %, at worst 20 %,
#: above the best of the eight (300 random codes).
MASK = 3

T = TypeVar("T")


@dataclass(frozen=True)
class _Stamp:
    #: What the block wrote into the page's content stream, in its own q ... Q.
    operators: bytes
    #: The fonts it uses (their numbers), which each page's resources must name.
    fonts: frozenset[int]
    #: Where the block left the cursor.
    end: tuple[float, float]
    #: What the block returned (e.g. where it left room for the code).
    value: Any


class Stamps:
    """Blocks drawn once per document and stamped onto later pages."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.stamps: dict[tuple[Hashable, float, float], _Stamp] = {}

    def draw(self, key: Hashable, block: Callable[[], T]) -> T:
        """Draw ``block`` (which must draw the same thing each time for ``key``) or stamp it.

        The block runs in its own graphics state (fpdf2's ``local_context``, q ... Q in the
        stream), so what it sets (font, colour) leaves no trace on what follows, whether it was
        drawn or stamped.
        """
        pdf = self.pdf
        where = (key, round(pdf.get_x(), 3), round(pdf.get_y(), 3))
        stamp = self.stamps.get(where)
        if stamp is None:
            contents = pdf.pages[pdf.page].contents
            start = len(contents)
            with pdf.local_context():
                value = block()
            operators = bytes(contents[start:]).rstrip(b"\n")
            fonts = frozenset(
                int(found.group(1))
                for found in ResourceCatalog.FONT_REGEX.finditer(operators.decode("latin-1"))
            )
            self.stamps[where] = _Stamp(operators, fonts, (pdf.get_x(), pdf.get_y()), value)
            return value
        pdf._out(stamp.operators)  # noqa: SLF001 (fpdf2's one way into the content stream)
        for font in stamp.fonts:
            pdf._resource_catalog.add(PDFResourceType.FONT, font, pdf.page)  # noqa: SLF001
        pdf.set_xy(*stamp.end)
        return stamp.value  # type: ignore[no-any-return]


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction M) ``size`` mm wide, quiet zone included, at ``x``, ``y``.

    One path of rectangles, a run of dark modules each, filled black in one operation.
    """
    matrix = segno.make(data, error="m", mask=MASK).matrix
    module = size / (len(matrix) + 2 * QUIET_ZONE)
    k, height = pdf.k, pdf.h
    side = module * k
    runs = []
    for row, modules in enumerate(matrix):
        top = height - (y + (row + QUIET_ZONE + 1) * module)
        column = 0
        width = len(modules)
        while column < width:
            if not modules[column]:
                column += 1
                continue
            end = column
            while end < width and modules[end]:
                end += 1
            left = x + (column + QUIET_ZONE) * module
            runs.append(f"{left * k:.2f} {top * k:.2f} {(end - column) * side:.2f} {side:.2f} re")
            column = end
    pdf._out("q 0 g " + " ".join(runs) + " f Q")  # noqa: SLF001 (see Stamps.draw)

"""The report's fonts, parsed once per process and given to each document fresh.

fpdf2's ``add_font`` reads a TTF file's metrics (character map, glyph widths and ids, glyph
names) for every document: about a tenth of a second per file, three files per report. A
server that makes many reports reads them once here; each document gets a copy with its
own state: the glyphs it uses (its subset), its font descriptor, and its own fontTools font,
opened lazily, because fpdf2 cuts that font down to the document's glyphs when it writes it.

Each document's font also measures text faster: fpdf2 breaks a line by measuring it again
after each added character (the whole line so far, character by character), so a paragraph
costs the square of its length. ``MeasuredFont`` remembers the widths it has measured, in
the font's whole units, and measures a line one character longer than a remembered one by
adding that character: the same integer sums, so the same layout and the same bytes.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

#: (file, style) -> the font as first parsed; never written into a document itself.
_parsed: dict[tuple[Path, str], TTFFont] = {}
_parsing = threading.Lock()


#: Remembered widths per document and font, at most (then it starts again).
MEASURED_TEXTS = 50_000


class MeasuredFont(TTFFont):
    """A document's TTF font that measures a text once, and a text one character longer by
    adding that character (fpdf2's own arithmetic, in whole font units, so results agree)."""

    def __init__(self, template: TTFFont) -> None:
        """Copy a parsed font's fields (no parse): the caller replaces the per-document ones."""
        for slot in TTFFont.__slots__:
            if hasattr(template, slot):
                setattr(self, slot, getattr(template, slot))
        self.units: dict[str, int] = {}

    def get_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        """Width of ``text`` as fpdf2 measures it: (characters, width in points)."""
        if text_shaping_params or self.is_symbol:
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        if font_size_pt > self.biggest_size_pt:
            self.biggest_size_pt = font_size_pt
        return len(text), self._units(text) * font_size_pt * 0.001

    def _units(self, text: str) -> int:
        units = self.units.get(text)
        if units is None:
            shorter = self.units.get(text[:-1]) if text else None
            if shorter is None:
                units = sum(self.cw[ord(c)] for c in text)
            else:
                units = shorter + self.cw[ord(text[-1])]
            if len(self.units) >= MEASURED_TEXTS:
                self.units.clear()
            self.units[text] = units
        return units


def _template(pdf: FPDF, family: str, style: str, path: Path) -> TTFFont:
    with _parsing:
        font = _parsed.get((path, style))
        if font is None:
            font = TTFFont(pdf, path, f"{family.lower()}{style}", style)
            # Its metrics are read; documents open the file themselves.
            font.ttfont.close()
            _parsed[(path, style)] = font
        return font


def add_parsed_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """Add a TTF font to ``pdf`` as ``add_font`` does, parsing the file once per process."""
    fontkey = f"{family.lower()}{style}"
    template = _template(pdf, family, style, path)
    font = MeasuredFont(template)
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.ttfont = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
    # Written into while the document is made (widths of missing characters, the
    # descriptor's name and file), so each document has its own.
    font.cw = copy.copy(template.cw)
    font.desc = copy.copy(template.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # noqa: SLF001 (HarfBuzz's view of this document's font, made on use)
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font

"""Numbers and names inside right-to-left text (Arabic, Persian), for every drawn or printed text.

The PDF (pdf.layout.Report), the share pictures (share) and the charts (charts) lay out text
with the Unicode bidirectional algorithm (fpdf2 with HarfBuzz, matplotlib with libraqm), which
keeps an isolated run in its own order: these helpers add the isolates, as <bdi> does on the web.
"""

from __future__ import annotations

import re

#: A number range in Latin digits ("16–24", "06:00–15:00") not already isolated. Its dash is
#: a neutral character: inside right-to-left text the bidirectional algorithm sets the two
#: numbers as separate runs in right-to-left order, "24–16".
NUMBER_RANGE = re.compile(
    r"(?<![0-9\u2066])[0-9]+(?:[:.,][0-9]+)*(?:\s?[-‐‑‒–—−]\s?[0-9]+(?:[:.,][0-9]+)*)+(?![0-9])"
)
#: Left-to-right isolate (LRI), first strong isolate (FSI: the direction of its first letter)
#: and pop directional isolate (PDI).
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"


def ranges_isolated(text: str) -> str:
    """Every number range in Latin digits as one left-to-right run (LRI "18–22" PDI).

    The catalogs and the questionnaire isolate the ranges they know of; a range typed without
    the marks (a round's name, a new questionnaire version, a translation that lost them) is
    isolated here. Ranges in Arabic-Indic digits are left alone: those read right to left.
    """
    return NUMBER_RANGE.sub(lambda found: LRI + found.group() + PDI, text)


def isolated(value: str, rtl: bool) -> str:
    """A name set into right-to-left words, kept in its own order ("[DEMO] Trygghetsmätning")."""
    return FSI + value + PDI if rtl and value else value


def italic(rtl: bool) -> str:
    """matplotlib's italic style, upright right to left: DejaVu Sans Oblique has no Arabic
    letters (drawn as empty boxes), as in the PDF (pdf.layout.Report)."""
    return "normal" if rtl else "italic"

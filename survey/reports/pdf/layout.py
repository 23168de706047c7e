"""The report's page layout and the words and numbers every section prints the same way."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
from flask import current_app, has_app_context, has_request_context
from flask_babel import gettext as _
from fpdf import FPDF, FontFace
from fpdf.enums import MethodReturnValue
from PIL import Image

from ... import i18n, labels
from ...questionnaire import builtin, text
from ...web.urls import absolute_url
from ..directions import isolated, ranges_isolated
from ..figures import hidden_words
from .fonts import add_parsed_font

# matplotlib ships DejaVu Sans, which has å, ä, ö and the other Nordic letters.
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
#: Usable width of the page in mm (A4 minus the margins).
WIDTH = 180
HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
#: A table cell's padding on its left and right, mm.
TABLE_PADDING = 1.2
MUTED = (80, 80, 80)


def percent(share: float) -> str:
    """A share as a whole percentage in the report's language: "40 %" or "40%"."""
    return i18n.percent(share)


def hidden(cell: dict[str, Any] | None) -> bool:
    """Whether a figure is hidden: then neither it nor its count is printed."""
    return bool(cell and cell.get("suppressed"))


def share_text(
    cell: dict[str, Any] | None, key: str = "share", threshold: int | None = None
) -> str:
    """ "40 % (36–44)" with the 95 % interval, or "too few answers" for a hidden figure (given
    the ``threshold``, one hidden although it rests on enough answers says so)."""
    if not cell or cell.get("suppressed") or cell.get(key) is None:
        return hidden_words([cell], threshold)
    text = percent(cell[key])
    if cell.get("ci"):
        low, high = cell["ci"]
        text += f" ({i18n.points(low)}–{i18n.points(high)})"
    return text


def number(value: float, pattern: str = "0.00") -> str:
    """A number in the report's language (decimal comma and − in Swedish)."""
    return i18n.format_decimal(value, pattern)


#: Quotation marks an organizer may have typed around a quote: the report sets its own.
TYPED_MARKS = '"“”„«»'


def quoted(words: str) -> str:
    """A resident's words in the language's quotation marks: ”…” in Swedish, “…” in English."""
    words = words.strip().strip(TYPED_MARKS).strip()
    return _("“%(quote)s”", quote=words) if words else ""


def weights(picture: dict[str, Any]) -> dict[str, str]:
    """The priority weights as printed: s (survey), d (dialogues) and c (crime)."""
    w = picture["priority_weights"]
    return {
        "s": number(w["survey"], "0.0#"),
        "d": number(w["dialogue"], "0.0#"),
        "c": number(w["crime"], "0.0#"),
    }


class Report(FPDF):
    """The page layout: a running footer, headings, paragraphs and tables."""

    def __init__(self, footer_text: str = "", demo: bool = False, rtl: bool = False) -> None:
        super().__init__(format="A4")
        #: Right to left (Arabic, Persian): text shaped by HarfBuzz, lines start at the right.
        self.rtl = rtl
        add_parsed_font(self, "DejaVu", "", FONTS / "DejaVuSans.ttf")
        add_parsed_font(self, "DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        # DejaVu Sans Oblique has no Arabic letters: right to left, "italic" is upright.
        italic = "DejaVuSans.ttf" if rtl else "DejaVuSans-Oblique.ttf"
        add_parsed_font(self, "DejaVu", "I", FONTS / italic)
        if rtl:
            # Joined letter forms and the Unicode bidirectional algorithm (digits and Latin
            # words inside Arabic text keep their own order); needs uharfbuzz.
            self.set_text_shaping(use_shaping_engine=True)
        self.set_font("DejaVu", size=10)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=16)
        self.footer_text = footer_text
        self.demo = demo
        #: Whether output() writes "Page n of N" at the foot of every page.
        self.numbered = True
        # No "{nb}" alias: fpdf2 lays a line out with the width of "000" in its place, so a
        # shorter total left a gap (before it right to left, after it left to right). The
        # total is written when it is known (number_pages); "{nb}" typed in a name stays.
        self.alias_nb_pages("")

    def normalize_text(self, text: str) -> str:
        """Right to left, every number range in Latin digits as one left-to-right run.

        The texts isolate the ranges they know of (LRI "06–15" PDI, as on the web), and fpdf2's
        bidirectional algorithm keeps an isolated run in reading order; a range typed without
        the marks is isolated here (directions.ranges_isolated, as on the share pictures and
        the charts).
        """
        return super().normalize_text(ranges_isolated(text) if self.rtl else text)

    def isolated(self, value: str) -> str:
        """A name, address or number set into a sentence, kept in its own direction.

        Right to left, "Contact 114 14." would print the digit groups in the sentence's order,
        "14 114", and a round "2026 höst" as "höst 2026"; isolated (FSI ... PDI, as an HTML
        <bdi> element), each value reads as typed.
        """
        return isolated(value, self.rtl)

    @property
    def start(self) -> str:
        """Where a line of text starts: "L", or "R" right to left."""
        return "R" if self.rtl else "L"

    def mx(self, x: float, width: float = 0) -> float:
        """A left edge at ``x`` of something ``width`` wide, mirrored on the page right to left."""
        return self.w - x - width if self.rtl else x

    def header(self) -> None:
        """On every page what the report is for; from demo data, a banner saying so too."""
        self.set_font("DejaVu", "B", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, internal_note(), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.set_font("DejaVu", size=10)
        if not self.demo:
            return
        self.set_font("DejaVu", "B", 9)
        self.set_fill_color(255, 244, 204)
        self.cell(
            0,
            7,
            _("DEMO: invented demo data, not real answers"),
            border=1,
            fill=True,
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.ln(2)
        self.set_font("DejaVu", size=10)

    def output(self, *args: Any, **kwargs: Any) -> Any:
        """Write the document, then close the font files fontTools keeps open for it."""
        try:
            if not self.buffer:
                if self.page == 0:
                    self.add_page()
                if self.numbered:
                    self.number_pages()
            return super().output(*args, **kwargs)
        finally:
            self.close_fonts()

    def close_fonts(self) -> None:
        """Close the font files fontTools keeps open (lazily read) for this document."""
        for font in self.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, self.footer_text, align=self.start)
        self.set_text_color(0)

    def number_pages(self) -> None:
        """Write "Page n of N" at the foot of each page, now that N is known."""
        last, total = self.page, self.pages_count
        self.in_footer = True  # at the foot, below the page break: no new page
        for n in range(1, total + 1):
            self.page = n
            # Each page's own graphics state (q ... Q), with the font and colour set again:
            # its stream ends in whatever state the page was left in.
            with self.local_context(fill_color=self.fill_color):
                self.current_font_is_set_on_page = False
                self.set_font("DejaVu", size=8)
                self.set_text_color(*MUTED)
                self.set_xy(self.l_margin, self.h - 12)
                page = _("Page %(n)d of %(total)s", n=n, total=str(total))
                self.cell(0, 6, page, align="L" if self.rtl else "R")
        self.in_footer = False
        self.page = last

    def heading(self, text: str, size: float = 13, space: float = 3) -> None:
        """A heading kept together with at least a few lines of what follows it."""
        if self.heading_breaks():
            self.add_page()
        self.ln(space)
        self.set_font("DejaVu", "B", size)
        align = "R" if self.rtl else "J"
        self.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)
        self.set_font("DejaVu", size=10)

    def heading_breaks(self) -> bool:
        """Whether a heading here starts a new page (too little room left after it)."""
        return self.get_y() > self.h - 55

    def heading_height(self, text: str, size: float = 13, space: float = 3) -> float:
        """How far (mm) ``heading`` moves down on this page; it draws nothing."""
        return space + self.text_height(text, size, "B", size * 0.5) + 1.5

    def paragraph(self, text: str, size: float = 10, muted: bool = False) -> None:
        self.set_font("DejaVu", size=size)
        if muted:
            self.set_text_color(*MUTED)
        # Ragged right: justified lines stretch spaces, harder to read and to search.
        self.multi_cell(0, size * 0.5, text, align=self.start, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.set_font("DejaVu", size=10)
        self.ln(1.5)

    def paragraph_height(self, text: str, size: float = 10) -> float:
        """How far (mm) ``paragraph`` moves down; it draws nothing."""
        return self.text_height(text, size, "", size * 0.5) + 1.5

    def text_height(self, text: str, size: float, style: str, line: float) -> float:
        """The height (mm) of ``text`` wrapped at the full width, measured, not drawn."""
        self.set_font("DejaVu", style, size)
        height = self.multi_cell(0, line, text, dry_run=True, output=MethodReturnValue.HEIGHT)
        self.set_font("DejaVu", size=10)
        return float(height)

    def data_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        align: Sequence[str] | None = None,
        size: float = 9,
    ) -> None:
        """A table whose header repeats on a new page; text wraps inside its cell, between
        words: a column narrower than its heading's longest word (in some language) is
        widened, at the cost of the columns with room to spare."""
        widths = self._fitted(header, widths, size)
        self.set_font("DejaVu", size=size)
        with self.table(
            col_widths=tuple(widths),
            width=WIDTH,
            text_align=tuple(align) if align else "LEFT",
            line_height=size * 0.5,
            headings_style=HEADINGS,
            borders_layout="HORIZONTAL_LINES",
            padding=(0.8, TABLE_PADDING),
        ) as table:
            table.row([str(value) for value in header])
            for row in rows:
                table.row([str(value) for value in row])
        self.set_font("DejaVu", size=10)
        self.ln(2)

    def _fitted(self, header: Sequence[str], widths: Sequence[float], size: float) -> list[float]:
        """The widths (mm, scaled to the page) with room for each heading's longest word."""
        scale = WIDTH / sum(widths)
        self.set_font("DejaVu", "B", size)
        padding = 2 * TABLE_PADDING + 0.5
        needed = [
            max((self.get_string_width(word) for word in str(text).split()), default=0) + padding
            for text in header
        ]
        fitted = [width * scale for width in widths]
        short = sum(max(0.0, n - w) for n, w in zip(needed, fitted, strict=True))
        spare = [max(0.0, w - n) for n, w in zip(needed, fitted, strict=True)]
        if not short or sum(spare) < short:
            return fitted  # nothing to do, or no room: fpdf2 breaks the word
        share = short / sum(spare)
        return [max(n, w - s * share) for n, w, s in zip(needed, fitted, spare, strict=True)]

    def room(self, height: float) -> None:
        """Start a new page unless this much height (mm) is left on the current one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def picture(self, png: bytes, alt: str, width: float = WIDTH, heading: str = "") -> None:
        """A chart (PNG) at the given width, with its heading on the same page."""
        pixels_wide, pixels_high = Image.open(io.BytesIO(png)).size
        height = width * pixels_high / pixels_wide
        self.room(height + (12 if heading else 0))
        if heading:
            self.heading(heading, space=0 if self.get_y() <= self.t_margin else 3)
        self.image(io.BytesIO(png), w=width, alt_text=alt)
        self.ln(1)


def internal_note() -> str:
    """What every page says: exact counts and dialogue notes are not for handing out."""
    return _("Internal working document – not for distribution")


def public_address(picture: dict[str, Any]) -> str:
    """Where residents read the area's follow-up, to hand out instead ("" outside the app)."""
    if not has_app_context():
        return ""
    base = current_app.config.get("TRYGGHET_BASE_URL")
    if "public.followup_area" not in current_app.view_functions:
        # The command line builds the app without its pages: the page's address as routed.
        path = f"/uppfoljning/{picture['area']}"
        return base.rstrip("/") + path if base else path
    if base or has_request_context():
        return absolute_url("public.followup_area", slug=picture["area"])
    # From the command line without TRYGGHET_BASE_URL the site's host is unknown: the path.
    return current_app.url_map.bind("").build("public.followup_area", {"slug": picture["area"]})


def option_names(code: str, locale: str) -> dict[str, str]:
    """The questionnaire's label of each answer of an item, e.g. gender "woman" -> "Kvinna"."""
    return {option.value: text(option.label, locale) for option in builtin(1).item(code).options}


def filters_text(picture: dict[str, Any], locale: str) -> str:
    """Which answers the figures are from, in words."""
    f = picture["filters"]
    parts = []
    if f.get("round_id") is not None:
        name = labels.display_name(f.get("round_name")) or str(f["round_id"])
        parts.append(_("survey round %(name)s", name=name))
    if f.get("date_from") or f.get("date_to"):
        parts.append(
            _("answers from %(a)s to %(b)s", a=f.get("date_from") or "…", b=f.get("date_to") or "…")
        )
    if f.get("gender"):
        gender = option_names("gender", locale).get(f["gender"], f["gender"])
        parts.append(_("gender: %(value)s", value=gender))
    if f.get("age_band"):
        age = option_names("age_band", locale).get(f["age_band"], f["age_band"])
        parts.append(_("age: %(value)s", value=age))
    return ", ".join(parts) if parts else _("all answers")


def generated_on(picture: dict[str, Any]) -> str:
    """The day the picture was made (its timestamp is UTC; a date is all a reader needs)."""
    return dt.datetime.fromisoformat(picture["generated_at"]).date().isoformat()

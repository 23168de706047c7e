"""The report's fonts, parsed once per process: every document still gets exactly its own."""

from __future__ import annotations

import datetime as dt
import io

from fontTools import ttLib
from fpdf import FPDF
from pypdf import PdfReader

from survey.reports.pdf.fonts import add_parsed_font
from survey.reports.pdf.layout import FONTS, Report

STYLES = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"))


def _document(words: str, parsed: bool = True) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2026, 5, 31, tzinfo=dt.UTC))
    for style, name in STYLES:
        if parsed:
            add_parsed_font(pdf, "DejaVu", style, FONTS / name)
        else:
            pdf.add_font("DejaVu", style, str(FONTS / name))
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 6, words)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 6, words.upper(), new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(30, 70)) as table:
        for place, share in (("Alvik", "40 % (36–44)"), ("Brommaplan", words)):
            table.row([place, share])
    return bytes(pdf.output())


def _embedded_glyphs(data: bytes) -> dict[str, set[str]]:
    """The glyphs of each font embedded in the PDF (fpdf2 embeds a subset)."""
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    found = {}
    for font in (ref.get_object() for ref in fonts.values()):
        descendant = font["/DescendantFonts"][0].get_object()
        stream = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        glyph_order = ttLib.TTFont(io.BytesIO(stream.get_data())).getGlyphOrder()
        found[str(font["/BaseFont"]).split("+")[-1]] = set(glyph_order)
    return found


def test_a_parsed_font_lays_out_and_writes_the_same_bytes_as_fpdfs_own():
    # Long enough to wrap over many lines, in the paragraph and in a table cell: the widths
    # it remembers must break every line where fpdf2's own measuring does.
    words = " ".join(["Trygghet på Åsö: 40 % – “kvällen”, mörkt vid gångtunneln."] * 12)
    assert _document(words) == _document(words, parsed=False)
    assert _document("x") == _document("x", parsed=False)


def test_two_documents_in_one_process_are_identical_and_valid():
    first, second = _document("Örby centrum"), _document("Örby centrum")
    assert first == second
    assert "Örby centrum" in PdfReader(io.BytesIO(second)).pages[0].extract_text()


def test_each_document_embeds_only_its_own_glyphs():
    nordic = _embedded_glyphs(_document("Åsö"))
    plain = _embedded_glyphs(_document("xyz"))
    assert {"Aring", "odieresis"} <= nordic["DejaVuSansBook"]
    assert {"x", "y", "z"} <= plain["DejaVuSansBook"]
    assert {"X", "Y", "Z"} <= plain["DejaVuSansBold"]
    for font in plain.values():
        assert not {"Aring", "odieresis", "Odieresis", "s", "S"} & font


def test_a_measured_width_is_fpdfs_width():
    pdf = FPDF()
    add_parsed_font(pdf, "DejaVu", "", FONTS / "DejaVuSans.ttf")
    own = FPDF()
    own.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    text = "Åsö – 40 %\u00a0svar"
    try:
        for end in [*range(len(text) + 1), 3, 0, len(text)]:  # growing, then remembered
            measured = pdf.fonts["dejavu"].get_text_width(text[:end], 10.5, None)
            assert measured == own.fonts["dejavu"].get_text_width(text[:end], 10.5, None)
    finally:  # never written, so their font files are closed here
        pdf.fonts["dejavu"].close()
        own.fonts["dejavu"].close()


def test_reports_share_the_parse_but_not_the_font_file():
    first, second = Report(), Report()
    try:
        assert first.fonts["dejavu"].cw == second.fonts["dejavu"].cw
        assert first.fonts["dejavu"].ttfont is not second.fonts["dejavu"].ttfont
        assert first.fonts["dejavu"].subset is not second.fonts["dejavu"].subset
        assert [font.i for font in second.fonts.values()] == [1, 2, 3]
    finally:  # never written, so their font files are closed here
        first.close_fonts()
        second.close_fonts()

"""Issue 14: the paper questionnaire in Arabic and Persian: shaped letters, right to left.

Read back with pdftotext. Its text of shaped Arabic is in reading order, with bidi control
marks around runs; NFKC folds any presentation forms back to letters. A lam-alef ligature
comes back as alef then lam, so labels with one are compared without those two letters.
A left-to-right run (a number, "16–24") comes back as drawn, left to right: a range printed
the wrong way round reads "24–16". Which of two runs stands left of the other is read from
pdftotext's word boxes (``-bbox``).
"""

from __future__ import annotations

import dataclasses
import html
import io
import itertools
import re
import shutil
import subprocess
import unicodedata

import pytest
from flask import Flask

from survey.questionnaire import Item, Option, Questionnaire, Section, builtin, text
from survey.reports.paper import Cover, write_paper
from tests.reports.test_paper import COVER

BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _normal(words: str) -> str:
    return " ".join(BIDI_MARKS.sub(" ", unicodedata.normalize("NFKC", words)).split())


def _no_lam_alef(words: str) -> str:
    """Without lam and alef, vowel marks, brackets and punctuation: pdftotext may put a
    mirrored bracket, a full stop or a question mark at the other end of a run."""
    words = "".join(c for c in words if not unicodedata.combining(c))
    return re.sub("[لاأإآ()،؛؟.!*]", "", words)


def _paper(
    app: Flask, lang: str, questionnaire: Questionnaire | None = None, cover: Cover = COVER
) -> bytes:
    out = io.BytesIO()
    with app.test_request_context():
        write_paper(questionnaire or builtin(1), cover, out, lang)
    return out.getvalue()


def _pdftotext(pdf: bytes, *options: str) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed"
    done = subprocess.run(  # noqa: S603 (a fixed tool, our own file through a pipe)
        [tool, *options, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_every_question_prints_in_shaped_script(app, lang):
    pdf = _paper(app, lang)
    found = _normal(_pdftotext(pdf))
    tokens = set(_no_lam_alef(found).split())
    for item in builtin(1).items:
        label = _normal(text(item.label, lang))
        assert any("\u0600" <= c <= "\u06ff" for c in label), item.code  # really Arabic script
        # Word by word: a long label wraps, and a grid row's number stands beside its first line.
        for word in _no_lam_alef(label).split():
            assert word in tokens, (item.code, word)
    # Labels without a lam-alef ligature come back letter for letter.
    exact = {"ar": ["أنت والمكان", "الجنس"], "fa": ["ارتباط شما با این مکان چیست؟ *", "جنسیت"]}
    for words in exact[lang]:
        assert words in found
    # Shaped: the letters are drawn joined, so the file holds no unjoined presentation of a
    # word, and the font's Arabic glyphs (not empty boxes) are embedded.
    assert b"DejaVu" in pdf


@pytest.mark.parametrize(("lang", "rtl"), [("ar", True), ("fa", True), ("en", False)])
def test_lines_start_at_the_right_in_arabic_and_persian(app, lang, rtl):
    layout = _pdftotext(_paper(app, lang), "-layout")
    label = _normal(text(builtin(1).item("gender").label, lang))
    raw = next(line for line in layout.splitlines() if label in _normal(line))
    number = f"{builtin(1).codes.index('gender') + 1}."
    assert number in raw
    # Pushed to the right margin right to left: much room before the line, at the left.
    assert (len(raw) - len(raw.lstrip()) > 60) is rtl, raw


def test_the_italic_of_arabic_text_is_an_upright_font_that_has_its_letters(app):
    # DejaVu Sans Oblique has no Arabic letters: a condition ("If you answered ...") and the
    # hints are italic on a left-to-right form and would print as empty boxes.
    pdf = _paper(app, "ar")
    assert b"DejaVuSansOblique" not in pdf
    assert b"DejaVuSansOblique" in _paper(app, "en")


def _ranges(words: str) -> list[str]:
    return re.findall(r"[0-9]+–[0-9]+", BIDI_MARKS.sub("", words))


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_number_ranges_print_in_reading_order(app, lang):
    # The age bands and times of day isolate their ranges (as on the web); right to left, a
    # range's dash is neutral and "16–24" came out "24–16" once the isolates were dropped.
    found = _ranges(_pdftotext(_paper(app, lang)))
    expected = set()
    for item in builtin(1).items:
        for texts in (item.label, *(option.label for option in item.options)):
            expected.update(_ranges(text(texts, lang)))
    assert {"06–15", "22–06", "16–24", "45–64"} <= expected
    assert expected <= set(found)
    assert not {f"{b}–{a}" for a, b in (r.split("–") for r in expected)} & set(found)


def _drawn_lines(pdf: bytes) -> list[str]:
    """Each line's words as drawn, left to right, run together (no bidi marks, no spaces)."""
    found = re.findall(
        r'<word xMin="([0-9.]+)" yMin="([0-9.]+)"[^>]*>([^<]*)</word>', _pdftotext(pdf, "-bbox")
    )
    lines: dict[float, list[tuple[float, str]]] = {}
    for left, top, word in found:
        lines.setdefault(round(float(top)), []).append((float(left), html.unescape(word)))
    return ["".join(BIDI_MARKS.sub("", w) for _, w in sorted(words)) for words in lines.values()]


def test_ranges_typed_without_marks_and_names_in_a_sentence_keep_their_order(app):
    # A new questionnaire version in Arabic, typed without isolates; a round named with its
    # year first; a telephone number as the contact.
    hours = {"sv": "Timmar", "ar": "كم ساعة تقضي هنا بين 16–24 ساعة؟"}
    item = Item("hours", "single", hours, options=(Option("a", {"sv": "A", "ar": "نعم"}),))
    section = Section("new", {"sv": "Nytt", "ar": "جديد"}, None, (item,))
    questionnaire = Questionnaire(version=7, title={"sv": "Prov"}, intro=None, sections=(section,))
    cover = dataclasses.replace(COVER, round_name="2026 höst", contact="114 14")
    pdf = _paper(app, "ar", questionnaire, cover)
    assert "16–24" in _ranges(_pdftotext(pdf))
    lines = _drawn_lines(pdf)
    assert any("2026höst" in line for line in lines)
    assert any(".11414" in line for line in lines)  # the full stop ends the sentence, at the left
    assert not any("höst2026" in line or "14114" in line for line in lines)


def _footer_words(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, the words of the line at the foot of the page: (left, right, word), in points."""
    pages = _pdftotext(pdf, "-bbox").split("<page ")[1:]
    found = []
    for page in pages:
        words = re.findall(
            r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)"[^>]*>([^<]*)</word>', page
        )
        bottom = max(float(top) for _, top, _, _ in words)
        found.append(
            sorted(
                (float(left), float(right), BIDI_MARKS.sub("", html.unescape(word)))
                for left, top, right, word in words
                if float(top) == bottom
            )
        )
    return found


@pytest.mark.parametrize(("lang", "rtl"), [("ar", True), ("fa", True), ("sv", False)])
def test_the_page_total_stands_a_space_from_its_words_at_the_margin(app, lang, rtl):
    # fpdf2's "{nb}" alias laid the line out with the width of "000": "Page 1 of 4" had a gap
    # before the 4 right to left (after it left to right, short of the margin).
    pages = _footer_words(_paper(app, lang))
    assert len(pages) >= 3
    margin = 15 * 72 / 25.4 + 72 / 25.4  # the page's margin and a cell's inner margin (1 mm)
    for n, words in enumerate(pages, start=1):
        half = [w for w in words if (w[0] < 595 / 2) is rtl]  # the page number's half
        total = half[0] if rtl else half[-1]
        assert total[2] == str(len(pages)), words
        if rtl:
            assert total[0] == pytest.approx(margin, abs=0.5)
        else:
            assert total[1] == pytest.approx(595.28 - margin, abs=0.5)
        assert str(n) in [w[2] for w in half]
        gaps = [right[0] - left[1] for left, right in itertools.pairwise(half)]
        assert max(gaps) < 3.5, (n, half)  # a space at 8 pt is 2.5 pt wide

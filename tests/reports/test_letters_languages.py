"""Invitation letters and reminders in every language of the survey; Arabic and Persian are
shaped and printed right to left, as the paper form is (read back with pdftotext)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from survey.imports.addresses import Address
from survey.reports.letters import (
    Sender,
    code_url,
    language_names,
    sender_for,
    write_letters,
    write_reminders,
)
from survey.services.invitations import Letter
from tests.common import factories
from tests.common.invitations import qr_texts
from tests.reports.test_paper_rtl import _drawn_lines, _no_lam_alef, _normal, _pdftotext

CODE = "KM7QA4XTP2"
TEXTS = ["Your personal code:", "Thank you for your help!"]


def _address(code: str, _lang: str) -> str:
    """A letter's QR address (code_url's shape), on a made-up host."""
    return f"https://x.se/k/{code}"


def _sender(lang: str) -> Sender:
    return Sender(
        asked_by="Lokalpolisområde Vällingby",
        contact="trygghet@example.se",
        area="Bromma",
        round_name="Våren 2026",
        short_url="trygghet.example.se/k",
        languages=language_names(["sv", "en", "ar", "fa", "fi", "so"], lang),
        last_day="31.1.2027",
    )


def _letters(app, lang: str) -> bytes:
    out = io.BytesIO()
    with app.test_request_context():
        write_letters(_sender(lang), [Letter(7, CODE)], _address, out, None, lang)
    return out.getvalue()


def _translated(app, lang: str, msgid: str, **values: str) -> str:
    with app.test_request_context(), force_locale(lang):
        return _(msgid, **values)


def _words(text: str) -> set[str]:
    """The words, without the colon pdftotext may put at the other end of a right-to-left run."""
    return set(_no_lam_alef(_normal(text)).replace(":", " ").split())


def _line_of(layout: str, words: str) -> str:
    return next(line for line in layout.splitlines() if _words(words) <= _words(line))


@pytest.mark.parametrize("lang", ["ar", "fa", "fi", "so"])
def test_a_letter_prints_in_each_language_of_the_survey(app, lang):
    found = _normal(_pdftotext(_letters(app, lang)))
    assert "KM7QA-4XTP2" in found  # the code in Latin letters, whatever the script around it
    for msgid in TEXTS:
        words = _translated(app, lang, msgid)
        assert words != msgid, (lang, msgid)  # the catalog has the letter's words
        assert _words(words) <= _words(found), (lang, msgid)
    title = _translated(app, lang, "How safe do you feel in %(area)s?", area="Bromma")
    assert _words(title) <= _words(found)


@pytest.mark.parametrize(("lang", "rtl"), [("ar", True), ("fa", True), ("fi", False)])
def test_arabic_and_persian_letters_run_right_to_left(app, lang, rtl):
    layout = _pdftotext(_letters(app, lang), "-layout")
    raw = _line_of(layout, _translated(app, lang, "Your personal code:"))
    # Right to left the label stands at the right margin, beside the QR code on the left.
    assert (len(raw) - len(raw.lstrip()) > 40) is rtl, raw
    raw = _line_of(layout, _translated(app, lang, "Thank you for your help!"))
    assert (len(raw) - len(raw.lstrip()) > 40) is rtl, raw


def test_a_persian_reminder_names_its_letter_by_number(app):
    out = io.BytesIO()
    with app.test_request_context():
        write_reminders(_sender("fa"), [17], out, None, "fa")
    found = _normal(_pdftotext(out.getvalue()))
    cannot = _translated(
        app,
        "fa",
        "We cannot print your code again: we do not keep it, so that no one can link your"
        " answers to you. If you no longer have the letter, contact %(contact)s.",
        contact="trygghet@example.se",
    )
    assert "trygghet@example.se" in found
    words = {w for w in _words(cannot) if not any(c.isascii() for c in w)}
    assert words
    assert words <= _words(found)


@pytest.mark.parametrize("write", [write_letters, write_reminders])
def test_names_and_numbers_in_a_right_to_left_letter_keep_their_order(app, write):
    # A telephone number as the contact and a round named with its year first, set into
    # Arabic sentences: without isolation they printed "14 114" and "höst 2026".
    sender = dataclasses.replace(_sender("ar"), contact="114 14", area="Bromma 2026 höst")
    out = io.BytesIO()
    with app.test_request_context():
        if write is write_letters:
            write(sender, [Letter(7, CODE)], _address, out, None, "ar")
        else:
            write(sender, [7], out, None, "ar")
    lines = _drawn_lines(out.getvalue())
    assert any("11414" in line for line in lines)
    assert any("Bromma2026höst" in line for line in lines)
    assert not any("14114" in line or "höst2026" in line for line in lines)


@pytest.mark.parametrize("lang", ["sv", "ar", "fa", "fi", "so"])
def test_letters_and_reminders_say_the_last_day(app, lang):
    """The round closes on a day, and a code stops working then: the letter said no date,
    and the reminder said "there is still time" without saying until when."""
    said = _translated(app, lang, "Please answer by %(date)s.", date="31.1.2027")
    assert said != "Please answer by 31.1.2027."
    reminder = io.BytesIO()
    with app.test_request_context():
        write_reminders(_sender(lang), [17], reminder, None, lang)
    for pdf in (_letters(app, lang), reminder.getvalue()):
        found = _words(_normal(_pdftotext(pdf)))
        assert _words(said) <= found, lang
    open_ended = dataclasses.replace(_sender(lang), last_day="")
    out = io.BytesIO()
    with app.test_request_context():
        write_letters(open_ended, [Letter(7, CODE)], _address, out)
    assert "31.1.2027" not in _pdftotext(out.getvalue())


def test_a_letter_has_no_page_numbers(app):
    # One letter a page: the report's "Page n of N" would count the whole print run.
    with app.test_request_context(), force_locale("sv"):
        page = _("Page %(n)d of %(total)s", n=1, total="1")
    assert page.split()[0] not in _pdftotext(_letters(app, "sv"))


@pytest.mark.parametrize("lang", ["sv", "en", "ar", "fa", "fi", "so"])
def test_a_letter_names_no_time_the_questionnaire_may_contradict(app, lang):
    """The letter said "about 5 minutes" whatever the questionnaire is (version 1 says three in
    its own introduction; a longer one more): it says a few minutes, in each language."""
    found = _normal(_pdftotext(_letters(app, lang)))
    sentence = _translated(
        app,
        lang,
        "It takes a few minutes. Your answers are anonymous: the code below lets you answer"
        " once, and it is never linked to your answers.",
    )
    assert lang == "en" or not sentence.startswith("It takes"), lang  # translated
    first = sentence.split(". ")[0].split("。")[0]
    assert _words(first) <= _words(found), (lang, first)
    assert "5" not in first
    assert not {"5", "٥", "۵"} & _words(found), lang


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_every_letter_of_a_batch_is_whole_with_its_own_number_code_and_qr(app, lang, tmp_path):
    # The text is laid out once and stamped on every later page: each page must still carry
    # all of it, and only the number, the code and the QR code differ.
    codes = ["KM7QA4XTP2", "ABCDEFGHJK", "Z9Y8X7W6V5"]
    out = io.BytesIO()
    with app.test_request_context():
        write_letters(
            _sender(lang),
            [Letter(n, code) for n, code in enumerate(codes, start=41)],
            _address,
            out,
            None,
            lang,
        )
    # Word by word (a centred code moves with its letters' widths; no direction marks).
    pages = [_normal(page).split() for page in _pdftotext(out.getvalue()).split("\f")[:3]]

    def general(words: list[str], code: str, number: int) -> list[str]:
        printed = {f"{code[:5]}-{code[5:]}": "CODE", str(number): "N"}
        return [printed.get(word, word) for word in words]

    first = general(pages[0], codes[0], 41)
    assert first.count("CODE") == 1
    assert len(first) > 100
    for page, code, number in zip(pages, codes, range(41, 44), strict=True):
        assert general(page, code, number) == first
    assert qr_texts(out.getvalue(), tmp_path) == [f"https://x.se/k/{c}" for c in codes]


@pytest.mark.parametrize(("lang", "query"), [("ar", "?lang=ar"), ("so", "?lang=so"), ("sv", "")])
def test_a_letter_s_qr_code_opens_the_survey_in_the_letter_s_language(app, lang, query, tmp_path):
    # An Arabic letter's code opened the survey in the phone's language; Swedish needs none.
    out = io.BytesIO()
    with app.test_request_context():
        write_letters(_sender(lang), [Letter(7, CODE)], code_url, out, None, lang)
    assert qr_texts(out.getvalue(), tmp_path) == [f"http://trygghet.test/k/{CODE}{query}"]
    # The short address to type stays as it is.
    assert "trygghet.example.se/k " in _normal(_pdftotext(out.getvalue())) + " "


def test_an_address_line_too_long_for_the_window_wraps_inside_it(app):
    # Short lines are set as cells (fast); one wider than the window is still wrapped.
    long_street = "Konstnärinnan Ottilia Adelborgs gata 123 lägenhet 1101 våning 4 uppgång B"
    address = Address(("Anna Andersson", long_street, "168 67 Bromma"))
    out = io.BytesIO()
    with app.test_request_context():
        write_letters(_sender("sv"), [Letter(7, CODE)], _address, out, [address])
    lines = _pdftotext(out.getvalue()).splitlines()
    start = lines.index("Anna Andersson")
    assert " ".join(lines[start + 1 : start + 3]) == long_street
    assert lines[start + 1] != long_street
    assert lines[start + 3] == "168 67 Bromma"


@pytest.mark.parametrize(
    ("lang", "written"), [("sv", "31 januari 2027"), ("fi", "31. tammikuuta 2027")]
)
def test_the_last_day_is_written_in_the_letter_s_language(app, lang, written):
    """Whatever language the admin's page is in: the letter's own."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        survey_round = factories.default_round()
        survey_round.closes_on = dt.date(2027, 1, 31)
        assert sender_for(survey_round, "Bromma", ["sv"], lang).last_day == written
        survey_round.closes_on = None
        assert sender_for(survey_round, "Bromma", ["sv"], lang).last_day == ""


def test_a_right_to_left_sender_line_that_wraps_keeps_its_words_apart(app):
    """The default sender in Arabic names Vällingby in Latin letters, and wraps: isolated as a
    whole, its first line ran "المحليةVällingbyالشرطة" together."""
    asked_by = "الشرطة السويدية في منطقة شرطة Vällingby المحلية وبلدية ستوكهولم"
    sender = dataclasses.replace(_sender("ar"), asked_by=asked_by)
    out = io.BytesIO()
    with app.test_request_context():
        write_letters(sender, [Letter(7, CODE)], _address, out, None, "ar")
    words = re.findall(r"<word [^>]*>([^<]*)</word>", _pdftotext(out.getvalue(), "-bbox"))
    assert words.count("Vällingby") == 2  # the sender line and the letter's first sentence

"""Invitation letters and reminders: A4 PDFs, one letter per code (or per unused number).

Each letter says who asks and why, the personal code, the short web address and a QR code that
opens the survey with the code filled in, the languages the survey is offered in, and the
letter's running number for the mailing house. Addresses, when given, are printed in the
envelope window and go nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING

from babel import Locale
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import text_direction
from ..imports.addresses import Address
from ..services.invitations import Letter, format_code
from .pdf.layout import MUTED, Report
from .pdf.stamps import Stamps, draw_qr

if TYPE_CHECKING:
    from ..models import SurveyRound

#: A C5/C4 window envelope: the address sits 20 mm from the left, 45 mm from the top.
WINDOW_X, WINDOW_Y, WINDOW_W = 20, 45, 85
#: Where the letter's text starts, below the address window.
BODY_Y = 90
NUMBER_LINE = 4.5
QR_SIZE = 38
LEFT = 20
WIDTH = 170
#: The code and how to use it, beside the QR code.
BESIDE = WIDTH - QR_SIZE - 6


@dataclass(frozen=True)
class Sender:
    """Who asks, for where, in which round, and where to ask questions."""

    asked_by: str
    contact: str
    area: str
    round_name: str
    #: The short address residents type, e.g. trygghet.example.se/k.
    short_url: str
    #: The survey's languages, each named in the letter's language.
    languages: tuple[str, ...]
    #: The round's last day, written in the letter's language ("31 januari 2027"), or "".
    last_day: str = ""


def language_names(codes: Sequence[str], locale: str) -> tuple[str, ...]:
    """Language codes named in the letter's language (Swedish first, then by name)."""
    named = []
    for code in codes:
        try:
            named.append((code != "sv", Locale.parse(code).get_display_name(locale) or code))
        except ValueError:
            named.append((True, code))
    return tuple(name for _first, name in sorted(named))


class LetterPdf(Report):
    """The report's fonts and right-to-left shaping (Arabic, Persian), without its running
    header and footer: a letter draws its own."""

    def __init__(self, title: str, locale: str) -> None:
        super().__init__(rtl=text_direction(locale) == "rtl")
        self.set_margins(LEFT, 15, 20)
        self.set_auto_page_break(auto=False)
        self.numbered = False  # one letter a page: no "page 57 of 300"
        self.set_title(title)
        self.set_lang(locale)
        self.set_creator("Trygghet")
        self.set_creation_date(dt.datetime.now(dt.UTC))

    def in_text(self, sender: Sender) -> Sender:
        """The sender's names, contact and address as set into sentences: right to left each
        is isolated (Report.isolated), so "114 14" or "2026 höst" keep their order."""
        own = self.isolated
        return replace(
            sender,
            asked_by=own(sender.asked_by),
            contact=own(sender.contact),
            area=own(sender.area),
            round_name=own(sender.round_name),
            short_url=own(sender.short_url),
            last_day=own(sender.last_day),
        )

    def header(self) -> None:
        pass

    def footer(self) -> None:
        pass

    def passage(self, words: str, size: float = 10.5, bold: bool = False, gap: float = 2) -> None:
        """A paragraph across the letter, from the side its language starts on."""
        self.set_font("DejaVu", "B" if bold else "", size)
        self.set_x(self.mx(LEFT, WIDTH))
        self.multi_cell(WIDTH, size * 0.5, words, align=self.start, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def top(self, sender: Sender) -> None:
        """The sender line and the area, at the other end of the line from the sender.

        Given as typed, not isolated (in_text): each stands on its own lines, and right to
        left an isolate that wraps ran its first line's words together ("المحليةVällingby").
        """
        self.set_font("DejaVu", "B", 10)
        self.set_xy(self.mx(LEFT, 110), 15)
        self.multi_cell(110, 5, sender.asked_by, align=self.start)
        self.set_font("DejaVu", "", 9)
        self.set_xy(self.mx(LEFT + WIDTH - 55, 55), 15 + NUMBER_LINE)
        self.multi_cell(55, NUMBER_LINE, sender.area, align=self.end)

    def own_parts(self, sender: Sender, number: int, address: Address | None) -> None:
        """What differs from letter to letter but the code: the number, top and foot, and
        the address in the envelope's window."""
        self.set_font("DejaVu", "", 9)
        self.set_xy(self.mx(LEFT + WIDTH - 55, 55), 15)
        self.line_of(55, NUMBER_LINE, _("Letter number %(number)d", number=number), self.end)
        if address is not None:
            # Where the envelope's window is, whichever way the letter is written.
            self.set_font("DejaVu", "", 10.5)
            self.set_xy(WINDOW_X, WINDOW_Y)
            for line in address.lines:
                self.line_of(WINDOW_W, 5, line, "L")
        self.mailing_footer(sender, number)

    def line_of(self, width: float, height: float, words: str, align: str) -> None:
        """A line of text, wrapped only if it does not fit: a cell costs far less than a
        paragraph, which fpdf2 breaks into lines character by character."""
        if self.get_string_width(words) <= width - 2 * self.c_margin:
            self.cell(width, height, words, align=align, new_x="LEFT", new_y="NEXT")
        else:
            self.multi_cell(width, height, words, align=align, new_x="LEFT", new_y="NEXT")

    @property
    def end(self) -> str:
        """The other end of a line from where it starts."""
        return "L" if self.rtl else "R"

    def mailing_footer(self, sender: Sender, number: int) -> None:
        """For the mailing house: the round, the area and the letter's number."""
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*MUTED)
        self.set_xy(self.mx(LEFT, WIDTH), 282)
        line = f"{sender.round_name} · {sender.area} · " + _(
            "letter number %(number)d", number=number
        )
        self.cell(WIDTH, 4, line, align=self.start)
        self.set_text_color(0)


def _languages_line(sender: Sender) -> str:
    return _("You can answer in: %(languages)s.", languages=", ".join(sender.languages))


def _last_day(pdf: LetterPdf, sender: Sender) -> None:
    """The day the round closes, when it has one: a code does not work after it."""
    if sender.last_day:
        pdf.passage(_("Please answer by %(date)s.", date=sender.last_day), bold=True)


def _invitation_body(pdf: LetterPdf, sender: Sender) -> float:
    """The letter's text, with room for the code and its QR code; returns where they go."""
    pdf.passage(_("How safe do you feel in %(area)s?", area=sender.area), size=16, bold=True)
    pdf.passage(
        _(
            "%(asked_by)s want to know how safe residents feel in %(area)s, and what"
            " problems they see. You are one of the residents we chose at random and"
            " are writing to. Your answers help decide what we do in the area.",
            asked_by=sender.asked_by,
            area=sender.area,
        )
    )
    pdf.passage(
        _(
            "It takes a few minutes. Your answers are anonymous: the code below lets"
            " you answer once, and it is never linked to your answers."
        )
    )
    _last_day(pdf, sender)
    top = pdf.get_y() + 2
    pdf.set_xy(pdf.mx(LEFT, BESIDE), top)
    pdf.set_font("DejaVu", "", 10.5)
    pdf.multi_cell(BESIDE, 5.5, _("Your personal code:"), align=pdf.start)
    pdf.set_xy(pdf.mx(LEFT, BESIDE), top + 21)
    pdf.multi_cell(
        BESIDE,
        5.5,
        _(
            "Go to %(url)s and type the code, or scan the QR code with your phone.",
            url=sender.short_url,
        ),
        align=pdf.start,
        new_x="LMARGIN",
    )
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 5)
    pdf.passage(_languages_line(sender))
    pdf.passage(
        _(
            "Would you rather answer on paper? Ask for a paper form: %(contact)s."
            " Write the code on it.",
            contact=sender.contact,
        )
    )
    pdf.passage(_("Questions about the survey? Contact %(who)s.", who=sender.contact))
    pdf.passage(_("Thank you for your help!"), bold=True)
    return top


def write_letters(
    sender: Sender,
    letters: Sequence[Letter],
    code_url: Callable[[str, str], str],
    stream: IO[bytes],
    addresses: Sequence[Address] | None = None,
    locale: str = "sv",
) -> None:
    """One invitation letter per code; ``addresses`` (as many as codes) go in the window.

    ``code_url(code, locale)``: the address its QR code leads to, in the letter's language.
    """
    with force_locale(locale):
        pdf = LetterPdf(_("Invitation: %(area)s", area=sender.area), locale)
        plain, sender = sender, pdf.in_text(sender)
        stamps = Stamps(pdf)
        for index, letter in enumerate(letters):
            pdf.add_page()
            # Everything but the number, address and code is the same on every letter: laid
            # out once, then stamped (see Stamps).
            stamps.draw("top", lambda: pdf.top(plain))
            pdf.set_xy(pdf.mx(LEFT, WIDTH), BODY_Y)
            top = stamps.draw("body", lambda: _invitation_body(pdf, sender))
            pdf.own_parts(sender, letter.number, addresses[index] if addresses else None)
            url = code_url(letter.code, locale)
            draw_qr(pdf, url, pdf.mx(LEFT + WIDTH - QR_SIZE, QR_SIZE), top, QR_SIZE)
            pdf.set_xy(pdf.mx(LEFT, BESIDE), top + 5.5)
            pdf.set_font("DejaVu", "B", 22)
            pdf.cell(BESIDE, 13, format_code(letter.code), border=1, align="C")
        stream.write(bytes(pdf.output()))


def _reminder_opening(pdf: LetterPdf, sender: Sender) -> None:
    pdf.passage(_("A reminder: how safe do you feel in %(area)s?", area=sender.area), 16, True)
    pdf.passage(
        _(
            "Some weeks ago we sent you a letter with a personal code, asking how safe"
            " you feel in %(area)s. If you have already answered: thank you, and"
            " please disregard this reminder.",
            area=sender.area,
        )
    )


def _reminder_closing(pdf: LetterPdf, sender: Sender) -> None:
    _last_day(pdf, sender)
    pdf.passage(
        _(
            "We cannot print your code again: we do not keep it, so that no one can"
            " link your answers to you. If you no longer have the letter, contact"
            " %(contact)s.",
            contact=sender.contact,
        )
    )
    pdf.passage(_languages_line(sender))
    pdf.passage(_("Thank you for your help!"), bold=True)


def write_reminders(
    sender: Sender,
    numbers: Sequence[int],
    stream: IO[bytes],
    addresses: dict[int, Address] | None = None,
    locale: str = "sv",
) -> None:
    """One reminder per unused letter number: "use the code in the letter you got".

    Codes are stored only as hashes, so a reminder cannot print the code again: it names the
    first letter by its number, which is also printed on that letter.
    """
    with force_locale(locale):
        pdf = LetterPdf(_("Reminder: %(area)s", area=sender.area), locale)
        plain, sender = sender, pdf.in_text(sender)
        stamps = Stamps(pdf)
        for number in numbers:
            pdf.add_page()
            stamps.draw("top", lambda: pdf.top(plain))
            pdf.set_xy(pdf.mx(LEFT, WIDTH), BODY_Y)
            stamps.draw("opening", lambda: _reminder_opening(pdf, sender))
            pdf.passage(
                _(
                    "If not, there is still time. Use the code in the letter you got (letter"
                    " number %(number)d): go to %(url)s and type the code, or scan the QR code"
                    " on that letter.",
                    number=number,
                    url=sender.short_url,
                )
            )
            # Stamped by where the numbered paragraph ended (a longer number may wrap it).
            stamps.draw("closing", lambda: _reminder_closing(pdf, sender))
            pdf.own_parts(sender, number, addresses.get(number) if addresses else None)
        stream.write(bytes(pdf.output()))


def sender_for(survey_round: SurveyRound, area_name: str, languages: Sequence[str], locale: str):
    """The sender block from the config (who asks, the contact), the site's address and the
    round's name and last day.

    Needs a request context (or TRYGGHET_BASE_URL) for the addresses.
    """
    from .. import labels
    from ..dates import format_date
    from ..public.about import about
    from ..web.urls import absolute_url

    with force_locale(locale):
        info = about()
        short = absolute_url("public.invitation_code").split("://", 1)[-1]
        return Sender(
            asked_by=info.asked_by,
            contact=info.contact,
            area=area_name,
            round_name=labels.display_name(survey_round.name),
            short_url=short,
            languages=language_names(languages, locale),
            last_day=format_date(survey_round.closes_on, "long") if survey_round.closes_on else "",
        )


def code_url(code: str, locale: str) -> str:
    """The address in a letter's QR code: the survey with the code filled in, in the
    letter's language (the short address printed to be typed stays as it is)."""
    from ..web.urls import absolute_url, printed_language

    return absolute_url("public.invitation_link", typed=code, **printed_language(locale))

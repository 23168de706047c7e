"""The paper questionnaire: a printable A4 PDF of the questionnaire for a place or an area.

Built from the questionnaire data, item by item in the key-in page's order and numbered, so a
new version prints without a code change. Each item type has a renderer (``RENDERERS``); a
type this module does not know yet prints as a box to write in, never as an error. A skip
condition prints before its item ("If you answered “Yes” to question 14:"). Every page has a
box for the number the form gets when it is keyed in.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import i18n, labels
from ..models import Area, Place, SurveyRound
from ..questionnaire import Item, Questionnaire, Section, builtin, text
from ..services.responses import find_place, next_round, open_round
from ..web.urls import absolute_url, printed_language
from .paper_items import LEFT, LINE, RENDERERS, Writer, on_paper, print_runs, tick_boxes
from .pdf.layout import MUTED, WIDTH, Report

__all__ = ["RENDERERS", "Cover", "PaperError", "Target", "find_target", "form_url", "write_paper"]

#: Languages written right to left: their forms are shaped (HarfBuzz) and mirrored.
RTL_LANGUAGES = ("ar", "fa")

QR_SIZE = 34


class PaperError(ValueError):
    """A place, area or round no paper form can be made for; the message says why.

    ``wrong`` is what to choose again: "where" (the place or area) or "round"; ``status`` is
    404 when the place, area or round asked for does not exist, else 400.
    """

    def __init__(self, message: str, wrong: str = "where", status: int = 400) -> None:
        super().__init__(message)
        self.wrong = wrong
        self.status = status


@dataclass(frozen=True)
class Target:
    """Whom a paper form is for: one place, or a whole area (the resident ticks the place)."""

    area: Area
    place: Place | None
    survey_round: SurveyRound | None

    @property
    def slug(self) -> str:
        return self.place.slug if self.place else self.area.slug


@dataclass(frozen=True)
class Cover:
    """What the first page says: who asks, for where and which round, and the web address."""

    asked_by: str
    contact: str
    url: str
    area: str
    place: str = ""
    #: An area's form: the places the resident chooses from.
    places: tuple[str, ...] = ()
    round_name: str = ""
    #: The round's last day: the form is handed in by then (None: the round has no last day).
    returns_by: dt.date | None = None
    #: Where the form is handed in, as the organizer wrote it on the round ("": not written).
    return_to: str = ""

    @classmethod
    def of(cls, target: Target, asked_by: str, contact: str, url: str) -> Cover:
        current = [p for p in target.area.places if not p.retired]
        survey_round = target.survey_round
        return cls(
            asked_by=asked_by,
            contact=contact,
            url=url,
            area=target.area.name,
            place=target.place.name if target.place else "",
            places=() if target.place else tuple(p.name for p in i18n.by_name(current)),
            round_name=labels.display_name(survey_round.name) if survey_round else "",
            returns_by=survey_round.closes_on if survey_round else None,
            return_to=(survey_round.paper_return or "") if survey_round else "",
        )


def find_target(
    session: Session,
    day: dt.date,
    place: str | None = None,
    area: str | None = None,
    round_id: int | None = None,
) -> Target:
    """The place or area (one of them) and its round: the chosen one, else open or next."""
    if bool(place) == bool(area):
        raise PaperError(_("Choose either a place or an area."))
    found = None
    if place:
        found = find_place(session, place)
        if found is None:
            raise PaperError(_("There is no place “%(slug)s”.", slug=place), status=404)
        if found.retired:
            raise PaperError(_("%(name)s is retired: its survey is closed.", name=found.name))
        the_area = found.area
    else:
        query = select(Area).where(Area.slug == area).options(selectinload(Area.places))
        in_area = session.scalar(query)
        if in_area is None:
            raise PaperError(_("There is no area “%(slug)s”.", slug=area), status=404)
        the_area = in_area
    if round_id is not None:
        chosen = session.get(SurveyRound, round_id)
        if chosen is None:
            raise PaperError(
                _("There is no survey round %(id)d.", id=round_id), wrong="round", status=404
            )
        if the_area not in chosen.areas:
            raise PaperError(
                _(
                    "Survey round %(id)d is not a round of %(area)s.",
                    id=round_id,
                    area=the_area.name,
                ),
                wrong="round",
                status=400,
            )
    else:
        chosen = open_round(session, the_area.id, day) or next_round(session, the_area.id, day)
    return Target(the_area, found, chosen)


def form_url(target: Target) -> str:
    """The web form the QR code leads to: the place's survey, or the area on the start page."""
    if target.place:
        return absolute_url("public.survey", slug=target.place.slug)
    return absolute_url("public.index") + f"#area-{target.area.slug}"


class PaperPdf(Report):
    """A4 pages with the title and a box for the key-in number at the top of each."""

    def __init__(self, footer_text: str, running_title: str, rtl: bool = False) -> None:
        super().__init__(footer_text, rtl=rtl)
        self.set_top_margin(30)
        self.running_title = running_title
        self.number_label = _("Number (we fill this in)")

    def header(self) -> None:
        # On every page: a loose page is still matched to its form by this number.
        self.set_font("DejaVu", size=8)
        self.set_text_color(*MUTED)
        self.set_xy(self.mx(LEFT, 120), 12)
        self.cell(120, 5, self.running_title, align=self.start)
        self.set_line_width(0.4)
        self.rect(self.mx(LEFT + WIDTH - 55, 55), 9, 55, 16)
        self.set_xy(self.mx(LEFT + WIDTH - 54, 53), 10)
        self.cell(53, 4, self.number_label, align=self.start)
        self.set_text_color(0)
        self.set_line_width(0.2)
        self.set_font("DejaVu", size=10)
        self.set_xy(self.l_margin, self.t_margin)


def scanned_url(url: str, locale: str) -> str:
    """The web address in the QR code: the printed one, opening in the form's language (the
    phone's would do on a Swedish form); the one printed to be typed stays short."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode(printed_language(locale))))


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    out.seek(0)
    return out


def _hand_in(pdf: PaperPdf, cover: Cover, framed: bool = False) -> None:
    """How to give the form back: by the round's last day, where the organizer wrote (else
    to whoever handed it out), framed on the cover as paper surveys do."""
    if cover.returns_by:
        day = pdf.isolated(i18n.long_date(cover.returns_by))
        when = _("Hand in the form by %(date)s at the latest.", date=day)
    else:
        when = _("How to hand in the form:")
    lines = [when, cover.return_to or _("Give it to the person who gave you the form.")]
    if framed and not cover.return_to and cover.contact:
        lines.append(
            _("Not sure where to hand it in? Contact %(who)s.", who=pdf.isolated(cover.contact))
        )
    pad = 3 if framed else 0
    top = pdf.get_y()
    pdf.set_y(top + pad)
    for i, words in enumerate(lines):
        pdf.set_font("DejaVu", "B" if i == 0 else "", 11)
        pdf.set_x(LEFT + pad)  # as wide on both sides: the same right to left
        pdf.multi_cell(WIDTH - 2 * pad, 5.5, words, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    if framed:
        pdf.set_line_width(0.5)
        pdf.rect(LEFT, top, WIDTH, pdf.get_y() + pad - top)
        pdf.set_line_width(0.2)
    pdf.set_font("DejaVu", size=10)
    pdf.set_y(pdf.get_y() + pad + 3)


def _cover(pdf: PaperPdf, questionnaire: Questionnaire, cover: Cover, locale: str) -> None:
    pdf.add_page()
    top = pdf.get_y()
    qr_x = pdf.mx(LEFT + WIDTH - QR_SIZE, QR_SIZE)
    scanned = scanned_url(cover.url, locale)
    pdf.image(_qr_png(scanned), x=qr_x, y=top, w=QR_SIZE, alt_text=scanned)
    width = WIDTH - QR_SIZE - 6
    start = pdf.start

    def beside_qr(height: float, words: str) -> None:
        pdf.set_x(pdf.mx(LEFT, width))
        pdf.multi_cell(width, height, words, align=start, new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("DejaVu", "B", 20)
    beside_qr(9, text(questionnaire.title, locale))
    pdf.ln(1)
    pdf.set_font("DejaVu", "B", 13)
    # Names, addresses and numbers set into a sentence keep their own direction right to left.
    own = pdf.isolated
    if cover.place:
        where = _("Place: %(place)s (%(area)s)", place=own(cover.place), area=own(cover.area))
    else:
        where = _("Area: %(area)s", area=own(cover.area))
    beside_qr(6.5, where)
    pdf.set_font("DejaVu", size=11)
    if cover.round_name:
        beside_qr(5.5, _("Survey round: %(name)s", name=own(cover.round_name)))
    if cover.asked_by:
        beside_qr(5.5, _("The questions are asked by %(who)s.", who=own(cover.asked_by)))
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 4)
    pdf.paragraph(
        _(
            "Would you rather answer on the web? Scan the QR code or go to %(url)s",
            url=own(cover.url),
        )
    )
    # The web's introduction may speak of a browser or of answers it requires: the paper's own.
    shipped = builtin(1)
    intro = on_paper(
        locale,
        questionnaire.intro,
        questionnaire.paper_intro,
        (shipped.intro, shipped.paper_intro),
    )
    if intro:
        pdf.paragraph(intro, size=11)
    pdf.paragraph(
        _(
            "Tick one box per question unless the question says otherwise. Do not write your"
            " name on the form."
        ),
        size=11,
    )
    _hand_in(pdf, cover, framed=True)
    pdf.set_font("DejaVu", "B", 11.5)
    label = _("Today's date:")
    label_width = pdf.get_string_width(label) + 4
    pdf.set_x(pdf.mx(LEFT, label_width))
    pdf.cell(label_width, 8, label, align=start)
    line_x = pdf.mx(LEFT + label_width, 50)
    pdf.line(line_x, pdf.get_y() + 7, line_x + 50, pdf.get_y() + 7)
    pdf.ln(11)
    if cover.places:
        pdf.set_font("DejaVu", "B", 11.5)
        pdf.multi_cell(
            0, LINE, _("Which place are your answers about?"), align=start, new_x="LMARGIN"
        )
        pdf.ln(1.5)
        tick_boxes(pdf, list(cover.places))


def _section_hint(section: Section, locale: str) -> str:
    """A section's hint as printed (its paper wording, or version 1's of the same hint)."""
    twin = next((s for s in builtin(1).sections if s.key == section.key), None)
    shipped = (twin.hint, twin.paper_hint) if twin else (None, None)
    return on_paper(locale, section.hint, section.paper_hint, shipped)


def _section_start(pdf: Any, writer: Writer, section: Section, runs: list[list[Item]]) -> None:
    """A section's heading and hint, and the start of its first run (trial rendering)."""
    pdf.heading(text(section.title, writer.locale), size=14, space=4)
    if hint := _section_hint(section, writer.locale):
        pdf.paragraph(hint, muted=True)
    if runs:
        writer.opening(pdf, runs[0])


def write_paper(
    questionnaire: Questionnaire, cover: Cover, stream: IO[bytes], locale: str = "sv"
) -> None:
    """Write the printable questionnaire: the cover, then every section's items in order."""
    with force_locale(locale):
        where = cover.place or cover.area
        title = text(questionnaire.title, locale)
        version = _("version %(n)d", n=questionnaire.version)
        pdf = PaperPdf("", "", rtl=locale in RTL_LANGUAGES)
        pdf.running_title = f"{title} – {pdf.isolated(where)}"
        pdf.footer_text = f"{pdf.running_title} – {version}"
        pdf.set_title(f"{title}: {where}")
        pdf.set_lang(locale)
        pdf.set_creator("Trygghet")
        pdf.set_creation_date(dt.datetime.now(dt.UTC))
        _cover(pdf, questionnaire, cover, locale)
        writer = Writer(questionnaire, locale)
        for section in questionnaire.sections:
            runs = list(print_runs(section.items))
            pdf.room(40)
            # Trial first: a heading left alone at the foot of a page goes with its first
            # question (or the start of its grid) to the next.
            with pdf.offset_rendering() as trial:
                _section_start(trial, writer, section, runs)
            if trial.page_break_triggered and pdf.get_y() > pdf.t_margin:
                pdf.add_page()
            _section_start(pdf, writer, section, [])
            for run in runs:
                writer.run(pdf, run)
        pdf.ln(4)
        pdf.paragraph(_("Thank you for your answers!"), size=12)
        _hand_in(pdf, cover)
        if cover.contact:
            contact = pdf.isolated(cover.contact)
            pdf.paragraph(_("Questions about the survey? Contact %(who)s.", who=contact))
        stream.write(bytes(pdf.output()))

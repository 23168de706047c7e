"""The printable paper questionnaire as a PDF, and the page that helps when a link is wrong."""

from __future__ import annotations

import io

from flask import Response, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from survey import clock
from survey.extensions import db
from survey.i18n import language_links
from survey.public.about import about
from survey.reports.paper import Cover, PaperError, find_target, form_url, write_paper
from survey.services.responses import areas_with_places, live_questionnaire
from survey.services.rounds import area_rounds

from .. import bp, organizer_required
from .forms import round_label


def _round_number(raw: str) -> int | None:
    """A round's id as written in a link (None: none given); ValueError if it is no id."""
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    raise ValueError(raw)


@bp.get("/paper/questionnaire.pdf")
@organizer_required
def paper_questionnaire():
    """The printable questionnaire of a place or an area (?place= or ?area=, &lang=, &round=)."""
    shown = str(get_locale())
    # Every language of the interface prints, Arabic and Persian right to left.
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang") or (shown if shown in languages else "sv")
    where = {"place": request.args.get("place"), "area": request.args.get("area")}
    raw_round = request.args.get("round", "")
    try:
        try:
            round_id = _round_number(raw_round)
        except ValueError:
            find_target(db.session, clock.today(), **where)  # a wrong place is said first
            raise PaperError(
                _("There is no survey round “%(value)s”.", value=raw_round),
                wrong="round",
                status=404,
            ) from None
        target = find_target(db.session, clock.today(), **where, round_id=round_id)
    except PaperError as exc:
        return _refused(exc, lang if lang in languages else shown)
    if lang not in languages:
        message = _("There is no paper questionnaire in the language “%(code)s”.", code=lang)
        return _refused(PaperError(message, wrong="lang"), shown)
    with force_locale(lang):
        info = about()
        cover = Cover.of(target, info.asked_by, info.contact, form_url(target))
    out = io.BytesIO()
    write_paper(live_questionnaire(db.session), cover, out, lang)
    response = Response(out.getvalue(), content_type="application/pdf")
    filename = f"trygghet-enkat-{target.slug}-{lang}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(exc: PaperError, lang: str):
    """Say what is wrong and offer what exists, each as a link to its PDF."""
    pdf = "organizer.paper_questionnaire"
    wanted = {k: request.args.get(k) for k in ("place", "area", "round")}
    choices: list[tuple[str, str, str]] = []  # (link, name, language of the name)
    groups: list[tuple[str, str, list[tuple[str, str]]]] = []  # area: link, name, places
    if exc.wrong == "lang":
        kept = {k: v for k, v in wanted.items() if v}
        choices = [(url_for(pdf, **kept, lang=code), name, code) for code, name in language_links()]
    elif exc.wrong == "round":
        where = {k: v for k, v in wanted.items() if k != "round" and v}
        the_area = find_target(db.session, clock.today(), **where).area
        choices = [(url_for(pdf, **where, lang=lang), _("The round open now, or the next"), "")]
        choices += [
            (url_for(pdf, **where, lang=lang, round=r.id), round_label(r), "")
            for r in area_rounds(db.session, the_area)
        ]
    else:
        groups = [
            (
                url_for(pdf, area=area.slug, lang=lang),
                area.name,
                [(url_for(pdf, place=p.slug, lang=lang), p.name) for p in area.places],
            )
            for area in areas_with_places(db.session)
        ]
    page = render_template(
        "organizer/paper/refused.html",
        message=str(exc),
        wrong=exc.wrong,
        choices=choices,
        groups=groups,
    )
    return page, exc.status

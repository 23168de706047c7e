"""The paper questionnaire says how to give it back: by the round's last day, and where.

On the first page, framed, and again after the last question. Where is the organizer's own
text on the survey round; without one, the form says to give it to whoever handed it out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from pypdf import PdfReader

from survey.extensions import db
from survey.questionnaire import builtin
from survey.reports.paper import Cover, find_target, form_url, write_paper
from tests.common import factories
from tests.reports.test_paper import COVER

LIBRARY = "Lägg enkäten i den gula lådan vid entrén till Brommaplans bibliotek."


def _pages(app, cover: Cover, lang: str) -> list[str]:
    out = io.BytesIO()
    with app.test_request_context():
        write_paper(builtin(1), cover, out, lang)
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    return [" ".join(page.extract_text().split()) for page in pages]


def test_the_form_says_by_when_and_where_on_the_first_page_and_at_the_end(app):
    cover = dataclasses.replace(COVER, returns_by=dt.date(2026, 5, 31), return_to=LIBRARY)
    with app.app_context():
        pages = _pages(app, cover, "sv")
    hand_in = f"Lämna in enkäten senast den 31 maj 2026. {LIBRARY}"
    assert hand_in in pages[0]
    assert pages[0].index(hand_in) < pages[0].index("Dagens datum:")
    end = pages[-1][pages[-1].index("Tack för dina svar!") :]
    assert end.startswith(f"Tack för dina svar! {hand_in}")
    # The organizer says where: no need to ask.
    assert "Vet du inte var" not in " ".join(pages)


def test_without_a_last_day_or_a_place_it_says_whom_to_give_it_to(app):
    cover = dataclasses.replace(COVER, returns_by=None, return_to="")
    with app.app_context():
        first = _pages(app, cover, "en")[0]
    assert (
        "How to hand in the form: Give it to the person who gave you the form."
        " Not sure where to hand it in? Contact registrator@polisen.se."
    ) in first
    assert "at the latest" not in first


def test_the_round_gives_the_last_day_and_the_organizer_s_text(app):
    with app.app_context(), app.test_request_context():
        default = factories.default_round()
        default.closes_on = dt.date.today() + dt.timedelta(days=30)
        default.paper_return = LIBRARY
        db.session.flush()
        target = find_target(db.session, dt.date.today(), place="brommaplan")
        cover = Cover.of(target, "Polisen", "", form_url(target))
        db.session.rollback()
    assert (cover.returns_by, cover.return_to) == (
        dt.date.today() + dt.timedelta(days=30),
        LIBRARY,
    )


def test_an_organizer_s_download_prints_the_round_s_return_text(app, client, auth):
    with app.app_context():
        default = factories.default_round()
        default.closes_on = dt.date(2099, 6, 30)
        default.paper_return = LIBRARY
        db.session.commit()
    auth.login("organizer")
    response = client.get("/organizer/paper/questionnaire.pdf?place=alvik&lang=fi")
    first = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "Palauta lomake viimeistään 30. kesäkuuta 2099." in first
    assert LIBRARY in first  # as the organizer wrote it, in every language

"""Places are listed in Swedish alphabetical order on every page: Å before Ä, both after Z."""

import datetime as dt

import pytest

from survey.extensions import db
from survey.services.held import held_groups
from survey.services.places import add_place
from tests.common import factories

PAGES = [
    "/",
    "/organizer/paper",
    "/organizer/paper/answers",
    "/organizer/places",
    "/organizer/dialogues/new",
    "/organizer/comments",
]


@pytest.fixture
def a_and_ae(app):
    """Two places whose SQL (code point) order is the wrong way round: Ä (U+00C4) < Å (U+00C5)."""
    with app.app_context():
        area = factories.find_area("bromma")
        add_place(db.session, area, "angbyplan-test", "Ängbyplan test")
        add_place(db.session, area, "akeshov-test", "Åkeshov test")
        db.session.commit()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_a_ring_comes_before_a_umlaut(app, client, auth, a_and_ae, page, lang):
    auth.login("admin")
    html = client.get(f"{page}?lang={lang}", follow_redirects=True).get_data(as_text=True)
    assert "Åkeshov" in html
    assert "Ängbyplan" in html
    assert html.index("Åkeshov") < html.index("Ängbyplan")
    assert html.index("Åkeshov") > html.index("Brommaplan")


def test_held_answers_in_swedish_order_within_a_day(app, a_and_ae):
    with app.app_context():
        day = dt.date(2026, 11, 2)
        for slug in ("angbyplan-test", "akeshov-test"):
            factories.answer(factories.find_place(slug), submitted_on=day, held=True)
        db.session.flush()
        names = [g.place_name for g in held_groups(db.session, factories.find_area("bromma"))]
        assert names == ["Åkeshov test", "Ängbyplan test"]

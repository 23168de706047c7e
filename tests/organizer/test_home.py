"""The start page: what needs attention now, computed by survey.services.status."""

import datetime as dt

from sqlalchemy import select

from survey.extensions import db
from survey.imports.crime import import_crime
from survey.models import Area
from survey.services.alerts import mark_handled
from survey.services.status import has_demo_data, status
from tests.common import factories
from tests.common.picture_data import build
from tests.common.releases import publish
from tests.common.web import local_today
from tests.imports.test_crime_events import MARCH_2023, REAL, ok


def _status(app):
    with app.app_context():
        return status(db.session, local_today())


def test_status_counts_rounds_answers_deviations_held_and_unpublished(app):
    today = local_today()
    with app.app_context():
        build()  # 25 answers in Bromma, a dialogue, a crime spike last month
        factories.answers("alvik", factories.default_round(), 3, submitted_on=today)
        factories.answers(
            "alvik", factories.default_round(), 2, submitted_on=today - dt.timedelta(days=7)
        )
        factories.answers("alvik", factories.default_round(), 4, submitted_on=today, held=True)
        factories.survey_round("Closed", dt.date(2024, 1, 1), closes_on=dt.date(2024, 2, 1))
        db.session.commit()

    s = _status(app)
    assert [r.name for r in s.open_rounds] == ["Löpande trygghetsmätning"]
    assert s.open_rounds[0].closes_on is None
    assert s.recent_answers == 3  # not the 8-day-old ones, not the held ones
    assert [(d["area"], d["category"]) for d in s.new_deviations] == [("bromma", "Misshandel")]
    bromma = next(a for a in s.areas if a.slug == "bromma")
    assert bromma.last_release is None
    assert bromma.held == 4
    assert bromma.new_answers == 25 + 3 + 2
    assert bromma.new_dialogues == 1
    assert [a.slug for a in s.to_do] == ["bromma"]

    # Marked as handled on the dashboard, it is no longer new.
    with app.app_context():
        [deviation] = s.new_deviations
        month = dt.date.fromisoformat(deviation["month"] + "-01")
        area = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        user = factories.user("organizer")
        mark_handled(db.session, area, "Misshandel", month, "Patrull vid Brommaplan", user)
        db.session.commit()
    assert _status(app).new_deviations == []

    publish(app, "bromma")
    s = _status(app)
    bromma = next(a for a in s.areas if a.slug == "bromma")
    assert bromma.last_release is not None
    assert (bromma.new_answers, bromma.new_dialogues, bromma.unpublished) == (0, 0, False)
    assert bromma.held == 4  # still waiting for review

    with app.app_context():
        factories.answers("brommaplan", factories.default_round(), 2, submitted_on=today)
        db.session.commit()
    bromma = next(a for a in _status(app).areas if a.slug == "bromma")
    assert (bromma.new_answers, bromma.unpublished) == (2, True)


def test_the_start_page_shows_the_status_not_the_menu_again(app, client, auth):
    with app.app_context():
        build()
        factories.answers(
            "alvik", factories.default_round(), 4, submitted_on=local_today(), held=True
        )
        db.session.commit()
    auth.login("organizer")
    page = client.get("/organizer/?lang=en").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    assert "Open survey rounds" in main
    assert "Löpande trygghetsmätning" in main
    assert "Answers in the last 7 days" in main
    assert "New deviations in crime" in main
    assert "Assault" in main  # the crime category Misshandel, in the page's language
    assert "4 held answers wait for review" in main
    assert "/organizer/areas/bromma/held" in main
    assert "<h1>Overview</h1>" in main
    # Each to-do link names its area, so it makes sense read out on its own.
    assert "Publish Bromma for the first time</a>:" in main
    assert "Never published" not in main
    assert 'class="cards"' not in main  # the old page repeated the menu
    assert "/organizer/dialogues" not in main


def test_demo_data_is_marked_on_every_organizer_page(app, client, auth):
    from survey.demo import load_demo

    auth.login("organizer")
    assert 'class="demo-banner"' not in client.get("/organizer/").get_data(as_text=True)
    with app.app_context():
        assert not has_demo_data(db.session)
        load_demo(db.session, local_today(), answers=200)
        db.session.commit()
        assert has_demo_data(db.session)
    for path in ("/organizer/", "/organizer/areas/bromma", "/organizer/promises"):
        assert 'class="demo-banner"' in client.get(path).get_data(as_text=True), path
    # Not on the public pages: residents never see the organizers' banner.
    assert 'class="demo-banner"' not in client.get("/").get_data(as_text=True)


def test_the_deviations_card_says_how_fresh_the_crime_data_are(app, client, auth, tmp_path):
    # "0 new deviations" stood alone while no crime data had come in, or none for months.
    auth.login("admin")
    main = client.get("/organizer/?lang=sv").get_data(as_text=True).split("<main", 1)[1]
    assert "Inga brottsdata: det går inte att leta efter avvikelser." in main
    path = tmp_path / "counts.csv"
    path.write_text("month;area;category;count\n2024-01;Bromma;Stöld;10\n", encoding="utf-8")
    with app.app_context():
        import_crime(db.session, path, today=local_today())
        db.session.commit()
    main = client.get("/organizer/?lang=sv").get_data(as_text=True).split("<main", 1)[1]
    assert 'Brottsdata till och med <span class="nowrap">2024-01-31</span>.' in main
    # Only monthly tables: the warning asks for the next table, not about the event list.
    assert "Den senaste brottstabellen slutar" in main
    assert "händelselistan" not in main
    assert _status(app).crime_outdated


def _csv_month(app, tmp_path, month: str, today: dt.date) -> None:
    path = tmp_path / f"counts-{month}.csv"
    path.write_text(f"month;area;category;count\n{month};Bromma;Stöld;10\n", encoding="utf-8")
    with app.app_context():
        import_crime(db.session, path, today=today)
        db.session.commit()


def test_a_monthly_table_is_current_until_45_days_after_its_month(app, tmp_path):
    # Brå's monthly tables come out after their month: a 14-day rule called a place that
    # imports only them outdated for most of every month.
    _csv_month(app, tmp_path, "2024-01", dt.date(2024, 2, 10))
    with app.app_context():
        fresh = status(db.session, dt.date(2024, 3, 16))  # 45 days after 31 January
        old = status(db.session, dt.date(2024, 3, 17))
    assert fresh.crime_up_to == old.crime_up_to == dt.date(2024, 1, 31)
    assert (fresh.crime_outdated, old.crime_outdated) == (False, True)
    assert not old.fetches_events


def test_the_event_list_is_outdated_after_14_days_unless_a_table_is_current(app, cli, tmp_path):
    ok(cli("import", "crime", str(REAL / MARCH_2023)))  # events up to 25 March 2023
    with app.app_context():
        fresh = status(db.session, dt.date(2023, 4, 8))
        old = status(db.session, dt.date(2023, 4, 9))
    assert fresh.crime_newest == {"events": dt.date(2023, 3, 25)}
    assert (fresh.crime_outdated, old.crime_outdated, old.fetches_events) == (False, True, True)
    # A current monthly table is enough: the deviations are looked for in its months.
    _csv_month(app, tmp_path, "2023-03", dt.date(2023, 4, 9))
    with app.app_context():
        both = status(db.session, dt.date(2023, 4, 9))
    assert both.crime_up_to == dt.date(2023, 3, 31)
    assert not both.crime_outdated

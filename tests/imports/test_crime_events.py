"""Police events as events, on the police's REAL responses (../shared/data/real/).

Each event is stored once by its id, monthly counts derive from all stored events, the
municipality comes from the end of ``name`` since the feed moved to counties in 2026, and
districts of Stockholm match by the place names in the event's text.
"""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from analysis.crime_categories import police_category
from survey.extensions import db
from survey.imports.crime_rows import normalise
from survey.models import Area, AuditEvent, CrimeCount, Place
from survey.models.crime import CrimeCoverage, CrimeEvent, CrimeEventArea
from survey.models.places import AreaAlias
from tests.common.web import post_form

ROOT = Path(__file__).resolve().parents[2]
#: The real responses live beside the repository; a machine without them must fail, not skip.
REAL = ROOT.parent / "shared" / "data" / "real"
MARCH_2023 = "police-events-2023-03-25.json"
AUGUST_2026 = "police-events-2026-08-22.json"


def real(name):
    path = REAL / name
    assert path.is_file(), f"the real police response {path} is missing (see SOURCES.md there)"
    return json.loads(path.read_text(encoding="utf-8"))


def write(tmp_path, events, name):
    path = tmp_path / name
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def counts(app, slug):
    """{(YYYY-MM, category): count} of the area's event counts."""
    with app.app_context():
        rows = db.session.execute(
            select(CrimeCount.month, CrimeCount.category, CrimeCount.count, CrimeCount.by_text)
            .join(Area, Area.id == CrimeCount.area_id)
            .where(Area.slug == slug, CrimeCount.source == "events")
        ).all()
    return {(m.strftime("%Y-%m"), c): (n, by_text) for m, c, n, by_text in rows}


def stored_ids(app, slug):
    with app.app_context():
        return set(
            db.session.scalars(
                select(CrimeEvent.event_id)
                .join(CrimeEventArea, CrimeEventArea.event_id == CrimeEvent.id)
                .join(Area, Area.id == CrimeEventArea.area_id)
                .where(Area.slug == slug)
            )
        )


def municipality(event):
    return event["name"].rsplit(",", 1)[-1].strip()


def expected(events, place):
    """Crime counts per (month, category) of the distinct events in a municipality."""
    distinct = {e["id"]: e for e in events if municipality(e) == place}
    found = Counter(
        (e["datetime"][:7], police_category(e["type"]))
        for e in distinct.values()
        if police_category(e["type"]) is not None
    )
    return {key: (n, False) for key, n in found.items()}


@pytest.fixture
def stockholm(cli):
    """An area for the whole municipality of Stockholm, and Bromma a district of it."""
    ok(cli("area", "add", "stockholm", "Stockholm"))
    ok(cli("area", "district", "bromma", "Stockholm"))
    ok(cli("area", "district", "hasselby-vallingby", "Stockholm"))


def test_overlapping_downloads_count_each_event_once(app, cli, tmp_path, stockholm):
    events = real(MARCH_2023)  # newest first, as the feed serves them
    first, second = events[:300], events[200:]
    ok(cli("import", "crime", str(write(tmp_path, first, "a.json"))))
    # The police rewrote one shared event's summary between the downloads.
    second = [{**second[0], "summary": second[0]["summary"] + " Uppdaterad."}, *second[1:]]
    lines = ok(cli("import", "crime", str(write(tmp_path, second, "b.json"))))
    # Every event is stored, also the 276 outside every area; of the 100 shared ones, one
    # changed.
    assert "(200 new, 1 updated, 99 unchanged, 276 outside" in lines[0]
    ok(cli("import", "crime", str(write(tmp_path, events, "c.json"))))
    # A later, smaller download (the data loss) takes nothing away.
    ok(cli("import", "crime", str(write(tmp_path, events[:40], "d.json"))))
    ids = {str(e["id"]) for e in events if municipality(e) == "Stockholm"}
    assert len(ids) == 35
    assert stored_ids(app, "stockholm") == ids
    assert counts(app, "stockholm") == expected(events, "Stockholm")
    assert sum(n for n, _text in counts(app, "stockholm").values()) == 26  # 9 are no crimes
    with app.app_context():
        # The whole country's events, each once; Stockholm's 35 and a fire in Ekerö count.
        assert db.session.scalar(select(func.count()).select_from(CrimeEvent)) == len(
            {e["id"] for e in events}
        )
        assert (
            db.session.scalar(select(func.count(func.distinct(CrimeEventArea.event_id)))) == 35 + 1
        )


def test_a_whole_real_response_imports_with_a_skip_summary(app, cli, tmp_path):
    for district in ("bromma", "hasselby-vallingby"):  # whatever the defaults say
        ok(cli("area", "district", district))
    path = REAL / AUGUST_2026
    events = real(AUGUST_2026)
    lines = ok(cli("import", "crime", str(path)))
    assert lines[:2] == [
        "imported 500 events (500 new, 0 updated, 0 unchanged, 500 outside every area) from"
        f" {path}",
        "no event in any area; 0 monthly counts derived again in the months these events fall in",
    ]
    skipped = Counter(municipality(e) for e in events)
    top = sorted(skipped.items(), key=lambda item: (-item[1], item[0]))[:8]
    assert lines[2].startswith(
        "500 events outside every area, stored and counted once an area or alias names the"
        " place (by municipality): " + ", ".join(f"{name} {n}" for name, n in top)
    )
    with app.app_context():
        [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "crime.import"))
        assert audit.details["skipped"] == 500
    # Every event was stored: areas added afterwards count theirs without a new download.
    ok(cli("area", "add", "stockholm", "Stockholm"))
    ok(cli("area", "add", "goteborg", "Göteborg"))
    assert counts(app, "stockholm") == expected(events, "Stockholm")
    assert counts(app, "goteborg") == expected(events, "Göteborg")
    assert sum(n for n, _text in counts(app, "goteborg").values()) > 0
    assert stored_ids(app, "stockholm") == {
        str(e["id"]) for e in events if municipality(e) == "Stockholm"
    }


def test_2026_county_located_events_land_in_their_municipality(app, cli, tmp_path, stockholm):
    events = real(AUGUST_2026)
    assert {e["location"]["name"] for e in events} == {
        e["location"]["name"] for e in events if e["location"]["name"].endswith(" län")
    }
    # The real response has no event in Ekerö: one of its Stockholm events, moved there as the
    # 2026 feed writes it (a county as the location, the municipality at the end of the name).
    [source] = [e for e in events if e["id"] == 650271]
    moved = {**source, "id": 1, "name": "22 augusti 03.47, Misshandel, Ekerö"}
    assert moved["location"]["name"] == "Stockholms län"
    ok(cli("import", "crime", str(write(tmp_path, [*events, moved], "e.json"))))
    assert counts(app, "ekero") == {("2026-08", "Misshandel"): (1, False)}
    assert counts(app, "stockholm") == expected(events, "Stockholm")
    # No event's county became an area's count.
    assert counts(app, "stockholm")[("2026-08", "Misshandel")] == (2, False)


def test_aliases_an_earlier_version_stored_for_a_county_or_own_municipality_are_ignored(
    app, cli, client, auth, stockholm
):
    # Stored as an earlier version could (add_alias refuses both now): every event of
    # Stockholm, and every county-wide one, counted for Bromma.
    with app.app_context():
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        for name in ("Stockholm", "Stockholms län"):
            db.session.add(AreaAlias(area=bromma, name=name, key=normalise(name)))
        db.session.commit()
        bromma_id = bromma.id
    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    assert counts(app, "bromma") == {}  # as without them: no event's text names Bromma
    assert counts(app, "stockholm") != {}
    auth.login("admin")
    page = client.get(f"/organizer/area-names/{bromma_id}?lang=en").get_data(as_text=True)
    assert "Not used: a county" in page
    assert "Not used: the municipality this area is a district of" in page


def test_districts_match_by_place_names_in_the_text(app, cli, tmp_path, stockholm):
    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    # "... högg mot en annan man i Vällingby centrum": a place of Hässelby-Vällingby.
    assert counts(app, "hasselby-vallingby") == {("2023-03", "Misshandel"): (1, True)}
    assert stored_ids(app, "hasselby-vallingby") == {"410782"}
    # "Lägenhetsinbrott i Beckomberga": no place of Bromma's until an admin says so.
    assert counts(app, "bromma") == {}
    ok(cli("area", "alias", "bromma", "Beckomberga"))
    assert counts(app, "bromma") == {("2023-03", "Inbrott"): (1, True)}
    # The whole municipality keeps them too: a district is part of it.
    assert stored_ids(app, "stockholm") >= {"410782", "409586"}


def test_a_district_s_new_or_renamed_place_matches_the_stored_events(
    app, cli, client, auth, stockholm
):
    """An admin adds Beckomberga as a place of Bromma after the download: the stored
    "Lägenhetsinbrott i Beckomberga" counts for Bromma at once, not only in later downloads."""
    from survey.services.places import import_places

    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    assert counts(app, "bromma") == {}
    with app.app_context():
        bromma = db.session.scalars(select(Area.id).where(Area.slug == "bromma")).one()
    auth.login("admin")
    added = {"area": str(bromma), "slug": "beckomberga", "name": "Beckomberga"}
    assert post_form(client, "/organizer/places", added).status_code == 303
    assert counts(app, "bromma") == {("2023-03", "Inbrott"): (1, True)}
    with app.app_context():
        place = db.session.scalars(select(Place.id).where(Place.slug == "beckomberga")).one()
    renamed = {"name": "Beckombergaskolan"}
    assert post_form(client, f"/organizer/places/{place}/edit", renamed).status_code == 303
    assert counts(app, "bromma") == {}
    with app.app_context():
        import_places(db.session, b"area,slug,name\nbromma,beckomberga,Beckomberga\n")
        db.session.commit()
    assert counts(app, "bromma") == {("2023-03", "Inbrott"): (1, True)}


def test_a_fire_is_kept_for_context_but_never_counted_as_crime(app, cli):
    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    # "Brand på återvinningscentral", Ekerö: stored, not a crime count.
    assert stored_ids(app, "ekero") == {"410699"}
    assert counts(app, "ekero") == {}


def test_a_malformed_event_in_a_real_response_stores_nothing(app, cli, tmp_path, stockholm):
    events = real(MARCH_2023)
    events[249] = {**events[249], "datetime": "25 mars"}
    del events[410]["type"]
    path = write(tmp_path, events, "e.json")
    result = cli("import", "crime", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f'event 250 (id {events[249]["id"]}): datetime "25 mars" is not a date and time like'
        " 2026-05-04 21:35:00 +02:00 (from 2000 on)",
        f"event 411 (id {events[410]['id']}): the type is missing",
        f"nothing imported from {path}",
    ]
    assert stored_ids(app, "stockholm") == set()


def _one(**changes):
    """A real event of the 2023 response with some fields changed."""
    return [{**real(MARCH_2023)[0], **changes}]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # Dates a time zone would move out of the calendar, and one that would make every
        # month since 1900 look covered.
        ({"datetime": "0001-01-01 00:30:00 +02:00"}, 'datetime "0001-01-01 00:30:00 +02:00"'),
        ({"datetime": "9999-12-31 23:59:59 -05:00"}, 'datetime "9999-12-31 23:59:59 -05:00"'),
        ({"datetime": "0001-01-01 00:30:00"}, "is not a date and time"),
        ({"datetime": "1900-01-01 12:00:00 +01:00"}, "(from 2000 on)"),
        ({"id": "9" * 5000}, "the id is longer than 40 characters"),
        ({"id": True}, "the id is not a number or a text"),
        ({"id": [1, 2]}, "the id is not a number or a text"),
        # Found by the fuzzer on PostgreSQL: a NUL reached the id lookup, which it refuses.
        ({"id": "\u0000"}, "the id holds control or invisible characters"),
        ({"type": "Stöld\u202e\u0000x"}, "the type holds control or invisible characters"),
        ({"location": {"name": "Malmö\x1b]0;pwned\x07"}}, "the location name holds control"),
    ],
)
def test_a_hostile_event_is_a_message_and_stores_nothing(app, cli, tmp_path, changes, message):
    path = write(tmp_path, _one(**changes), "e.json")
    result = cli("import", "crime", str(path))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 1000  # a 5,000-digit id is not repeated in full
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CrimeEvent)) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"id": ' + "9" * 5000 + "}]", "the file is not an event list"),
    ],
)
def test_a_file_that_breaks_the_json_reader_is_a_message(app, cli, tmp_path, text, message):
    path = tmp_path / "e.json"
    path.write_text(text, encoding="utf-8")
    result = cli("import", "crime", str(path))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_control_characters_in_the_free_text_are_dropped(app, cli, tmp_path, stockholm):
    event = _one(
        name="5 mars, Misshandel,\x1b[31m Stockholm",
        summary="Larm\x00 om bråk.\nFalsk rad" + "x" * 5000,
    )
    event[0]["location"] = {"name": "Stockholm"}
    ok(cli("import", "crime", str(write(tmp_path, event, "e.json"))))
    with app.app_context():
        name, summary = db.session.execute(select(CrimeEvent.name, CrimeEvent.summary)).one()
    assert name == "5 mars, Misshandel,[31m Stockholm"
    assert summary.startswith("Larm om bråk. Falsk rad")
    assert len(summary) == 2000


def test_renaming_an_area_matches_the_stored_events_again(app, cli):
    ok(cli("area", "add", "city", "Stockholm"))
    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    before = counts(app, "city")
    assert sum(n for n, _text in before.values()) == 26
    ok(cli("area", "rename", "city", "Huvudstaden"))
    assert counts(app, "city") == {}  # the feed says "Stockholm": no longer a name of it
    ok(cli("area", "alias", "city", "Stockholm"))
    assert counts(app, "city") == before


def coverage(app, slug, today):
    from analysis.picture import crime_coverage

    with app.app_context(), db.engine.connect() as conn:
        return crime_coverage(conn, slug, today)


def test_coverage_months_gaps_and_stale_areas(app, cli, stockholm):
    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    ok(cli("import", "crime", str(REAL / AUGUST_2026)))
    today = dt.date(2026, 8, 25)
    city = coverage(app, "stockholm", today)
    events = city["sources"]["events"]
    assert (events["first_month"], events["last_month"], events["up_to"]) == (
        "2023-03",
        "2026-08",
        "2026-08-22",
    )
    # Each download covers its oldest to its newest event: 20 March 10:19 to 25 March 9:43,
    # 14 August 17:57 to 22 August 9:48; whole days 21-24 March and 15-21 August.
    assert events["months"] == [
        {"month": "2023-03", "days_covered": 4, "days": 31, "status": "partial"},
        {"month": "2026-08", "days_covered": 7, "days": 31, "status": "partial"},
    ]
    assert events["gaps"][0] == "2023-04"
    assert events["gaps"][-1] == "2026-07"
    assert len(events["gaps"]) == 40
    assert city["data_up_to"] == "2026-08-22"
    assert city["last_event"] == "2026-08-22"
    assert city["stale"] is False
    assert city["outdated"] is False
    assert city["months_without_data"] == [f"2025-{m:02d}" for m in range(9, 13)] + [
        f"2026-{m:02d}" for m in range(1, 8)
    ]
    # A few days of August: partial, so neither "no deviations" nor a low count for August.
    assert city["months_partial"] == ["2026-08"]
    # Ekerö's last event is a fire on 21 March 2023; since then the downloads covered four
    # days of March 2023 and under eight of August 2026 (the years between were never seen):
    # 12 days of silence, not 3 years, so not stale.
    ekero = coverage(app, "ekero", today)
    assert (ekero["stale"], ekero["silent_days"]) == (False, 12)
    assert ekero["last_event"] == "2023-03-21"
    assert ekero["data_up_to"] == "2026-08-22"
    assert ekero["stale_after_days"] == 14
    # Text matches are told apart, so that readers know how far to trust them.
    assert coverage(app, "hasselby-vallingby", today)["events_matched_by_text"] == 1
    assert city["events_matched_by_text"] == 0
    # Weeks without a download: every area's data is outdated.
    later = coverage(app, "stockholm", dt.date(2026, 10, 1))
    assert later["outdated"] is True
    # ... and the months since are without data, the one begun today too: a gap.
    assert later["months_without_data"][-2:] == ["2026-09", "2026-10"]
    # The data end on 22 August: on 1 September, September is begun without data, a gap.
    assert coverage(app, "stockholm", dt.date(2026, 9, 1))["months_without_data"][-1] == "2026-09"


def test_a_csv_covers_its_months_for_its_areas(app, cli, tmp_path):
    ok(cli("area", "alias", "bromma", "Bromma stadsdelsområde"))
    path = tmp_path / "counts.csv"
    path.write_text(
        "month;area;category;count\n2025-01;Bromma;Rån;2\n"
        "2025-03;Bromma stadsdelsområde;Rån;1\n"  # an alias names the area in a CSV too
    )
    ok(cli("import", "crime", str(path)))
    bromma = coverage(app, "bromma", dt.date(2025, 3, 10))
    assert bromma["sources"]["csv"]["months"] == [
        {"month": "2025-01", "days_covered": 31, "days": 31, "status": "full"},
        {"month": "2025-03", "days_covered": 31, "days": 31, "status": "full"},
    ]
    assert bromma["sources"]["csv"]["gaps"] == ["2025-02"]
    assert bromma["stale"] is False
    assert bromma["data_up_to"] == "2025-03-31"
    assert coverage(app, "ekero", dt.date(2025, 3, 10))["sources"] == {}


def test_areas_added_after_the_downloads_count_and_are_judged_on_covered_days(app, cli):
    ok(cli("import", "crime", str(REAL / MARCH_2023)))
    ok(cli("import", "crime", str(REAL / AUGUST_2026)))
    ok(cli("area", "add", "botkyrka", "Botkyrka"))  # events in March 2023 only
    ok(cli("area", "add", "uppsala", "Uppsala"))  # events in August 2026
    today = dt.date(2026, 8, 25)
    botkyrka = coverage(app, "botkyrka", today)
    in_2023 = {e["datetime"][:10] for e in real(MARCH_2023) if municipality(e) == "Botkyrka"}
    assert in_2023
    assert botkyrka["last_event"] == max(in_2023)
    # Nothing in Botkyrka since March 2023, but the downloads since then cover 10 days: the
    # years between them are no silence of Botkyrka's, so not stale.
    assert (botkyrka["stale"], botkyrka["silent_days"]) == (False, 10)
    uppsala = coverage(app, "uppsala", today)
    assert (uppsala["last_event"], uppsala["stale"]) == ("2026-08-21", False)
    both = real(MARCH_2023) + real(AUGUST_2026)
    assert counts(app, "uppsala") == expected(both, "Uppsala")
    assert ("2026-08", "Narkotikabrott") in counts(app, "uppsala")
    # A few days of August: partial, never "no deviations" for it.
    assert uppsala["months_partial"] == ["2026-08"]
    assert uppsala["months_full"] == []


def test_a_file_of_two_downloads_covers_only_their_own_days(app, cli, stockholm, tmp_path):
    # Both real responses saved in one file: before, its coverage ran from March 2023 to
    # August 2026, so 40 months without a single event counted as full, with zeros.
    both = write(tmp_path, real(MARCH_2023) + real(AUGUST_2026), "archive.json")
    ok(cli("import", "crime", str(both)))
    city = coverage(app, "stockholm", dt.date(2026, 8, 25))
    events = city["sources"]["events"]
    assert events["months"] == [
        {"month": "2023-03", "days_covered": 4, "days": 31, "status": "partial"},
        {"month": "2026-08", "days_covered": 7, "days": 31, "status": "partial"},
    ]
    assert len(events["gaps"]) == 40
    assert city["months_full"] == []
    assert city["months_partial"] == ["2026-08"]
    # Undo takes every stretch of the file away.
    ok(cli("import", "undo-crime", "--yes"))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CrimeCoverage)) == 0

"""`trygghet import crime FILE`: Brå-style CSV and police event lists, all or nothing."""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.imports.crime_rows import is_county, normalise, parse_count
from survey.models import Area, AuditEvent, CrimeCount, Place

AREAS = "the areas are Bromma, Ekerö, Hässelby-Vällingby"
NOT_UTF8 = (
    "the file is not UTF-8 text (byte 0xe4 cannot be read); save it as UTF-8"
    " (in Excel: CSV UTF-8) and import it again"
)


def write(tmp_path, content, name="brottsstatistik.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def import_file(cli, path, *options):
    return cli("import", "crime", str(path), *options)


def stored(app, source=None):
    """Every stored count as (area slug, place slug, YYYY-MM, category, count, source)."""
    with app.app_context():
        query = (
            select(
                Area.slug,
                Place.slug,
                CrimeCount.month,
                CrimeCount.category,
                CrimeCount.count,
                CrimeCount.source,
            )
            .join(Area, Area.id == CrimeCount.area_id)
            .outerjoin(Place, Place.id == CrimeCount.place_id)
        )
        if source:
            query = query.where(CrimeCount.source == source)
        rows = db.session.execute(query).all()
    return sorted(
        ((a, p, m.strftime("%Y-%m"), c, n, s) for a, p, m, c, n, s in rows),
        key=lambda row: (row[0], row[1] or "", row[2], row[3], row[5]),
    )


def audit_events(app):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "crime.import").order_by(AuditEvent.id)
        ).all()


def assert_refused(app, result, *errors, before=()):
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:-1] == list(errors)
    assert lines[-1].startswith("nothing imported from ")
    assert stored(app) == list(before)
    assert len(audit_events(app)) == (1 if before else 0)


BRA_CSV = (
    "\ufeffmonth;area;category;count;place;rate;Anmälda brott per 100 000 inv.\r\n"
    "2025-01;Bromma;Misshandel;1 234;;12,5;12,5\r\n"
    "2025-01;hässelby-vällingby;Stöld;..;;..;..\r\n"
    "2025-02;HASSELBY VALLINGBY;Stöld;-;;-;-\r\n"
    "2025-02;bromma;Skadegörelse;7;Brommaplan;3.25;x\r\n"
    "2025-02;Bromma;Skadegörelse;2;angbyplan;0,5;\r\n"
    "\r\n"
    "2025-03;ekero;Narkotikabrott;12;;;\r\n"
)


def test_a_bra_csv_is_imported_with_its_quirks(app, cli, tmp_path):
    path = write(tmp_path, BRA_CSV.encode("utf-8"))
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"imported 6 monthly counts (3 months, 3 areas) from {path}\n"
    assert stored(app) == [
        ("bromma", None, "2025-01", "Misshandel", 1234, "csv"),  # thousands separator
        ("bromma", "angbyplan", "2025-02", "Skadegörelse", 2, "csv"),  # matched by name ...
        ("bromma", "brommaplan", "2025-02", "Skadegörelse", 7, "csv"),  # ... and case
        ("ekero", None, "2025-03", "Narkotikabrott", 12, "csv"),
        ("hasselby-vallingby", None, "2025-01", "Stöld", None, "csv"),  # '..' is missing
        ("hasselby-vallingby", None, "2025-02", "Stöld", 0, "csv"),  # '-' is zero
    ]
    [event] = audit_events(app)
    assert event.actor == "cli"
    assert event.details == {
        "source": "csv",
        "filename": "brottsstatistik.csv",
        "rows": 6,
        "months": ["2025-01", "2025-02", "2025-03"],
        "areas": ["bromma", "ekero", "hasselby-vallingby"],
    }


def test_a_comma_separated_file_with_a_quoted_decimal_comma_rate(app, cli, tmp_path):
    content = (
        "area,month,category,count,rate\n"
        'Bromma,2025-04,Misshandel,"1 001","14,25"\n'
        "Ekerö,2025-04,Misshandel,3,2.5\n"
    )
    result = import_file(cli, write(tmp_path, content))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported 2 monthly counts (1 month, 2 areas) from ")
    assert [(a, n) for a, _p, _m, _c, n, _s in stored(app)] == [("bromma", 1001), ("ekero", 3)]


HEADER = "month;area;category;count;place;rate\n"
#: The CLI's today is Stockholm's, which may already be in the next month.
_TODAY = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()
NEXT_MONTH = (_TODAY.replace(day=28) + dt.timedelta(days=10)).strftime("%Y-%m")
THIS_MONTH = _TODAY.strftime("%Y-%m")


def test_a_month_not_over_yet_with_brås_two_dots_is_skipped(app, cli, tmp_path):
    # Brå's monthly tables write '..' for months not published yet; such a row is skipped,
    # while a figure for the same month is still refused (it would stand for a whole month).
    content = (
        HEADER + f"2025-01;Bromma;Rån;3;;\n{THIS_MONTH};Bromma;Rån;..;;..\n"
        f"{NEXT_MONTH};Bromma;Rån; .. ;;\n"
    )
    result = import_file(cli, write(tmp_path, content))
    assert result.exit_code == 0, result.stderr
    assert stored(app) == [("bromma", None, "2025-01", "Rån", 3, "csv")]
    result = import_file(
        cli,
        write(tmp_path, HEADER + f"{THIS_MONTH};Bromma;Rån;..;;\n{THIS_MONTH};Nowhere;Rån;..;;\n"),
    )
    assert result.exit_code == 1
    assert "line 3: unknown area 'Nowhere'" in result.stderr
    result = import_file(cli, write(tmp_path, HEADER + f"{THIS_MONTH};Bromma;Rån;..;;\n"))
    assert result.stderr.splitlines()[0] == (
        "line 2: every count is '..' or empty for a month or year not over yet (1 count):"
        " nothing is published to import yet"
    )


@pytest.mark.parametrize(
    ("content", "errors"),
    [
        (
            HEADER + "2025-01;Bromma;Rån;3;;\n2025-01;Solna;Rån;3;;\n",
            [f"line 3: unknown area 'Solna' ({AREAS})"],
        ),
        (
            HEADER + "2025-13;Bromma;Rån;3;;\n",
            ["line 2: month '2025-13' is not a month written YYYY-MM"],
        ),
        (
            HEADER + "2025/01;Bromma;Rån;3;;\n",
            ["line 2: month '2025/01' is not a month written YYYY-MM"],
        ),
        (HEADER + ";Bromma;Rån;3;;\n", ["line 2: the month is empty"]),
        (
            HEADER + f"{NEXT_MONTH};Bromma;Rån;3;;\n",
            [f"line 2: month {NEXT_MONTH} is in the future"],
        ),
        # A month still going on: its count would be judged, and cover days not yet come.
        (
            HEADER + f"{THIS_MONTH};Bromma;Rån;3;;\n",
            [
                f"line 2: month {THIS_MONTH} has not ended yet:"
                " import its count once the month is over"
            ],
        ),
        (HEADER + "2025-01;Bromma;Rån;-3;;\n", ["line 2: count '-3' is negative"]),
        (HEADER + "0000-01;Bromma;Rån;3;;\n", ["line 2: month 0000-01 is before 1900"]),
        # A message quotes at most 80 characters of what was written.
        (
            HEADER + "2025-01;Bromma;Rån;" + "x" * 5000 + ";;\n",
            ["line 2: count '" + "x" * 79 + "…' is not a number"],
        ),
        (HEADER + "1850-01;Bromma;Rån;3;;\n", ["line 2: month 1850-01 is before 1900"]),
        (
            HEADER + '2025-01;Bromma;"Rån\x1b[31m";3;;\n',
            ["line 2: the category holds control or invisible characters that cannot be stored"],
        ),
        (
            HEADER + "2025-01;Bromma;Rån \u202eexe.txt;3;;\n",
            ["line 2: the category holds control or invisible characters that cannot be stored"],
        ),
        (HEADER + "2025-01;Bromma;Rån;2,5;;\n", ["line 2: count '2,5' is not a whole number"]),
        (HEADER + "2025-01;Bromma;Rån;många;;\n", ["line 2: count 'många' is not a number"]),
        (
            HEADER + "2025-01;Bromma;Rån;99999999999999999999;;\n",
            ["line 2: count '99999999999999999999' is too large (at most 1 000 000 000)"],
        ),
        (  # more digits than Python reads
            HEADER + "2025-01;Bromma;Rån;" + "9" * 5000 + ";;\n",
            ["line 2: count '" + "9" * 79 + "…' is too large (at most 1 000 000 000)"],
        ),
        (
            HEADER + "2025-01;Bromma;Rån;;;\n",
            ["line 2: the count is empty (write '..' for a suppressed figure, '-' for none)"],
        ),
        (
            HEADER + "2025-01;Bromma;Rån;3;;hög\n",
            ["line 2: rate 'hög' is not a number (a decimal comma or point is fine)"],
        ),
        (HEADER + "2025-01;Bromma;Rån;3;Kista;\n", ["line 2: unknown place 'Kista' in Bromma"]),
        (HEADER + "2025-01;Bromma;;3;;\n", ["line 2: the category is empty"]),
        (
            HEADER + "2025-01;Bromma;Rån;3;;;extra\n",
            [
                "line 2: 7 cells, but the file has 6 columns; is a figure or a name split in two"
                " by the separator?"
            ],
        ),
        (
            HEADER + "2025-01;Bromma;Rån;3;;\n\n2025-01;bromma;rån;4;;\n",
            ["line 4: month 2025-01, area Bromma, category 'rån' is already on line 2"],
        ),
        (
            HEADER + "2025-01;Bromma;Rån;3;Alvik;\n2025-01;Bromma;Rån;4;alvik;\n",
            [
                "line 3: month 2025-01, area Bromma, category 'Rån', place Alvik"
                " is already on line 2"
            ],
        ),
        (
            "month;area;category;antal\n2025-01;Bromma;Rån;3\n",
            ["line 1: the column 'count' is missing (needed: month, area, category, count)"],
        ),
        ("", ["line 1: the file is empty; it needs a header row and counts"]),
        ("\ufeff\r\n", ["line 1: the file is empty; it needs a header row and counts"]),
        (HEADER, ["line 2: there are no counts below the header row"]),
        (
            (HEADER + "2025-01;Bromma;Misshandel;3;;\n2025-01;Hässelby;Misshandel;3;;\n").encode(
                "latin-1"
            ),
            [f"line 3: {NOT_UTF8}"],
        ),
        (
            # Every error is listed, in line order, several on one line.
            HEADER + "2025-1;Bromma;Rån;3;;\n2025-01;Solna;Rån;x;;\n2025-02;Ekerö;Rån;1;;\n",
            [
                "line 2: month '2025-1' is not a month written YYYY-MM",
                f"line 3: unknown area 'Solna' ({AREAS})",
                "line 3: count 'x' is not a number",
            ],
        ),
    ],
)
def test_a_bad_csv_stores_nothing(app, cli, tmp_path, content, errors):
    result = import_file(cli, write(tmp_path, content))
    assert_refused(app, result, *errors)


def test_a_refused_file_leaves_earlier_counts_as_they_were(app, cli, tmp_path):
    assert import_file(cli, write(tmp_path, HEADER + "2025-01;Bromma;Rån;3;;\n")).exit_code == 0
    before = stored(app)
    bad = write(tmp_path, HEADER + "2025-01;Bromma;Rån;5;;\n2025-01;Solna;Rån;3;;\n", "b.csv")
    assert_refused(
        app, import_file(cli, bad), f"line 3: unknown area 'Solna' ({AREAS})", before=before
    )


def test_reimporting_the_same_file_replaces_it(app, cli, tmp_path):
    path = write(tmp_path, BRA_CSV)
    assert import_file(cli, path).exit_code == 0
    first = stored(app)
    assert import_file(cli, path).exit_code == 0
    assert stored(app) == first
    with app.app_context():
        assert db.session.scalar(select(func.sum(CrimeCount.count))) == 1234 + 7 + 2 + 12
    assert len(audit_events(app)) == 2


def test_overlapping_months_are_replaced_per_area_month_and_category(app, cli, tmp_path):
    first = HEADER + (
        "2025-01;Bromma;Rån;1;;\n"
        "2025-02;Bromma;Rån;2;;\n"
        "2025-02;Bromma;Misshandel;20;;\n"
        "2025-02;Ekerö;Rån;5;;\n"
    )
    second = HEADER + "2025-02;Bromma;Rån;3;;\n2025-03;Bromma;Rån;4;;\n"
    assert import_file(cli, write(tmp_path, first, "a.csv")).exit_code == 0
    assert import_file(cli, write(tmp_path, second, "b.csv")).exit_code == 0
    assert stored(app) == [
        ("bromma", None, "2025-01", "Rån", 1, "csv"),  # not in the second file: kept
        ("bromma", None, "2025-02", "Misshandel", 20, "csv"),  # not its category: kept
        ("bromma", None, "2025-02", "Rån", 3, "csv"),  # Bromma's February Rån: replaced
        ("bromma", None, "2025-03", "Rån", 4, "csv"),
        ("ekero", None, "2025-02", "Rån", 5, "csv"),  # another area's February: kept
    ]


def event(event_id, when, kind, location, gps="59.33,17.98"):
    return {
        "id": event_id,
        "datetime": when,
        "name": f"{when[:10]}, {kind}, {location}",
        "summary": "Sammanfattning.",
        "url": f"/aktuellt/handelser/{event_id}",
        "type": kind,
        "location": {"name": location, "gps": gps},
    }


EVENTS = [
    event(355001, "2025-09-04 21:35:00 +02:00", "Misshandel", "Bromma"),
    event(355002, "2025-09-30 23:10:00 +02:00", "Misshandel", "bromma"),
    event(355003, "2025-09-12 02:00:00 +02:00", "Stöld", "Bromma"),
    # ISO, in UTC: already October in Stockholm.
    event(355004, "2025-09-30T22:30:00Z", "Misshandel", "Bromma"),
    event(355005, "2025-10-02T10:00:00+02:00", "Misshandel", "Ekerö"),
    event(355006, "2025-10-03 08:00:00 +02:00", "Misshandel", "ekero", gps="59.36,17.83"),
    event(355007, "2025-10-09 20:00:00 +02:00", "Rattfylleri", "Hässelby-Vällingby"),
]


def test_a_police_event_list_is_counted_per_month_type_and_area(app, cli, tmp_path):
    path = write(tmp_path, json.dumps(EVENTS, ensure_ascii=False, indent=1), "handelser.json")
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"imported 7 events (7 new, 0 updated, 0 unchanged, 0 outside every area) from {path}",
        "7 events in 3 areas (bromma, ekero, hasselby-vallingby) over 2 months; 5 monthly"
        " counts derived again in the months these events fall in",
    ]
    assert stored(app) == [
        ("bromma", None, "2025-09", "Misshandel", 2, "events"),
        ("bromma", None, "2025-09", "Stöld", 1, "events"),
        ("bromma", None, "2025-10", "Misshandel", 1, "events"),
        # The coordinates are a municipality centre: never a place.
        ("ekero", None, "2025-10", "Misshandel", 2, "events"),
        ("hasselby-vallingby", None, "2025-10", "Rattfylleri", 1, "events"),
    ]
    [audit] = audit_events(app)
    assert audit.details["source"] == "events"
    assert audit.details["events"] == 7
    assert audit.details["months"] == ["2025-09", "2025-10"]


def test_reimporting_events_replaces_them_and_leaves_the_csv_counts(app, cli, tmp_path):
    csv_path = write(tmp_path, HEADER + "2025-09;Bromma;Misshandel;40;;\n")
    assert import_file(cli, csv_path).exit_code == 0
    path = write(tmp_path, json.dumps(EVENTS), "handelser.json")
    assert import_file(cli, path).exit_code == 0
    assert import_file(cli, path).exit_code == 0
    # A later list with one more event in Bromma's September: replaced, not added.
    more = [*EVENTS, event(355008, "2025-09-20 12:00:00 +02:00", "Stöld", "Bromma")]
    text = path.with_name("events.txt")
    text.write_text(json.dumps(more), encoding="utf-8")
    assert import_file(cli, text, "--format", "events").exit_code == 0
    assert [row for row in stored(app) if row[0] == "bromma" and row[2] == "2025-09"] == [
        ("bromma", None, "2025-09", "Misshandel", 40, "csv"),
        ("bromma", None, "2025-09", "Misshandel", 2, "events"),
        ("bromma", None, "2025-09", "Stöld", 2, "events"),
    ]


def test_the_summary_says_which_events_in_an_area_are_not_crimes(app, cli, tmp_path):
    # A tester's file: only a fire and a traffic check in Ekerö. Both are stored and kept for
    # context, but no crime is counted: the summary must say why no count was derived.
    only_context = [
        event(2, "2025-09-01 10:00:00 +02:00", "Brand", "Ekerö"),
        event(3, "2025-09-02 10:00:00 +02:00", "Brand", "Ekerö"),
        event(4, "2025-09-03 10:00:00 +02:00", "Trafikkontroll", "Ekerö"),
    ]
    path = write(tmp_path, json.dumps(only_context), "e.json")
    assert import_file(cli, path).stdout.splitlines()[1] == (
        "3 events in 1 area (ekero) over 1 month, none of them a crime (Brand 2,"
        " Trafikkontroll 1): not crimes, kept for context and never counted; 0 monthly counts"
        " derived again in the months these events fall in"
    )
    more = [*only_context, event(5, "2025-09-04 10:00:00 +02:00", "Rån", "Ekerö")]
    path = write(tmp_path, json.dumps(more), "f.json")
    assert (
        import_file(cli, path)
        .stdout.splitlines()[1]
        .startswith(
            "4 events in 1 area (ekero) over 1 month, 3 of them (Brand 2, Trafikkontroll 1): not"
            " crimes, kept for context and never counted; 1 monthly count derived again"
        )
    )
    assert stored(app) == [("ekero", None, "2025-09", "Rån", 1, "events")]


def test_events_outside_every_area_are_skipped_and_summarised(app, cli, tmp_path):
    events = [event(1, "2025-09-01 10:00:00 +02:00", "Rån", "Bromma")]
    events += [event(100 + i, "2025-09-02 10:00:00 +02:00", "Rån", "Solna") for i in range(23)]
    events += [event(7, "2025-09-03 10:00:00 +02:00", "Rån", "Stockholms län")]
    path = write(tmp_path, json.dumps(events), "e.json")
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"imported 25 events (25 new, 0 updated, 0 unchanged, 24 outside every area) from {path}",
        "1 event in 1 area (bromma) over 1 month; 1 monthly count derived again in the months"
        " these events fall in",
        "24 events outside every area, stored and counted once an area or alias names the"
        " place (by municipality): Solna 23, Stockholms län 1",
    ]
    assert stored(app) == [("bromma", None, "2025-09", "Rån", 1, "events")]
    assert audit_events(app)[0].details["skipped"] == 24
    # Solna given to Bromma as another name: its 23 stored events count, without a re-import.
    result = cli("area", "alias", "bromma", "Solna")
    assert result.exit_code == 0, result.stderr
    assert stored(app) == [("bromma", None, "2025-09", "Rån", 24, "events")]


def test_bad_events_are_each_named_by_position_and_id(app, cli, tmp_path):
    events = [
        event(1, "2025-09-01 10:00:00 +02:00", "Rån", "Bromma"),
        event(1, "2025-09-01 11:00:00 +02:00", "Rån", "Bromma"),
        event(3, "igår kväll", "Rån", "Bromma"),
        event(4, "2999-01-01 10:00:00 +01:00", "", "Bromma"),
        {"datetime": "2025-09-01 10:00:00 +02:00", "type": "Rån", "location": {}},
        "Rån i Bromma",
    ]
    result = import_file(cli, write(tmp_path, json.dumps(events, ensure_ascii=False), "e.json"))
    assert_refused(
        app,
        result,
        "event 2 (id 1): the same id as event 1",
        'event 3 (id 3): datetime "igår kväll" is not a date and time like'
        " 2026-05-04 21:35:00 +02:00 (from 2000 on)",
        "event 4 (id 4): month 2999-01 is in the future",
        "event 4 (id 4): the type is missing",
        "event 5: the id is missing",
        "event 5: the location name is missing",
        "event 6: not an object with id, datetime and type",
    )


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            '[\n {"id": 1,\n  "type": "Rån"\n  "datetime": ""}\n]',
            "line 4: the file is not valid JSON: a comma is missing between two values (column 3)",
        ),
        ("", "line 1: the file is empty; an event list starts with ["),
        ('{"events": []}', "line 1: the file must hold a JSON array of events"),
        ("[]", "line 1: the event list is empty"),
    ],
)
def test_a_file_that_is_not_an_event_list_stores_nothing(app, cli, tmp_path, content, error):
    assert_refused(app, import_file(cli, write(tmp_path, content, "e.json")), error)


def test_an_event_list_that_is_not_utf8(app, cli, tmp_path):
    content = '[\n{"id": 1, "type": "Misshandel", "location": {"name": "Hässelby"}}\n]'
    content = content.encode("latin-1")
    assert_refused(app, import_file(cli, write(tmp_path, content, "e.json")), f"line 2: {NOT_UTF8}")


@pytest.mark.parametrize(
    ("packed", "error"),
    [
        (
            "gzip",
            "line 1: the file is compressed (gzip), not text: unpack it (gunzip) and import the"
            " text",
        ),
        *(
            (
                kind,
                "line 1: the file is a ZIP archive or an Excel workbook, not text: save the"
                " workbook as CSV UTF-8, or unpack the archive, and import the text",
            )
            for kind in ("zip", "zip, first line plain")
        ),
    ],
)
def test_a_packed_file_is_named_as_such(app, cli, tmp_path, packed, error):
    import gzip
    import io
    import zipfile

    text = json.dumps([event(1, "2025-09-01 10:00:00 +02:00", "Rån", "Bromma")])
    if packed == "gzip":
        content = gzip.compress(text.encode())
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("events.json", text * 20)
        content = buffer.getvalue()
        if packed == "zip, first line plain":
            # A ZIP whose header's bytes happen to hold a line break before any byte that is
            # not UTF-8 (12 of 200 stored archives of a CSV did): the start still tells.
            content = b"PK\x03\x04\x14\x00\n" + content[6:]
    assert_refused(app, import_file(cli, write(tmp_path, content, "e.json")), error)


def test_whole_number_ids_saved_as_floats_are_the_same_ids(app, cli, tmp_path):
    # A tool that reads every number as a float writes the police's ids back as 123456.0.
    events = [event(123456, "2025-09-01 10:00:00 +02:00", "Rån", "Bromma") | {"id": 123456.0}]
    assert import_file(cli, write(tmp_path, json.dumps(events), "e.json")).exit_code == 0
    again = [event(123456, "2025-09-01 10:00:00 +02:00", "Rån", "Bromma")]
    result = import_file(cli, write(tmp_path, json.dumps(again), "again.json"))
    assert result.exit_code == 0, result.stderr
    assert "(0 new, 0 updated, 1 unchanged, 0 outside every area)" in result.stdout
    assert stored(app) == [("bromma", None, "2025-09", "Rån", 1, "events")]


def test_an_id_that_is_not_a_whole_number_is_named(app, cli, tmp_path):
    events = [
        event(12.5, "2025-09-01 10:00:00 +02:00", "Rån", "Bromma"),
        event(1e17, "2025-09-01 10:00:00 +02:00", "Rån", "Bromma"),
    ]
    result = import_file(cli, write(tmp_path, json.dumps(events), "e.json"))
    assert_refused(
        app,
        result,
        "event 1: the id 12.5 is not a whole number (the police's ids are)",
        "event 2: the id 1e+17 is too large to be exact as a number: give it as a text",
    )


def test_the_format_can_be_forced(app, cli, tmp_path):
    path = write(tmp_path, HEADER + "2025-01;Bromma;Rån;3;;\n", "counts.json")
    result = import_file(cli, path, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert stored(app) == [("bromma", None, "2025-01", "Rån", 3, "csv")]


@pytest.mark.parametrize(
    ("name", "folded"),
    [("Hässelby-Vällingby", "hasselbyvallingby"), ("EKERÖ", "ekero"), ("Å kes hov", "akeshov")],
)
def test_names_are_folded_for_matching(name, folded):
    assert normalise(name) == folded


@pytest.mark.parametrize(
    ("name", "county"),
    [
        ("Stockholms län", True),
        ("Gotlands  LÄN ", True),
        ("Stockholms la\u0308n", True),  # the dots as a combining mark
        ("Stockholms lan", True),  # typed without them
        ("Län", False),
        ("Kalmar", False),
        ("Ekerö", False),
    ],
)
def test_a_county_is_found_by_its_last_word(name, county):
    assert is_county(name) is county


@pytest.mark.parametrize(
    ("text", "value"),
    [("..", None), ("-", 0), ("1 234", 1234), ("12\u00a0345 678", 12345678), (" 7 ", 7)],
)
def test_counts_in_bra_notation(text, value):
    assert parse_count(text) == (value, None)


def test_a_file_without_end_is_refused_at_50_mb(app, cli):
    # /dev/zero has no size: it is read up to the limit, never to the end.
    result = import_file(cli, Path("/dev/zero"), "--format", "csv")
    assert result.exit_code == 1
    assert "the file is larger than 50 MB" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_tab_separated_csv_is_found_from_its_header(app, cli, tmp_path):
    # Excel's "Text (tab-separated)": refused as a file of unknown shape before.
    path = write(tmp_path, "month\tarea\tcategory\tcount\n2020-01\tBromma\tMisshandel\t3\n")
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert stored(app) == [("bromma", None, "2020-01", "Misshandel", 3, "csv")]


def test_excel_s_unicode_text_imports(app, cli, tmp_path):
    # Excel's "Unicode text": UTF-16 with its byte order mark, tabs between the cells.
    text = "month\tarea\tcategory\tcount\r\n2020-01\tEkerö\tMisshandel\t3\r\n"
    path = write(tmp_path, "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"), "brott.txt")
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    assert stored(app) == [("ekero", None, "2020-01", "Misshandel", 3, "csv")]

"""The crime importers' messages in Swedish (for the upload page), with their line numbers,
while `trygghet import crime` keeps writing them in English."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from flask_babel import force_locale

from survey.extensions import db
from survey.imports import ImportRefused
from survey.imports.crime import import_crime
from survey.imports.crime_rows import parse_count
from tests.imports.test_crime import AREAS, stored, write

#: Not a month still going on for any file below.
TODAY = dt.date(2026, 6, 15)

BAD_COUNT = "Kommun;Antal;Per 100 000 inv.\nEkerö;12x;300,5\nBromma;1.000;2\n"
UNKNOWN_AREA = "month;area;category;count\n2025-01;Bromma;Rån;3\n2025-02;Nowhere;Rån;4\n"
BAD_EVENTS = [
    {
        "id": 7,
        "datetime": "2026-05-04 21:35:00 +02:00",
        "type": "Rån",
        "location": {"name": "Ekerö"},
    },
    {"id": 8, "datetime": "igår", "type": "Stöld", "location": {"name": "Ekerö"}},
    {"id": 7, "datetime": "2026-05-05 08:00:00 +02:00", "type": "Rån", "location": {}},
]


def _refused(app, path, *, lang="sv", request=False, **options) -> list[str]:
    """The errors an import of ``path`` is refused with, in ``lang``; ``request``: as for a
    page (the upload's fields named), else as for a script."""
    context = app.test_request_context() if request else app.app_context()
    with context, force_locale(lang), pytest.raises(ImportRefused) as refused:
        import_crime(db.session, path, today=TODAY, **options)
    return refused.value.lines()


def test_a_bra_file_with_bad_counts_is_refused_in_swedish(app, tmp_path):
    path = write(tmp_path, BAD_COUNT, "anmalda_brott_kommuner_2023.csv")
    assert _refused(app, path) == [
        "rad 2: antalet ”12x” är inget tal",
        "rad 3: antalet ”1.000” kan betyda 1 eller 1 000: skriv 1 eller 1 000",
    ]
    assert stored(app) == []


def test_a_police_event_list_with_a_malformed_event_is_refused_in_swedish(app, tmp_path):
    path = write(tmp_path, json.dumps(BAD_EVENTS, ensure_ascii=False), "handelser.json")
    assert _refused(app, path) == [
        'händelse 2 (id 8): datetime "igår" är inte ett datum och en tid som'
        " 2026-05-04 21:35:00 +02:00 (från 2000 och framåt)",
        "händelse 3 (id 7): samma id som händelse 1",
        "händelse 3 (id 7): platsens namn saknas",
    ]


def test_a_csv_with_an_unknown_area_is_refused_in_swedish(app, tmp_path):
    path = write(tmp_path, UNKNOWN_AREA)
    swedish_areas = AREAS.replace("the areas are", "områdena är")
    assert _refused(app, path) == [f"rad 3: okänt område ”Nowhere” ({swedish_areas})"]


def test_the_upload_page_names_its_year_field_not_the_option(app, tmp_path):
    path = write(tmp_path, "Kommun;Antal;Per 100 000 inv.\nEkerö;12\n", "brott_2023.csv")
    assert _refused(app, path, request=True, year=2020) == [
        "fältet År anger 2020, men filnamnet anger 2023"
    ]
    assert _refused(app, path, request=True, lang="en", year=2020) == [
        "the Year field says 2020, but the file name says 2023"
    ]
    # Without a request (a script, the command): the option.
    assert _refused(app, path, lang="en", year=2020) == [
        "--year says 2020, but the file name says 2023"
    ]
    json_file = write(tmp_path, "[]", "handelser.csv")
    assert _refused(app, json_file, request=True, fmt="csv") == [
        "rad 1: filen är JSON, inte av typen ”CSV-fil”: polisens händelselista importeras med"
        " fältet Format satt till ”polisens händelser (JSON)” eller ”Läses av från filen”"
    ]


def test_the_summary_is_in_swedish_with_its_plurals(app, tmp_path):
    path = write(tmp_path, "month;area;category;count\n2025-01;Bromma;Rån;3\n")
    with app.app_context(), force_locale("sv"):
        result = import_crime(db.session, path, today=TODAY)
        assert result.report("brott.csv") == [
            "importerade 1 månadssiffra (1 månad, 1 område) från brott.csv"
        ]
        db.session.rollback()


def test_without_an_app_the_messages_are_english():
    assert parse_count("12x") == (None, "count '12x' is not a number")
    assert parse_count("") == (
        None,
        "the count is empty (write '..' for a suppressed figure, '-' for none)",
    )


def test_the_command_still_writes_english(app, cli, tmp_path):
    path = write(tmp_path, UNKNOWN_AREA)
    result = cli("import", "crime", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"line 3: unknown area 'Nowhere' ({AREAS})",
        f"nothing imported from {path}",
    ]
    events = write(tmp_path, json.dumps(BAD_EVENTS, ensure_ascii=False), "handelser.json")
    result = cli("import", "crime", str(events))
    assert result.stderr.splitlines()[:3] == [
        'event 2 (id 8): datetime "igår" is not a date and time like'
        " 2026-05-04 21:35:00 +02:00 (from 2000 on)",
        "event 3 (id 7): the same id as event 1",
        "event 3 (id 7): the location name is missing",
    ]
    good = write(tmp_path, "month;area;category;count\n2025-01;Bromma;Rån;3\n", "ok.csv")
    result = cli("import", "crime", str(good))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"imported 1 monthly count (1 month, 1 area) from {good}"
    )


@pytest.mark.parametrize(
    ("content", "name", "fmt", "swedish"),
    [
        (
            "<!DOCTYPE html>\n<html><body>Sidan finns inte</body></html>\n",
            "handelser.json",
            None,
            "rad 1: det här är ingen händelselista från polisen (JSON, som börjar med [): den"
            " börjar med ”<!DOCTYPE html>”",
        ),
        (
            UNKNOWN_AREA,
            "brott.csv",
            "events",
            "rad 1: det här är ingen händelselista från polisen (JSON, som börjar med [): den"
            " börjar med ”month;area;category;count”",
        ),
        ("\n\n", "handelser.json", None, "rad 1: filen är tom; en händelselista börjar med ["),
        (
            '[{"id": 1}]\n[{"id": 2}]\n',
            "handelser.json",
            None,
            "rad 2: filen är inte giltig JSON: det kommer mer efter att listan har slutat (en"
            " händelse per rad är ingen lista) (kolumn 1)",
        ),
        (
            '[{"id": 1} {"id": 2}]',
            "handelser.json",
            None,
            "rad 1: filen är inte giltig JSON: ett kommatecken saknas mellan två värden"
            " (kolumn 12)",
        ),
        (
            "[" + "1" * 5000 + "]",
            "handelser.json",
            None,
            "filen är ingen händelselista: ett tal har tusentals siffror",
        ),
        (
            'month;area;category;count\n2025-01;Bromma;"Rån;3\n' + "x" * 140_000 + "\n",
            "brott.csv",
            "csv",
            "rad 2: CSV-filen går inte att läsa: en cell är längre än 131 072 tecken (ett"
            " citattecken som aldrig avslutas tar med alla rader efter det)",
        ),
    ],
)
def test_what_the_json_and_csv_readers_refuse_is_said_in_swedish(
    app, tmp_path, content, name, fmt, swedish
):
    # Not the readers' English ("Expecting value", "field larger than field limit"), and a
    # table or a web page given as an event list is told what it is.
    path = write(tmp_path, content, name)
    assert _refused(app, path, fmt=fmt) == [swedish]
    assert stored(app) == []


def test_a_bra_file_given_as_the_simple_csv_is_told_its_shape(app, tmp_path):
    # One message, not one "column missing" for each of month, area, category and count.
    path = write(tmp_path, BAD_COUNT, "anmalda_brott_kommuner_2023.csv")
    assert _refused(app, path, lang="en", fmt="csv") == [
        "line 1: this is a file from Brå (bra-open), not a CSV of monthly counts"
        " (month;area;category;count): import it with --format set to bra-open"
    ]
    assert _refused(app, path, request=True, fmt="csv") == [
        "rad 1: det här är en fil från Brå (”Brås öppna fil per kommun”), inte en CSV-fil med"
        " antal per månad (month;area;category;count): importera den med fältet Format satt"
        " till ”Brås öppna fil per kommun”"
    ]


def test_large_counts_are_grouped_on_the_page_and_plain_on_the_command_line(app):
    from collections import Counter

    from survey.imports.crime_result import CrimeImport

    done = CrimeImport(
        source="events",
        filename="handelser.json",
        rows=12_345,
        months=["2026-05"],
        areas=["ekero"],
        events=100_001,
        new=98_765,
        updated=1_236,
        skipped=Counter({"Malmö": 4_321}),
        in_areas=95_680,
    )
    with app.test_request_context(), force_locale("sv"):
        page = done.report("handelser.json", {"ekero": "Ekerö"})
    assert page[0] == (
        "importerade 100\xa0001 händelser (nya: 98\xa0765, uppdaterade: 1\xa0236, oförändrade: 0,"
        " utanför alla områden: 4\xa0321) från handelser.json"
    )
    assert page[1].startswith("95\xa0680 händelser i 1 område (Ekerö) under 1 månad; 12\xa0345 ")
    assert "Malmö 4\xa0321" in page[2]
    with app.app_context(), force_locale("en"):
        script = done.report("handelser.json")
    assert script[0].startswith("imported 100001 events (98765 new, 1236 updated, 0 unchanged,")
    assert "Malmö 4321" in script[2]

"""`trygghet import responses FILE.csv`: all or nothing, every error named by line and column."""

import csv
import datetime as dt
import gzip
import hashlib
import io
import sqlite3
from contextlib import nullcontext
from importlib import resources
from types import SimpleNamespace

import pytest
import yaml
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from survey.extensions import db
from survey.imports import ImportRefused
from survey.imports.response_lookups import Lookups
from survey.imports.responses import check_rows, import_responses
from survey.models import (
    AuditEvent,
    ImportBatch,
    Place,
    QuestionnaireVersion,
    Response,
    SurveyRound,
)
from survey.reports.raw_data import response_columns
from tests.common.web import VALID_ANSWER, count_responses, local_today, stored_responses, submit

# A week ahead, not tomorrow: still in the future when a run passes midnight in Stockholm.
NEXT_WEEK = (local_today() + dt.timedelta(days=7)).isoformat()


def write(tmp_path, content, name="answers.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def import_file(cli, path, lang="en"):
    """Import in English (the command's default is Swedish) unless told."""
    return cli("import", "responses", "--lang", lang, str(path))


def batches(app):
    with app.app_context():
        return db.session.scalars(select(ImportBatch)).all()


def assert_nothing_stored(app, result):
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("nothing imported from ")
    assert count_responses(app) == 0
    assert batches(app) == []
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "responses.import" not in actions


@pytest.fixture
def round_2025(app):
    """A closed 2025 round for Bromma only."""
    with app.app_context():
        bromma = db.session.scalar(select(Place).where(Place.slug == "alvik")).area
        survey_round = SurveyRound(
            name="2025", opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 12, 31)
        )
        survey_round.areas.append(bromma)
        db.session.add(survey_round)
        db.session.commit()
        return survey_round.id


def retire(app, slug):
    with app.app_context():
        db.session.scalar(select(Place).where(Place.slug == slug)).retired = True
        db.session.commit()


def test_a_good_file_is_imported_with_its_values(app, cli, tmp_path, round_2025):
    retire(app, "akeshov")  # a retired place keeps its history: it may be imported
    content = (
        "\ufeffsubmitted_on,place,relation,safety_evening,police_priority,comment,victim,reported\r\n"
        '2025-03-01,alvik,live,3,drugs;presence,"Mörkt vid\r\nstationen, sa ""hon""",yes,no\r\n'
        "2025-03-02,akeshov,visit,,,,no,yes\r\n"
        "\r\n"
        "2024-06-30, alvik ,work, avoid ,youth,,,\r\n"
    )
    path = write(tmp_path, content)
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    [batch] = batches(app)
    assert result.stdout == f"imported 3 responses from {path} (batch {batch.id})\n"
    assert batch.rows == 3
    assert batch.filename == "answers.csv"
    assert batch.imported_by == "cli"
    # Of the content: without the byte order mark and with Unix line ends.
    unix = content.removeprefix("\ufeff").replace("\r\n", "\n").encode()
    assert batch.checksum == hashlib.sha256(unix).hexdigest()
    first, second, third = stored_responses(app)
    assert first.place.slug == "alvik"
    assert first.submitted_on == dt.date(2025, 3, 1)
    assert first.relation == "live"
    assert first.safety_evening == "3"
    assert first.safety_day is None  # a missing column is not answered
    assert first.police_priority == "presence;drugs"  # questionnaire order
    assert first.comment == 'Mörkt vid\nstationen, sa "hon"'
    assert (first.victim, first.reported) == ("yes", "no")
    assert first.source == "import"
    assert first.questionnaire_version == 1
    assert first.round_id == round_2025  # the round open on that date for Bromma
    assert first.import_batch_id == batch.id
    assert second.place.slug == "akeshov"
    assert second.safety_evening is None  # an empty cell is not answered
    assert second.reported is None  # the skip rule: asked only if victim is yes
    assert (third.safety_evening, third.place.slug, third.round_id) == ("avoid", "alvik", None)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "responses.import"))
    assert event.actor == "cli"
    assert (event.target_type, event.target_id) == ("ImportBatch", batch.id)
    assert event.details == {"filename": "answers.csv", "rows": 3}


def test_a_file_with_every_column(app, cli, tmp_path, round_2025):
    columns = response_columns()
    row = dict.fromkeys(columns, "")
    row |= VALID_ANSWER | {
        "submitted_on": "2025-05-05",
        "place": "stenhamra",
        "problem_traffic": "0",
        "police_priority": "other",
        "gender": "na",
        "questionnaire_version": "1",
        "source": "paper",
        "round": str(round_2025),
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerow(row)
    result = import_file(cli, write(tmp_path, out.getvalue()))
    assert result.exit_code == 0, result.stderr
    [stored] = stored_responses(app)
    assert stored.source == "paper"
    assert stored.round_id == round_2025  # as the file says, though Ekerö is not in it
    assert (stored.safety_night, stored.problem_traffic, stored.gender) == ("avoid", "0", "na")


def test_an_export_imports_back_unchanged(app, client, cli, tmp_path):
    submit(
        client,
        "brommaplan",
        VALID_ANSWER
        | {
            "victim": "yes",
            "reported": "yes",
            "police_priority": ["youth", "presence"],
            "comment": 'Två rader,\nmed "citat".',
        },
    )
    submit(client, "ekero-centrum", VALID_ANSWER | {"worry": "dk", "age_band": "65+"})
    submit(client, "alvik", VALID_ANSWER)
    exported = tmp_path / "export.csv"
    assert cli("export", "responses", "--out", str(exported)).exit_code == 0
    before = exported.read_text("utf-8")
    with app.app_context():
        db.session.execute(delete(Response))
        db.session.commit()
    result = import_file(cli, exported)
    assert result.exit_code == 0, result.stderr
    assert count_responses(app) == 3
    again = cli("export", "responses")

    def rows(text: str) -> tuple[list[str], list[list[str]]]:
        # Answers of one day come in random order: compare the header and the set of rows.
        header, *body = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
        return header, sorted(body)

    assert again.stdout.startswith("\ufeff")
    assert rows(again.stdout) == rows(before)
    assert {r.source for r in stored_responses(app)} == {"web"}


def test_the_same_file_is_refused_a_second_time(app, cli, tmp_path):
    path = write(tmp_path, "submitted_on,place,relation\n2025-03-01,alvik,live\n")
    assert import_file(cli, path).exit_code == 0
    [batch] = batches(app)
    copy = write(tmp_path, path.read_text("utf-8"), name="renamed.csv")
    result = import_file(cli, copy)
    assert result.exit_code == 1
    when = batch.imported_at.strftime("%Y-%m-%d %H:%M")
    assert result.stderr.splitlines()[0] == (
        f"this file was already imported on {when} UTC as batch {batch.id} (answers.csv, 1 row)"
    )
    assert count_responses(app) == 1
    assert len(batches(app)) == 1


@pytest.mark.parametrize(
    "saved_again",
    [
        lambda text: text.replace("\n", "\r\n").encode(),  # Excel's CRLF
        lambda text: b"\xef\xbb\xbf" + text.encode(),  # Excel's "CSV UTF-8" mark
        lambda text: (text + "\n\n").encode(),  # empty lines at the end
    ],
    ids=["crlf", "bom", "empty lines"],
)
def test_the_same_rows_saved_again_are_refused_as_the_same_file(app, cli, tmp_path, saved_again):
    text = "submitted_on,place,relation\n2025-03-01,alvik,live\n2025-03-02,alvik,work\n"
    assert import_file(cli, write(tmp_path, text)).exit_code == 0
    [batch] = batches(app)
    again = tmp_path / "saved-again.csv"
    again.write_bytes(saved_again(text))
    result = import_file(cli, again)
    assert result.exit_code == 1
    assert f"as batch {batch.id} (answers.csv, 2 rows)" in result.stderr.splitlines()[0]
    assert count_responses(app) == 2


def test_a_file_imported_before_the_content_checksum_is_still_recognised(app, cli, tmp_path):
    # Batches of earlier versions carry the checksum of the file's bytes.
    path = write(tmp_path, "submitted_on,place,relation\n2025-03-01,alvik,live\n")
    assert import_file(cli, path).exit_code == 0
    with app.app_context():
        [batch] = db.session.scalars(select(ImportBatch)).all()
        batch.checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        db.session.commit()
    assert import_file(cli, path).exit_code == 1
    assert count_responses(app) == 1


HEAD = "submitted_on,place,relation\n"
GOOD = "2025-03-01,alvik,live\n"
LIVE_OPTIONS = "use live, work, study, visit, pass"
PRIORITIES = "presence, alcohol, drugs, youth, violence, traffic, other"

BAD_FILES = {
    "unknown column": (
        "submitted_on,place,relation,colour\n2025-03-01,alvik,live,blue\n",
        "line 1, column colour: not a known column: use submitted_on, place, the"
        " questionnaire's item codes, questionnaire_version, source, round, round_name,"
        " round_opens_on and round_closes_on",
    ),
    "missing required column": (
        "place,relation\nalvik,live\n",
        "line 1, column submitted_on: this required column is missing",
    ),
    "duplicate column": (
        "submitted_on,place,relation,relation\n2025-03-01,alvik,live,live\n",
        "line 1, column relation: the column appears more than once",
    ),
    "bad value": (
        HEAD + GOOD + "2025-03-01,alvik,neighbour\n",
        f'line 3, column relation: "neighbour" is not an option; {LIVE_OPTIONS}',
    ),
    "too many priorities": (
        "submitted_on,place,police_priority\n2025-03-01,alvik,presence;drugs;youth;traffic\n",
        "line 2, column police_priority: at most 3 options, not 4",
    ),
    "unknown priority": (
        "submitted_on,place,police_priority\n2025-03-01,alvik,presence;cats\n",
        f'line 2, column police_priority: "cats" is not an option; use {PRIORITIES}',
    ),
    "bad date": (
        HEAD + "01/03/2025,alvik,live\n",
        'line 2, column submitted_on: "01/03/2025" is not a date of the form YYYY-MM-DD',
    ),
    "impossible date": (
        HEAD + "2025-02-30,alvik,live\n",
        'line 2, column submitted_on: "2025-02-30" is not a real date',
    ),
    "future date": (
        HEAD + f"{NEXT_WEEK},alvik,live\n",
        f'line 2, column submitted_on: "{NEXT_WEEK}" is in the future',
    ),
    "a typo in the year": (
        HEAD + "2025-03-01,alvik,live\n0026-12-03,alvik,live\n1999-12-31,alvik,live\n",
        'line 3, column submitted_on: "0026-12-03" is before the year 2000',
    ),
    "missing date": (
        HEAD + ",alvik,live\n",
        "line 2, column submitted_on: missing: every row needs the date the answer was given"
        " (YYYY-MM-DD)",
    ),
    "unknown place": (
        HEAD + "2025-03-01,atlantis,live\n",
        'line 2, column place: "atlantis" is not a known place; use the slug of a place of'
        " this database (see Places)",
    ),
    "unknown round": (
        "submitted_on,place,round\n2025-03-01,alvik,999999\n",
        'line 2, column round: "999999" is not the id of a survey round of this database; ids'
        " differ between databases, so give the round's name and dates in round_name,"
        " round_opens_on and round_closes_on (as the export does), or leave round empty for"
        " the round open on each date",
    ),
    "unknown questionnaire version": (
        "submitted_on,place,relation,questionnaire_version\n2025-03-01,alvik,live,7\n",
        'line 2, column questionnaire_version: "7" is not a recorded version',
    ),
    "unknown source": (
        "submitted_on,place,source\n2025-03-01,alvik,email\n",
        'line 2, column source: "email" is not a source; use web, paper, import',
    ),
    "comment too long": (
        f"submitted_on,place,comment\n2025-03-01,alvik,{'x' * 1001}\n",
        "line 2, column comment: at most 1000 characters, not 1001",
    ),
    "control character": (
        "submitted_on,place,comment\n2025-03-01,alvik,ring\x07\n",
        "line 2, column comment: contains control characters, which cannot be stored",
    ),
    "empty file": ("", "line 1: the file is empty; it needs a header row and answers"),
    "header only": (HEAD + "\n", "line 2: there are no answers below the header row"),
    "not UTF-8": (
        "submitted_on,place,comment\n2025-03-01,alvik,ok\n2025-03-01,akeshov,Åkeshov\n".encode(
            "latin-1"
        ),
        "line 3: the file is not UTF-8 text (byte 0xc5 cannot be read); save it as UTF-8"
        " (in Excel: CSV UTF-8) and import it again",
    ),
    "gzip": (
        gzip.compress(b"submitted_on,place\n2025-03-01,alvik\n"),
        "line 1: the file is compressed (gzip), not text: unpack it (gunzip) and import the text",
    ),
    "a workbook": (
        # The start of every XLSX file: a ZIP archive's first entry.
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb4\x1f\x8e\x9c[Content_Types].xml",
        "line 1: the file is a ZIP archive or an Excel workbook, not text: save the workbook as"
        " CSV UTF-8, or unpack the archive, and import the text",
    ),
    "too many cells": (
        HEAD + "2025-03-01,alvik,live,extra\n",
        "line 2: the row has 4 cells but the header has 3 columns",
    ),
    "unterminated quote": (
        'submitted_on,place,comment\n2025-03-01,alvik,ok\n2025-03-01,alvik,"open\n',
        "line 3: the CSV cannot be read: the file ends inside a quoted cell: a quote is not closed",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_and_stores_nothing(app, cli, tmp_path, case):
    content, message = BAD_FILES[case]
    result = import_file(cli, write(tmp_path, content))
    assert result.stderr.splitlines()[0] == message
    assert_nothing_stored(app, result)


def test_every_error_is_listed_with_the_files_line_numbers(app, cli, tmp_path):
    content = (
        "submitted_on,place,relation,comment\n"
        '2025-03-01,alvik,live,"three\nline\ncomment"\n'  # lines 2-4
        "2025-03-01,alvik,friend,\n"  # line 5
        '2025-13-01,nowhere,live,"two\nlines"\n'  # lines 6-7
        "2025-03-01,alvik,live,\n"
    )
    result = import_file(cli, write(tmp_path, content))
    assert result.stderr.splitlines()[:-1] == [
        f'line 5, column relation: "friend" is not an option; {LIVE_OPTIONS}',
        'line 6, column submitted_on: "2025-13-01" is not a real date',
        'line 6, column place: "nowhere" is not a known place; use the slug of a place of this'
        " database (see Places)",
    ]
    assert_nothing_stored(app, result)


def test_a_refused_file_never_blocks_the_answers_on_the_web(app, tmp_path):
    # A file is checked whole before anything is written: on SQLite, writing takes the one
    # write lock, and residents' answers would wait (and fail after the busy timeout) for as
    # long as a bad file took to read.
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's single write lock; PostgreSQL locks rows")
        database = db.engine.url.database
        tries: list[str] = []

        def web_answer(_n: int) -> None:
            other = sqlite3.connect(database, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
                tries.append("written")
            except sqlite3.OperationalError as exc:
                tries.append(str(exc))
            finally:
                other.close()

        def progress(_label: str, _length: int):
            return nullcontext(SimpleNamespace(update=web_answer))

        path = write(tmp_path, HEAD + GOOD * 3000 + "2025-03-01,alvik,nope\n")
        with pytest.raises(ImportRefused):
            import_responses(db.session, path, progress=progress)
        db.session.rollback()
    assert tries, "the progress was told at least once"
    assert set(tries) == {"written"}


def test_the_error_list_is_capped(app, cli, tmp_path):
    rows = "".join(f"2025-03-01,alvik,nope{n}\n" for n in range(150))
    result = import_file(cli, write(tmp_path, HEAD + rows))
    lines = result.stderr.splitlines()
    assert len(lines) == 102
    assert lines[99].startswith('line 101, column relation: "nope99" is not an option')
    assert lines[100] == "... and 50 more errors"
    assert_nothing_stored(app, result)


def test_identical_errors_are_listed_once_with_their_lines_and_count(app, cli, tmp_path):
    rows = ["2025-03-01,alvik,nope"] * 1500
    rows[700] = "2025-03-01,alvik,live"  # a good row splits the run
    rows[900] = "2025-03-01,atlantis,nope"
    result = import_file(cli, write(tmp_path, HEAD + "\r\n".join(rows) + "\r\n"))
    assert result.stderr.splitlines()[:-1] == [
        f'lines 2–701, 703–1501 (1499 rows), column relation: "nope" is not an option;'
        f" {LIVE_OPTIONS}",
        'line 902, column place: "atlantis" is not a known place; use the slug of a place of'
        " this database (see Places)",
    ]
    assert_nothing_stored(app, result)


def test_a_scattered_error_lists_its_first_runs(app, cli, tmp_path):
    rows = ["2025-03-01,alvik,nope" if n % 2 else GOOD.strip() for n in range(20)]
    result = import_file(cli, write(tmp_path, HEAD + "\n".join(rows) + "\n"))
    assert result.stderr.splitlines()[0] == (
        f'lines 3, 5, 7, 9, 11, … (10 rows), column relation: "nope" is not an option;'
        f" {LIVE_OPTIONS}"
    )
    assert_nothing_stored(app, result)


@pytest.fixture
def version_2(app):
    """Questionnaire version 2: version 1 without the background questions."""
    source = resources.files("survey.questionnaire").joinpath("v1.yaml").read_text("utf-8")
    data = yaml.safe_load(source)
    data["version"] = 2
    data["sections"] = [s for s in data["sections"] if s["key"] != "background"]
    with app.app_context():
        db.session.add(
            QuestionnaireVersion(
                version=2,
                definition=yaml.safe_dump(data, allow_unicode=True),
                status="draft",
                uploaded_by="test",
            )
        )
        db.session.commit()


def test_each_row_is_checked_against_its_questionnaire_version(app, cli, tmp_path, version_2):
    head = "submitted_on,place,questionnaire_version,relation,gender\n"
    bad = import_file(cli, write(tmp_path, head + "2025-03-01,alvik,2,live,woman\n", "bad.csv"))
    assert bad.stderr.splitlines()[0] == (
        "line 2, column gender: not a question of questionnaire version 2"
    )
    assert_nothing_stored(app, bad)
    good = head + "2025-03-01,alvik,2,live,\n2025-03-01,alvik,,live,woman\n"
    assert import_file(cli, write(tmp_path, good)).exit_code == 0
    first, second = stored_responses(app)
    assert (first.questionnaire_version, first.gender) == (2, None)
    assert (second.questionnaire_version, second.gender) == (1, "woman")  # the live version


def test_without_a_version_column_the_header_must_fit_the_live_version(
    app, cli, tmp_path, version_2
):
    with app.app_context():
        db.session.get(QuestionnaireVersion, 2).status = "live"
        db.session.commit()
    result = import_file(cli, write(tmp_path, "submitted_on,place,gender\n2025-03-01,alvik,man\n"))
    assert result.stderr.splitlines()[0] == (
        "line 1, column gender: not a question of the live questionnaire (version 2); add a"
        " questionnaire_version column for answers to another version"
    )
    assert_nothing_stored(app, result)


def test_long_files_show_progress_on_stderr(app, cli, tmp_path, monkeypatch):
    monkeypatch.setattr("survey.cli.data.IMPORT_PROGRESS_FROM_BYTES", 0)
    result = import_file(cli, write(tmp_path, HEAD + GOOD))
    assert result.exit_code == 0
    assert "checking" in result.stderr
    assert "importing" in result.stderr
    assert "checking" not in result.stdout


def test_the_check_is_usable_without_the_cli(app, tmp_path):
    path = write(tmp_path, HEAD + GOOD + "2025-03-01,alvik,x\n" + GOOD)
    # Outside a request the messages' language is the caller's to choose.
    with app.app_context(), force_locale("en"):
        checked = check_rows(path, Lookups(db.session))
        stored = db.session.scalar(select(func.count()).select_from(Response))
    assert checked.rows == 2
    assert checked.error_count == 1
    assert checked.errors == [f'line 3, column relation: "x" is not an option; {LIVE_OPTIONS}']
    assert stored == 0

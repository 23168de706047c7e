"""Fuzzing every way in: random, missing, repeated, huge and undecodable input.

Whatever is sent, the answer is never a 5xx, and a row is stored only for a request (or an
import file) that was valid, and then exactly one (or exactly the file's rows), each of them
valid. Bodies come in random encodings: urlencoded, multipart (with stray files), JSON, raw
bytes, wrong or missing content types, over the 64 KiB limit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.extensions import db
from survey.imports import ImportRefused
from survey.imports.crime import import_crime
from survey.imports.crime_rows import CATEGORY_MAX
from survey.imports.responses import import_responses
from survey.models import (
    DIALOGUE_KINDS,
    SOURCES,
    Area,
    CrimeCount,
    Dialogue,
    Place,
    Response,
    SurveyRound,
    User,
)
from survey.questionnaire import builtin
from survey.web.fields import MAX_COUNT
from tests.common.fuzz_bodies import Body, bodies, csv_files, event_files, first_value
from tests.common.web import ACCOUNTS, VALID_ANSWER, csrf_token, local_today

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TODAY = local_today()
QUESTIONNAIRE = builtin(1)
CONTROL = {chr(c) for c in range(32)} - {"\n", "\t"}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def post(client: FlaskClient, path: str, body: Body):
    response = client.post(path, data=body.data, content_type=body.content_type)
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    return response


def clean_text(value: str | None, limit: int) -> bool:
    return value is None or (len(value) <= limit and not CONTROL & set(value))


def valid_answers(row: Response, require: bool) -> bool:
    """Every stored value is one the questionnaire allows."""
    for item in QUESTIONNAIRE.items:
        value = getattr(row, item.code)
        if value is None:
            if require and item.required:
                return False
        elif item.type == "single":
            if value not in item.values:
                return False
        elif item.type == "multi":
            chosen = value.split(";")
            if len(set(chosen)) != len(chosen) or not set(chosen) <= set(item.values):
                return False
            if item.max_choices and len(chosen) > item.max_choices:
                return False
        elif not value.strip() or not clean_text(value, item.max_length or 1000):
            return False
    # Today as of now, not as of import: a run may pass midnight.
    return row.source in SOURCES and row.submitted_on <= local_today()


SURVEY_FIELDS = {
    item.code: item.values or ("Mörkt vid busshållplatsen.",) for item in QUESTIONNAIRE.items
} | {"homepage": ("", "http://spam.example"), "csrf_token": ("forged", "")}


def test_fuzzed_survey_posts_store_one_valid_answer_or_nothing(app: Flask, client: FlaskClient):
    token = csrf_token(client, "/s/alvik")
    base = VALID_ANSWER | {
        "csrf_token": token,
        "police_priority": ["presence", "youth"],
        "comment": "Mörkt",
    }

    @FUZZ
    @given(body=bodies(SURVEY_FIELDS, base))
    def check(body: Body) -> None:
        with app.app_context():
            before = count(Response)
        response = post(client, "/s/alvik", body)
        with app.app_context():
            added = count(Response) - before
            newest = db.session.scalars(select(Response).order_by(Response.id.desc())).first()
        thanked = response.status_code == 303 and response.location.endswith("/s/alvik/tack")
        if body.form is None:
            assert added == 0 or (thanked and added == 1)
        else:
            bot = bool(first_value(body.form, "homepage"))
            assert added == (1 if thanked and not bot else 0), response.status_code
        if added:
            assert valid_answers(newest, require=True)
            assert newest.source == "web"

    check()


def test_fuzzed_logins_never_let_in_without_the_password(app: Flask, users):
    email, password = ACCOUNTS["organizer"]
    fields = {
        "email": (email, email.upper(), ACCOUNTS["admin"][0], "nobody@example.se", ""),
        "password": (password, password + " ", ""),
        "csrf_token": ("forged",),
    }

    @FUZZ
    @given(body=bodies(fields, {"email": email, "password": password, "csrf_token": "TOKEN"}))
    def check(body: Body) -> None:
        client = app.test_client()
        token = csrf_token(client, "/organizer/login").encode()
        body.data = body.data.replace(b"TOKEN", token)
        if body.form is not None:
            body.form = [(k, v.replace(b"TOKEN", token)) for k, v in body.form]
        with app.app_context():
            before = count(User)
        response = post(client, "/organizer/login", body)
        with app.app_context():
            assert count(User) == before
        if response.status_code == 302:
            assert password.encode() in body.data
            if body.form is not None:
                sent_email = (first_value(body.form, "email") or b"").decode().strip().lower()
                assert sent_email == email
                assert first_value(body.form, "password") == password.encode()
            assert client.get("/organizer/").status_code == 200
        else:
            assert client.get("/organizer/").status_code == 302  # still logged out

    check()


def test_fuzzed_dialogue_forms_store_one_valid_dialogue_or_nothing(app: Flask, client, auth):
    auth.login("organizer")
    token = csrf_token(client, "/organizer/dialogues/new")
    with app.app_context():
        places = {p.id: p.area_id for p in db.session.scalars(select(Place))}
        areas = [str(a) for a in db.session.scalars(select(Area.id))]
    fields = {
        "held_on": (TODAY.isoformat(), "2020-02-29", "2020-02-30", "1999-12-31", "2999-01-01"),
        "area_id": (*areas, "", "-1", "abc", "99999999999999999999"),
        "place_id": (*map(str, places), "", "0", "x"),
        "kind": (*DIALOGUE_KINDS, "party"),
        "residents": ("0", "12", str(MAX_COUNT), str(MAX_COUNT + 1), "-1", "1e3", " 5 ", ""),
        "partners": ("3", "", "9" * 30),
        "staff": ("2", "x"),
        "organizer": ("Kommunpolisen", " ", "", "x" * 201, "a\tb"),
        "notes": ("", "Mörkt i tunneln.\r\nLampor trasiga.", "x" * 5001),
        "csrf_token": ("forged",),
    }
    base = {
        "held_on": TODAY.isoformat(),
        "area_id": areas[0],
        "kind": "medborgardialog",
        "residents": "5",
        "partners": "0",
        "staff": "2",
        "organizer": "Kommunpolisen",
        "csrf_token": token,
    }

    @FUZZ
    @given(body=bodies(fields, base))
    def check(body: Body) -> None:
        with app.app_context():
            before = count(Dialogue)
        response = post(client, "/organizer/dialogues/new", body)
        with app.app_context():
            added = count(Dialogue) - before
            newest = db.session.scalars(select(Dialogue).order_by(Dialogue.id.desc())).first()
        assert added == (1 if response.status_code == 303 else 0), response.status_code
        if added:
            assert newest.kind in DIALOGUE_KINDS
            assert dt.date(2000, 1, 1) <= newest.held_on <= local_today()
            assert all(
                0 <= n <= MAX_COUNT for n in (newest.residents, newest.partners, newest.staff)
            )
            assert newest.organizer.strip()
            assert clean_text(newest.organizer, 200)
            assert clean_text(newest.notes, 5000)
            assert newest.place_id is None or places[newest.place_id] == newest.area_id

    check()


def _file_writer(tmp_path) -> Callable[[bytes, str], str]:
    numbers = itertools.count()

    def write(data: bytes, suffix: str) -> str:
        path = tmp_path / f"fuzz-{next(numbers)}{suffix}"
        path.write_bytes(data)
        return str(path)

    return write


def test_fuzzed_responses_files_import_completely_or_not_at_all(app: Flask, tmp_path):
    write = _file_writer(tmp_path)
    with app.app_context():
        round_id = db.session.scalar(select(SurveyRound.id))
    columns = ["submitted_on", "place", *QUESTIONNAIRE.codes, "questionnaire_version", "source"]
    cells = {item.code: st.sampled_from(["", *item.values]) for item in QUESTIONNAIRE.items} | {
        "submitted_on": st.sampled_from(
            [TODAY.isoformat(), "2024-05-01", "2999-01-01", "2024-02-30", "1/5/2024", ""]
        ),
        "place": st.sampled_from(["alvik", "brommaplan", "atlantis", ""]),
        "police_priority": st.sampled_from(["presence;youth", "presence;presence", "a;b", ""]),
        "questionnaire_version": st.sampled_from(["1", "2", "", "x"]),
        "source": st.sampled_from([*SOURCES, "fax", ""]),
        "round": st.sampled_from([str(round_id), "999", ""]),
    }

    @FUZZ
    @given(data=csv_files([*columns, "round"], cells))
    def check(data: bytes) -> None:
        path = write(data, ".csv")
        with app.app_context():
            before = count(Response)
            try:
                batch = import_responses(db.session, path, today=TODAY)
            except ImportRefused as exc:
                db.session.rollback()
                refused = exc
            else:
                refused = None
            if refused is not None:
                assert refused.errors
                assert count(Response) == before
                return
            db.session.commit()
            assert count(Response) - before == batch.rows > 0
            rows = db.session.scalars(select(Response).where(Response.import_batch_id == batch.id))
            assert all(valid_answers(row, require=False) for row in rows)

    check()


def _crime_check(app: Flask, write, fmt: str) -> Callable[[bytes], None]:
    """Check one crime file: refused and nothing changed, or stored and every count valid."""

    def snapshot() -> list[tuple]:
        return sorted(
            db.session.execute(
                select(
                    CrimeCount.area_id,
                    CrimeCount.place_id,
                    CrimeCount.month,
                    CrimeCount.category,
                    CrimeCount.count,
                    CrimeCount.source,
                )
            ).all(),
            key=repr,
        )

    def check(data: bytes) -> None:
        path = write(data, ".json" if fmt == "events" else ".csv")
        with app.app_context():
            db.session.execute(CrimeCount.__table__.delete())
            area_id = db.session.scalar(select(Area.id))
            for source in ("csv", "events"):
                db.session.add(
                    CrimeCount(
                        area_id=area_id,
                        month=dt.date(1999, 1, 1),
                        category="Kept",
                        count=7,
                        source=source,
                    )
                )
            db.session.commit()
            before = snapshot()
            try:
                result = import_crime(db.session, path, fmt, today=TODAY)
            except ImportRefused as exc:
                db.session.rollback()
                refused = exc
            else:
                refused = None
            if refused is not None:
                assert refused.errors
                assert snapshot() == before
                return
            db.session.commit()
            after = snapshot()
            assert len(after) == len(before) + result.rows  # 1999 is never in a file
            assert result.rows > 0 or result.source == "events"
            for _area, _place, month, category, number, source in after:
                assert source == result.source or category == "Kept"
                assert month.day == 1
                assert month <= TODAY
                assert category == category.strip()
                assert 0 < len(category) <= CATEGORY_MAX
                assert not CONTROL & set(category)
                assert number is None or number >= 0

    return check


def test_fuzzed_crime_csv_files_import_completely_or_not_at_all(app: Flask, tmp_path):
    month = TODAY.replace(day=1)
    cells = {
        "month": st.sampled_from(
            ["2024-01", month.strftime("%Y-%m"), "2999-01", "2024-13", "24-01", "", "2024-1"]
        ),
        "area": st.sampled_from(["Bromma", "bromma", "EKERÖ", "Ekero", "Atlantis", ""]),
        "category": st.sampled_from(["Stöld", "Misshandel", " ", "x" * 121, "Rån\x00"]),
        "count": st.sampled_from(["12", "..", "-", "1 234", "-5", "3,5", "", "tolv"]),
        "place": st.sampled_from(["", "Alvik", "brommaplan", "Ekerö centrum", "Atlantis"]),
        "rate": st.sampled_from(["", "12,5", "..", "x"]),
    }
    check = FUZZ(
        given(
            data=csv_files(
                ["month", "area", "category", "count", "place", "rate"], cells, delimiters=",;\t"
            )
        )(_crime_check(app, _file_writer(tmp_path), "csv"))
    )
    check()


def test_fuzzed_event_lists_import_completely_or_not_at_all(app: Flask, tmp_path):
    datetimes = [
        "2024-05-04 21:35:00 +02:00",
        "2024-05-31 23:30:00 +00:00",
        "2999-01-01 00:00:00",
        "2024-02-30 10:00:00",
        "igår",
        "",
    ]
    locations = ["Bromma", "Ekerö", "Hässelby-Vällingby", "Stockholm", ""]
    check = FUZZ(
        given(data=event_files(locations, datetimes))(
            _crime_check(app, _file_writer(tmp_path), "events")
        )
    )
    check()


# ---- what the fuzzing found, kept as plain regression tests ----------------------------


def test_a_blank_choice_is_refused_not_stored(app: Flask, client: FlaskClient):
    token = csrf_token(client, "/s/alvik")
    data = VALID_ANSWER | {"csrf_token": token, "problem_alcohol": " ", "police_priority": " "}
    response = client.post("/s/alvik", data=data)
    assert response.status_code == 422
    assert "Välj ett av alternativen" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Response) == 0


def test_a_blank_place_in_a_dialogue_is_refused(app: Flask, client: FlaskClient, auth):
    auth.login("organizer")
    with app.app_context():
        area_id = db.session.scalar(select(Area.id))
    data = {
        "csrf_token": csrf_token(client, "/organizer/dialogues/new"),
        "held_on": TODAY.isoformat(),
        "area_id": str(area_id),
        "place_id": " ",
        "kind": "medborgardialog",
        "organizer": "Kommunpolisen",
    }
    assert client.post("/organizer/dialogues/new", data=data).status_code == 422
    with app.app_context():
        assert count(Dialogue) == 0


def test_a_file_sent_as_a_text_field_is_ignored(app: Flask, client: FlaskClient, auth):
    auth.login("organizer")
    boundary = "b0"
    token = csrf_token(client, "/organizer/dialogues/new")
    parts = [("held_on", TODAY.isoformat(), True), ("csrf_token", token, False)]
    body = (
        "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            + ('; filename="x.txt"' if file else "")
            + f"\r\n\r\n{value}\r\n"
            for name, value, file in parts
        )
        + f"--{boundary}--\r\n"
    )
    response = client.post(
        "/organizer/dialogues/new",
        data=body.encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 422  # the date counts as not given
    with app.app_context():
        assert count(Dialogue) == 0


def test_a_multipart_part_without_a_usable_name_is_a_400(client: FlaskClient):
    body = b'--b0\r\nContent-Disposition: form-data; name="\r\n"\r\n\r\n\r\n--b0--\r\n'
    response = client.post(
        "/organizer/login", data=body, content_type="multipart/form-data; boundary=b0"
    )
    assert response.status_code == 400

"""Privacy: receipt codes, erasure on request, and retention of comments and answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from survey import clock
from survey.db import make_engine
from survey.extensions import db
from survey.migrate import upgrade
from survey.models import AuditEvent, CommentTag, Place, Response, SurveyRound
from tests.common.database import empty_database
from tests.common.web import VALID_ANSWER, count_responses, post_form, submit

CODE_ON_PAGE = re.compile(r'class="receipt-code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})<')
ERASE = "/organizer/erasure"
CONFIRM = "/organizer/erasure/confirm"


def _answer(client, slug="brommaplan", **extra):
    """Answer the survey in English; return the POST response and the code shown on thanks."""
    client.get("/?lang=en")
    posted = submit(client, slug, VALID_ANSWER | extra)
    assert posted.status_code == 303
    thanks = client.get(posted.headers["Location"])
    match = CODE_ON_PAGE.search(thanks.get_data(as_text=True))
    assert match, "no receipt code on the thank-you page"
    return posted, thanks, match.group(1)


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# -- the receipt code ---------------------------------------------------------------------


def test_the_code_is_shown_once_never_in_a_url_and_only_its_hash_is_stored(app, client):
    posted, thanks, code = _answer(client, comment="Mörkt vid busshållplatsen.")
    assert posted.headers["Location"].endswith("/s/brommaplan/tack")
    plain = code.replace("-", "")
    for shown in (code, plain, plain.lower()):
        assert shown not in posted.headers["Location"]
    page = thanks.get_data(as_text=True)
    assert "Your receipt code" in page
    assert "We cannot link the code to you" in page
    assert thanks.headers["Cache-Control"] == "no-store"

    with app.app_context():
        row = db.session.execute(Response.__table__.select()).one()
    for value in row:
        assert str(value).upper().replace("-", "") != plain
        assert plain not in str(value).upper()
    assert row.receipt_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert row.source == "web"
    assert type(row.submitted_on) is dt.date


def test_exports_leave_out_the_receipt_hash(app, client, cli):
    _answer(client)
    with app.app_context():
        stored = db.session.scalar(select(Response.receipt_hash))
    for fmt in ("csv", "json"):
        output = cli("export", "responses", "--format", fmt).output
        assert "brommaplan" in output
        assert "receipt" not in output
        assert stored not in output


def test_every_answer_gets_its_own_code(app, client):
    codes = {_answer(client)[2] for _ in range(3)}
    assert len(codes) == 3
    with app.app_context():
        hashes = set(db.session.scalars(select(Response.receipt_hash)))
    assert len(hashes) == 3


def test_a_code_that_is_taken_is_drawn_again(app, client, monkeypatch):
    from survey.public import store

    first = _answer(client)[2]
    draws = iter([first.replace("-", ""), "ABCDEFGHJK"])
    monkeypatch.setattr(store, "new_code", lambda: next(draws))
    assert _answer(client)[2] == "ABCD-EFGH-JK"
    assert count_responses(app) == 2


def test_the_code_is_only_shown_on_its_own_places_thank_you_page(client):
    client.get("/?lang=en")
    submit(client, "brommaplan", VALID_ANSWER)
    other = client.get("/s/alvik/tack").get_data(as_text=True)
    assert CODE_ON_PAGE.search(other) is None


def test_a_paper_answer_gets_no_code(app, client, auth):
    client.get("/?lang=en")
    auth.login("organizer")
    data = {
        "place": "brommaplan",
        "written_on": clock_today(app).isoformat(),
        "survey_round": "",
        "relation": "live",
    }
    assert post_form(client, "/organizer/paper", data).status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(Response))
    assert stored.source == "paper"
    assert stored.receipt_hash is None


def test_the_privacy_notice_explains_the_code_and_erasure(client):
    page = client.get("/integritet?lang=en").get_data(as_text=True)
    assert "Deleting your answer" in page
    assert "receipt code" in page
    assert "registrator@polisen.se" in page


# -- erasure by an admin -------------------------------------------------------------------


@pytest.fixture
def admin(client, auth):
    client.get("/?lang=en")
    auth.login("admin")
    return client


def _two_answers(app, make_app):
    """One answer at Brommaplan (with a tagged comment) and one at Alvik; their codes."""
    resident = make_app().test_client()
    _, _, bromma = _answer(resident, "brommaplan", comment="Hemligt innehåll 4711.")
    _, _, alvik = _answer(resident, "alvik")
    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.comment.is_not(None)))
        response.tags.append(CommentTag(tag="lighting"))
        db.session.commit()
    return bromma, alvik


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", " {spaced} ", "{plain}", "{with_o}"], ids=str
)
def test_the_admin_finds_exactly_the_answer_of_a_code(app, make_app, admin, typed):
    bromma, _alvik = _two_answers(app, make_app)
    plain = bromma.replace("-", "")
    forms = {
        "code": bromma,
        "lower": bromma.lower(),
        "spaced": " ".join(plain),
        "plain": plain,
        # A zero typed as the letter O (and a one as I) is still the same code.
        "with_o": plain.replace("0", "o").replace("1", "I"),
    }
    page = post_form(admin, ERASE, {"code": typed.format(**forms)})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    main = body.split("<main", 1)[1]
    assert "Found: this receipt code belongs to one answer." in main
    # Only "found": no place, date, round or "has a comment", which with the raw export
    # would point at the requester's row and words.
    for shown in ("Brommaplan", "Alvik", "1 topic tag", "<dt>", "<time"):
        assert shown not in main
    assert "Hemligt innehåll" not in body  # the content is not shown
    assert 'action="/organizer/erasure/confirm"' in body
    assert page.headers["Cache-Control"] == "no-store"
    assert count_responses(app) == 2  # finding deletes nothing


def test_erasure_deletes_that_answer_and_logs_it_without_the_code(app, make_app, admin):
    bromma, alvik = _two_answers(app, make_app)
    other = post_form(admin, ERASE, {"code": alvik}).get_data(as_text=True)
    assert "Found: this receipt code" in other
    assert "Alvik" not in other.split("<main", 1)[1]
    erased = post_form(admin, CONFIRM, {"code": bromma.lower()}, token_from=ERASE)
    assert erased.status_code == 303
    assert erased.headers["Location"].endswith(ERASE)
    after = admin.get(ERASE).get_data(as_text=True)
    assert "The answer is erased." in after
    assert "Brommaplan" not in after.split("<main", 1)[1]
    with app.app_context():
        [left] = db.session.scalars(select(Response))
        assert left.place.slug == "alvik"
        assert db.session.scalar(select(func.count()).select_from(CommentTag)) == 0
    [event] = _audit(app, "response.erase")
    assert event.actor == "admin@trygghet.test"
    assert event.target_type == "Place"
    assert event.details == {"erased": 1, "place": "brommaplan"}
    with app.app_context():
        everything = repr(list(db.session.execute(AuditEvent.__table__.select())))
    plain = bromma.replace("-", "")
    for secret in (plain, plain.lower(), bromma, hashlib.sha256(plain.encode()).hexdigest()):
        assert secret not in everything
    assert "Hemligt" not in everything
    # Erased means gone: the same code finds nothing any more.
    again = post_form(admin, ERASE, {"code": bromma})
    assert again.status_code == 422
    assert "No answer has this receipt code" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Type the receipt code."),
        ("K7QM-4XTP", "A receipt code has 10 letters and digits"),
        ("K7QM-4XTP-2B!", "A receipt code has 10 letters and digits"),
        ("UUUU-UUUU-UU", "A receipt code has 10 letters and digits"),  # U is not in codes
        ("K7QM-4XTP-2B", "No answer has this receipt code"),
    ],
)
def test_a_wrong_code_gets_a_message_beside_the_field_and_changes_nothing(
    app, make_app, admin, code, message
):
    _two_answers(app, make_app)
    for path in (ERASE, CONFIRM):
        page = post_form(admin, path, {"code": code}, token_from=ERASE)
        assert page.status_code == 422
        body = page.get_data(as_text=True)
        assert message in body
        assert 'class="field-error"' in body
        assert 'href="#code"' in body  # the error summary links to the field
    assert count_responses(app) == 2
    assert _audit(app, "response.erase") == []


def test_only_admins_may_erase(app, make_app, client, auth):
    bromma, _ = _two_answers(app, make_app)
    client.get("/?lang=en")
    auth.login("organizer")
    assert "Erase an answer" not in client.get("/organizer/").get_data(as_text=True)
    assert client.get(ERASE).status_code == 403
    token_page = "/organizer/"
    assert post_form(client, ERASE, {"code": bromma}, token_from=token_page).status_code == 403
    assert post_form(client, CONFIRM, {"code": bromma}, token_from=token_page).status_code == 403
    assert count_responses(app) == 2


def test_the_admin_menu_has_the_page_before_the_audit_log(admin):
    page = admin.get("/organizer/").get_data(as_text=True)
    assert page.index(">Erase an answer<") < page.index(">Audit log<")


def test_guessing_codes_is_rate_limited_per_admin(make_app, users):
    from tests.common.web import Auth

    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    client.get("/?lang=en")
    Auth(client).login("admin")
    resident = app.test_client()
    _, _, code = _answer(resident)
    # A found code does not count; misses do, on both pages together.
    assert post_form(client, ERASE, {"code": code}).status_code == 200
    for i in range(10):
        path = ERASE if i % 2 else CONFIRM
        assert (
            post_form(client, path, {"code": f"AAAA-AAAA-{i:02d}"}, token_from=ERASE).status_code
            == 422
        )
    assert post_form(client, ERASE, {"code": code}).status_code == 429
    assert count_responses(app) == 1


# -- retention -----------------------------------------------------------------------------


def clock_today(app) -> dt.date:
    with app.app_context():
        return clock.today()


@pytest.fixture
def dated(app):
    """Answers around the 24-month cut-off, each with a tagged comment; ids by name."""
    today = clock_today(app)
    try:  # 24 months back is the same day two years back, but for 29 February
        cutoff = today.replace(year=today.year - 2)
    except ValueError:
        cutoff = today.replace(year=today.year - 2, day=28)
    days = {
        "ancient": cutoff - dt.timedelta(days=400),
        "old": cutoff - dt.timedelta(days=1),
        "boundary": cutoff,
        "young": today,
    }
    ids = {}
    with app.app_context():
        place = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        round_id = db.session.scalar(select(SurveyRound.id))
        for name, day in days.items():
            response = Response(
                place_id=place.id,
                submitted_on=day,
                questionnaire_version=1,
                source="web",
                round_id=round_id,
                relation="live",
                safety_evening="3",
                comment=f"Kommentar {name}",
                tags=[CommentTag(tag="lighting")],
            )
            db.session.add(response)
            db.session.flush()
            ids[name] = response.id
        db.session.commit()
    ids["cutoff"] = cutoff
    return ids


def _rows(app):
    with app.app_context():
        rows = db.session.execute(select(Response.id, Response.comment, Response.safety_evening))
        tagged = set(db.session.scalars(select(CommentTag.response_id)))
        return {id_: (comment, evening, id_ in tagged) for id_, comment, evening in rows}


def test_retention_deletes_old_comments_and_keeps_the_answers(app, dated, cli):
    result = cli("retention", "--older-than", "24m")
    assert result.exit_code == 0, result.output
    cutoff = dated["cutoff"].isoformat()
    assert f"deleted 2 comments and 2 topic tags of answers dated before {cutoff}" in result.output
    assert "older than 24 months" in result.output
    rows = _rows(app)
    assert rows[dated["ancient"]] == (None, "3", False)
    assert rows[dated["old"]] == (None, "3", False)
    assert rows[dated["boundary"]] == ("Kommentar boundary", "3", True)
    assert rows[dated["young"]] == ("Kommentar young", "3", True)
    [event] = _audit(app, "retention.comments")
    assert event.actor == "cli"
    assert event.details == {"cutoff": cutoff, "comments": 2, "tags": 2}

    again = cli("retention", "--older-than", "24m")
    assert "deleted 0 comments and 0 topic tags" in again.output
    assert _rows(app) == rows
    assert len(_audit(app, "retention.comments")) == 2  # each run is on record


def test_retention_defaults_to_the_period_the_privacy_notice_promises(app, dated, cli):
    result = cli("retention")
    assert "deleted 2 comments" in result.output
    assert "older than 24 months" in result.output


def test_retention_in_days(app, dated, cli):
    result = cli("retention", "--older-than", "1d")
    assert result.exit_code == 0
    rows = _rows(app)
    assert [rows[dated[n]][0] for n in ("ancient", "old", "boundary", "young")] == [
        None,
        None,
        None,
        "Kommentar young",
    ]
    assert "warning" not in result.output


def test_keeping_comments_longer_than_promised_warns(app, dated, cli):
    result = cli("retention", "--older-than", "36m")
    assert result.exit_code == 0
    assert "warning: the privacy notice promises to delete comments after 24 months" in (
        result.output
    )
    assert "deleted 1 comments" in result.output


def test_whole_answers_deletes_old_answers(app, dated, cli):
    result = cli("retention", "--older-than", "24m", "--whole-answers")
    assert result.exit_code == 0, result.output
    assert "deleted 2 answers dated before" in result.output
    assert "2 of them with a comment, and 2 topic tags" in result.output
    assert set(_rows(app)) == {dated["boundary"], dated["young"]}
    [event] = _audit(app, "retention.answers")
    assert event.details["answers"] == 2
    assert event.details["cutoff"] == dated["cutoff"].isoformat()
    again = cli("retention", "--older-than", "24m", "--whole-answers")
    assert "deleted 0 answers" in again.output


def test_dry_run_changes_nothing(app, dated, cli):
    before = _rows(app)
    for extra in ([], ["--whole-answers"]):
        result = cli("retention", "--older-than", "24m", "--dry-run", *extra)
        assert result.exit_code == 0
        assert result.output.startswith("would delete 2 ")
    assert _rows(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than", "24"], "write a whole number followed by m (months) or d (days)"),
        (["--older-than", "abc"], "write a whole number followed by m"),
        (["--older-than", "24y"], "write a whole number followed by m"),
        (["--older-than", "-3m"], "write a whole number followed by m"),
        (["--older-than", "1.5m"], "write a whole number followed by m"),
        (["--older-than", "0m"], "the number must be between 1 and 1200"),
        (["--older-than", "5000m"], "the number must be between 1 and 1200"),
        (["--older-than", "99999d"], "the number must be between 1 and 36500"),
        # Too many digits is too large, not "not an age".
        (["--older-than", "999999999d"], "the number must be between 1 and 36500"),
        (["--older-than", "0" * 20 + "5000m"], "the number must be between 1 and 1200"),
        (["--older-than", ""], "is not an age"),
        (["--whole-answers"], "--whole-answers needs --older-than"),
    ],
)
def test_bad_ages_are_refused_with_a_message(app, dated, runner, args, message):
    from survey.cli import main

    before = _rows(app)
    result = runner.invoke(main, ["retention", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert _rows(app) == before


# -- the migration -------------------------------------------------------------------------


def test_upgrading_from_0003_keeps_existing_answers(tmp_path):
    with empty_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                upgrade(conn, "0003")
                conn.execute(text("INSERT INTO police_area (id, slug, name) VALUES (1, 'p', 'P')"))
                conn.execute(
                    text(
                        "INSERT INTO area (id, police_area_id, slug, name) VALUES (1, 1, 'a', 'A')"
                    )
                )
                conn.execute(
                    text("INSERT INTO place (id, area_id, slug, name) VALUES (1, 1, 'x', 'X')")
                )
                for day in ("2024-01-02", "2026-03-04"):
                    conn.execute(
                        text(
                            "INSERT INTO response (place_id, submitted_on, questionnaire_version,"
                            " source, safety_evening, comment)"
                            " VALUES (1, :day, 1, 'paper', '4', 'kvar')"
                        ),
                        {"day": day},
                    )
            with engine.begin() as conn:
                upgrade(conn)
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT safety_evening, comment, receipt_hash FROM response ORDER BY id")
                ).all()
            assert [tuple(r) for r in rows] == [("4", "kvar", None), ("4", "kvar", None)]
            # The table's constraints survive (SQLite might have copied the table).
            with pytest.raises(IntegrityError, match="(?i)check"), engine.begin() as conn:
                conn.execute(text("UPDATE response SET safety_evening = 'x'"))
            insert = text(
                "INSERT INTO response (place_id, submitted_on, questionnaire_version, source,"
                " receipt_hash) VALUES (1, '2026-05-05', 1, 'web', :hash)"
            )
            with engine.begin() as conn:
                conn.execute(insert, {"hash": "a" * 64})
            with pytest.raises(IntegrityError, match="(?i)unique"), engine.begin() as conn:
                conn.execute(insert, {"hash": "a" * 64})
        finally:
            engine.dispose()

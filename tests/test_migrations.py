"""Migrations: upgrade head on an empty database gives exactly the models' schema."""

import contextlib
import json
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from survey.db import db_error_summary, make_engine
from survey.imports.crime_rows import normalise
from survey.migrate import alembic_config, upgrade
from survey.models import Base
from tests.common.database import empty_database


def test_upgrade_head_on_an_empty_database_matches_the_models(tmp_path):
    with empty_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                upgrade(conn)
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        finally:
            engine.dispose()
    assert {"police_area", "area", "place", "response", "alembic_version"} <= tables
    assert diff == []


def test_database_refuses_an_impossible_answer(tmp_path):
    with _one_place_database(tmp_path) as engine:
        insert = text(
            "INSERT INTO response (place_id, submitted_on, questionnaire_version, source, "
            "safety_evening) VALUES (1, '2026-01-01', 1, 'web', :value)"
        )
        with engine.begin() as conn:
            conn.execute(insert, {"value": "4"})
        with pytest.raises(IntegrityError) as info, engine.begin() as conn:
            conn.execute(insert, {"value": "terrible"})
        # What is logged of a database error holds no answer.
        summary = db_error_summary(info.value)
        assert summary.split()[0] in ("IntegrityError", "CheckViolation")
        assert "INSERT INTO response" in summary
        assert "terrible" not in summary


def test_month_counts_come_and_go_with_0016_and_match_the_days(tmp_path):
    """Down to 0015 (day counts only) and up again: the month counts are the days' sums."""
    with _one_place_database(tmp_path) as engine:
        insert = text(
            "INSERT INTO response (place_id, submitted_on, questionnaire_version, source, "
            "held, safety_evening) VALUES (1, :day, 1, 'web', false, '4')"
        )
        with engine.begin() as conn:
            conn.execute(insert, {"day": "2026-01-01"})
            command.downgrade(alembic_config(conn), "0015")
            assert "response_count_month" not in inspect(conn).get_table_names()
            # The day triggers of 0015 alone still count.
            conn.execute(insert, {"day": "2026-01-31"})
            conn.execute(insert, {"day": "2026-02-01"})
            upgrade(conn)
            months = conn.execute(
                text(
                    "SELECT month, answers, n_safety_evening_4 FROM response_count_month"
                    " ORDER BY month"
                )
            ).all()
            conn.execute(insert, {"day": "2026-02-10"})
            february = conn.execute(
                text("SELECT answers FROM response_count_month WHERE month = '2026-02-01'")
            ).scalar()
    assert [(str(m), a, n) for m, a, n in months] == [("2026-01-01", 2, 2), ("2026-02-01", 1, 1)]
    assert february == 2


def test_0017_computes_alias_keys_again_as_names_are_matched_now(tmp_path):
    nfd, nfc = "Ro\u0308nninge", "Rönninge"
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0016")
        insert = text("INSERT INTO area_alias (area_id, name, key) VALUES (1, :name, :key)")
        # As the code before 0017 stored them: the key of a name typed with a combining mark
        # kept the mark; the same name typed with "ö" and an unrelated alias.
        conn.execute(insert, {"name": nfd, "key": "ro\u0308nninge"})
        conn.execute(insert, {"name": nfc, "key": "ronninge"})
        conn.execute(insert, {"name": "Ulvsunda", "key": "ulvsunda"})
        upgrade(conn)
        rows = conn.execute(text("SELECT name, key FROM area_alias ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(nfd, "ronninge"), ("Ulvsunda", "ulvsunda")]
    assert normalise(nfd) == normalise(nfc) == "ronninge"


def test_0019_matches_events_again_without_an_alias_now_ignored(tmp_path):
    """The links and event counts an ignored alias made are gone; a place's name still counts."""
    event = text(
        "INSERT INTO crime_event (id, event_id, occurred_at, month, type, name, summary,"
        " municipality, location, url, updated_at) VALUES (:id, :id, '2025-05-01 10:00:00',"
        " '2025-05-01', :type, :name, '', 'Stockholm', 'Stockholm', '', '2025-05-01 10:00:00')"
    )
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0018")
        conn.execute(text("UPDATE area SET municipality = 'Stockholm' WHERE id = 1"))
        conn.execute(text("UPDATE place SET name = 'Alvik' WHERE id = 1"))
        conn.execute(
            text("INSERT INTO area_alias (area_id, name, key) VALUES (1, 'Stockholm', 'stockholm')")
        )
        # An admin counts 'Rån' events as 'Väskryckning' (their override is honoured).
        conn.execute(
            text(
                "INSERT INTO category_override (source, name, key, category, problems,"
                " changed_at) VALUES ('police', 'Rån', 'rån', 'Väskryckning', '',"
                " '2025-06-01 00:00:00')"
            )
        )
        for number, event_type, name in [
            (1, "Misshandel", "1 maj 10.00, Misshandel, Stockholm"),
            (2, "Misshandel", "1 maj 11.00, Misshandel, Alvik, Stockholm"),
            (3, "Rån", "1 maj 12.00, Rån, Alvik, Stockholm"),
            (4, "Brand", "1 maj 13.00, Brand, Alvik, Stockholm"),
        ]:
            conn.execute(event, {"id": number, "type": event_type, "name": name})
            # As an earlier version matched them: the alias put every Stockholm event in the
            # area, not by text.
            conn.execute(
                text(
                    "INSERT INTO crime_event_area (event_id, area_id, by_text)"
                    " VALUES (:id, 1, false)"
                ),
                {"id": number},
            )
        conn.execute(
            text(
                "INSERT INTO crime_count (area_id, month, category, count, source, by_text,"
                " imported_at) VALUES (1, '2025-05-01', :category, :n, 'events', false,"
                " '2025-06-01 00:00:00')"
            ),
            [{"category": "Misshandel", "n": 2}, {"category": "Väskryckning", "n": 1}],
        )
        upgrade(conn)
        links = conn.execute(
            text("SELECT event_id, area_id, by_text FROM crime_event_area ORDER BY event_id")
        ).all()
        counts = conn.execute(
            text(
                "SELECT area_id, month, category, count, by_text FROM crime_count"
                " WHERE source = 'events' ORDER BY category"
            )
        ).all()
    # Event 1 names no place of the district: it is not the area's. The others name Alvik.
    assert [tuple(row) for row in links] == [(2, 1, True), (3, 1, True), (4, 1, True)]
    # A fire is no crime: not counted.
    assert [(a, str(m), c, n, bool(t)) for a, m, c, n, t in counts] == [
        (1, "2025-05-01", "Misshandel", 1, True),
        (1, "2025-05-01", "Väskryckning", 1, True),
    ]


def test_0019_leaves_the_events_alone_without_an_alias_now_ignored(tmp_path):
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0018")
        conn.execute(text("UPDATE area SET municipality = 'Stockholm' WHERE id = 1"))
        conn.execute(
            text("INSERT INTO area_alias (area_id, name, key) VALUES (1, 'Ulvsunda', 'ulvsunda')")
        )
        conn.execute(
            text(
                "INSERT INTO crime_event (id, event_id, occurred_at, month, type, name, summary,"
                " municipality, location, url, updated_at) VALUES (1, '9', '2025-05-01 10:00:00',"
                " '2025-05-01', 'Misshandel', 'Misshandel, Stockholm', '', 'Stockholm',"
                " 'Stockholm', '', '2025-05-01 10:00:00')"
            )
        )
        # A link today's matching would not make: kept, since nothing needs matching again.
        conn.execute(
            text("INSERT INTO crime_event_area (event_id, area_id, by_text) VALUES (1, 1, false)")
        )
        upgrade(conn)
        links = conn.execute(text("SELECT count(*) FROM crime_event_area")).scalar()
    assert links == 1


def test_crime_import_runs_come_and_go_with_0020(tmp_path):
    """Down to 0019 (no runs recorded) and up again: the tables are back and take a run."""
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0019")
        tables = set(inspect(conn).get_table_names())
        assert not {"crime_import", "crime_import_row"} & tables
        upgrade(conn)
        assert {"crime_import", "crime_import_row"} <= set(inspect(conn).get_table_names())
        conn.execute(
            text(
                "INSERT INTO crime_import (id, source, origin, imported_at, imported_by, added,"
                " changed, unchanged, skipped, scope) VALUES (1, 'csv', 'a.csv',"
                " '2026-12-01 10:00:00', 'cli', 1, 0, 0, 0, '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO crime_import_row (import_id, kind, data)"
                " VALUES (1, 'count', '{\"count\": 3}')"
            )
        )
        undoable = conn.execute(text("SELECT undoable FROM crime_import")).scalar()
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(
                text(
                    "INSERT INTO crime_import_row (import_id, kind, data)"
                    " VALUES (1, 'answer', '{}')"
                )
            )
    assert undoable in (True, 1)


def test_0021_takes_raking_s_gap_and_rounds_out_of_published_releases(tmp_path):
    """A release stored with max_gap and iterations (they gave exact counts per age and gender
    away) loses both keys and nothing else; a release without them is left byte for byte."""
    weighting = {"applied": True, "design_effect": 2.7, "iterations": 100, "max_gap": 0.0776}
    old = {"n": 10, "weighting": weighting, "note": "Ekerö"}
    plain = '{"n": 12, "weighting": {"applied": false}}'
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0020")
        for key, payload in ((1, json.dumps(old, ensure_ascii=False)), (2, plain)):
            conn.execute(
                text(
                    "INSERT INTO public_release (area_id, round_key, sequence, created_at,"
                    " published_by_name, payload, audited, audit_summary)"
                    " VALUES (1, 0, :seq, '2026-11-30 10:00:00', 'cli', :payload, :payload, '{}')"
                ),
                {"seq": key, "payload": payload},
            )
        upgrade(conn, "0021")
        stored = dict(conn.execute(text("SELECT sequence, payload FROM public_release")).all())
        audited = conn.execute(text("SELECT audited FROM public_release WHERE sequence = 1"))
        audited_weighting = json.loads(audited.scalar())["weighting"]
    assert json.loads(stored[1]) == {
        "n": 10,
        "weighting": {"applied": True, "design_effect": 2.7},
        "note": "Ekerö",
    }
    assert stored[2] == plain
    assert audited_weighting == weighting  # organizers' audited copy keeps them


def test_0024_takes_the_design_effect_and_a_small_n_eff_out_of_published_releases(tmp_path):
    """The design effect goes from every release; n_eff and converged where n_eff is at most
    the threshold (the page says neither there); anything else is left byte for byte."""
    small = {"applied": True, "year": 2024, "design_effect": 4.4, "n_eff": 5, "converged": True}
    large = {"applied": True, "year": 2024, "design_effect": 1.3, "n_eff": 80, "converged": True}
    payloads = {
        1: json.dumps({"n": 10, "suppress_below": 10, "weighting": small}, ensure_ascii=False),
        2: json.dumps({"n": 100, "suppress_below": 10, "weighting": large}),
        3: '{"n": 12, "suppress_below": 10, "weighting": {"applied": false}}',
    }
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0023")
        for key, payload in payloads.items():
            conn.execute(
                text(
                    "INSERT INTO public_release (area_id, round_key, sequence, created_at,"
                    " published_by_name, payload, audited, audit_summary)"
                    " VALUES (1, 0, :seq, '2026-12-01 10:00:00', 'cli', :payload, :payload, '{}')"
                ),
                {"seq": key, "payload": payload},
            )
        upgrade(conn)
        stored = dict(conn.execute(text("SELECT sequence, payload FROM public_release")).all())
        audited = conn.execute(text("SELECT audited FROM public_release WHERE sequence = 1"))
        audited_weighting = json.loads(audited.scalar())["weighting"]
    assert json.loads(stored[1])["weighting"] == {"applied": True, "year": 2024}
    assert json.loads(stored[2])["weighting"] == {
        "applied": True,
        "year": 2024,
        "n_eff": 80,
        "converged": True,
    }
    assert stored[3] == payloads[3]
    assert audited_weighting == small  # organizers' audited copy keeps them


def test_0025_gives_published_releases_the_response_rate_of_their_area_total(tmp_path):
    """An invitation round's exact answers (36 of 137 letters, next to an area total rounded
    to 35) become the area total's, the rate from it in whole percent; hidden with a hidden
    area total; a release without response rates is left byte for byte."""

    def rate(answers: int | None, share: float | None) -> dict:
        return {"round_id": 7, "round_name": "Brev", "invitations": 137, "answers": answers,
                "response_rate": share, "suppressed": answers is None}  # fmt: skip

    def payload(total: dict, rates: list) -> str:
        return json.dumps(
            {"area_total": total, "filters": {"round_id": 7}, "response_rates": rates}
        )

    payloads = {
        1: payload({"n": 35, "suppressed": False}, [rate(36, 36 / 137)]),
        2: payload({"n": None, "suppressed": True}, [rate(12, 12 / 137)]),
        3: payload({"n": 35, "suppressed": False}, [rate(None, None)]),
        4: '{"area_total": {"n": 35, "suppressed": false}, "response_rates": []}',
    }
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0024")
        for key, stored_payload in payloads.items():
            conn.execute(
                text(
                    "INSERT INTO public_release (area_id, round_key, sequence, created_at,"
                    " published_by_name, payload, audited, audit_summary)"
                    " VALUES (1, 7, :seq, '2026-12-02 10:00:00', 'cli', :payload, :payload, '{}')"
                ),
                {"seq": key, "payload": stored_payload},
            )
        upgrade(conn)
        stored = dict(conn.execute(text("SELECT sequence, payload FROM public_release")).all())
        audited = conn.execute(text("SELECT audited FROM public_release WHERE sequence = 1"))
        audited_rates = json.loads(audited.scalar())["response_rates"]
    assert json.loads(stored[1])["response_rates"] == [rate(35, 0.26)]
    assert json.loads(stored[2])["response_rates"] == [rate(None, None)]
    assert stored[3] == payloads[3]
    assert stored[4] == payloads[4]
    assert audited_rates == [rate(36, 36 / 137)]  # organizers' audited copy keeps them


def test_0026_cleans_place_names_saved_before_the_name_rule(tmp_path):
    """A direction override, a zero-width space, a tab and a decomposed letter go; a name of
    nothing else takes its slug; a clean name is left alone."""
    names = {
        1: "Husby centrum\u202e",
        2: "Alvik\u200b  torg\t",
        3: "Tensta a\u0308ng",  # a + combining diaeresis: ä decomposed
        4: "\u2066\u2069",
        5: "Brommaplan",
    }
    with _one_place_database(tmp_path) as engine, engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0025")
        conn.execute(text("DELETE FROM place"))
        for place_id, name in names.items():
            conn.execute(
                text("INSERT INTO place (id, area_id, slug, name) VALUES (:id, 1, :slug, :name)"),
                {"id": place_id, "slug": f"plats-{place_id}", "name": name},
            )
        upgrade(conn)
        stored = dict(conn.execute(text("SELECT id, name FROM place")).all())
    assert stored == {
        1: "Husby centrum",
        2: "Alvik torg",
        3: "Tensta \u00e4ng",
        4: "plats-4",
        5: "Brommaplan",
    }


@contextlib.contextmanager
def _one_place_database(tmp_path) -> Iterator[Engine]:
    """An empty database migrated to head with one place (id 1); its engine."""
    with empty_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                upgrade(conn)
                _one_place(conn)
            yield engine
        finally:
            engine.dispose()


def _one_place(conn) -> None:
    """A police area, an area and its one place (id 1), written as plain SQL."""
    conn.execute(text("INSERT INTO police_area (id, slug, name) VALUES (1, 'p', 'P')"))
    conn.execute(text("INSERT INTO area (id, police_area_id, slug, name) VALUES (1, 1, 'a', 'A')"))
    conn.execute(text("INSERT INTO place (id, area_id, slug, name) VALUES (1, 1, 'x', 'X')"))

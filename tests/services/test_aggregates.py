"""The answer counts always equal a rebuild from the answers, whatever writes the answers."""

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from survey.extensions import db
from survey.imports.responses import import_responses
from survey.models import ItemAnswer, Place, Response, SurveyRound
from survey.models.aggregates import MONTH
from survey.models.count_tables import CHOICES, MULTI
from survey.models.responses import response_table
from survey.questionnaire import builtin, load_text
from survey.services import item_answers
from survey.services.aggregates import counts, rebuild
from survey.services.erasure import erase_answer
from survey.services.held import discard_held, release_held
from survey.services.responses import hold_latest, insert_web_response, record_response
from survey.services.retention import apply_retention

EXAMPLE = (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text()
V1 = builtin(1)
V2 = load_text(EXAMPLE, catalogue=V1)
DAYS = [dt.date(2025, 10, 1) + dt.timedelta(days=d) for d in (0, 1, 40, 400)]


def _random_answers(rng: random.Random, questionnaire, area_slugs) -> dict:
    answers = {}
    for item in questionnaire.items:
        if rng.random() < 0.3 and not item.required:
            continue
        if item.type == "single":
            answers[item.code] = rng.choice(item.values)
        elif item.type == "multi":
            chosen = rng.sample(item.values, rng.randint(1, min(3, len(item.values))))
            answers[item.code] = ";".join(v for v in item.values if v in chosen)
        elif item.type == "number":
            answers[item.code] = str(rng.randint(item.min_value or 0, item.max_value or 0))
        elif item.type == "area":
            answers[item.code] = rng.choice(area_slugs)
        else:
            answers[item.code] = rng.choice(["Mörkt vid busshållplatsen", "Bra här"])
    return questionnaire.clean(answers)


def _csv(tmp_path: Path, rng: random.Random, places: list[Place], n: int) -> Path:
    path = tmp_path / f"answers-{rng.random():.12f}.csv"
    codes = ["relation", "safety_evening", "gender", "age_band", "victim", "reported"]
    lines = [",".join(["submitted_on", "place", *codes])]
    for _ in range(n):
        answers = _random_answers(rng, V1, [])
        lines.append(
            ",".join(
                [rng.choice(DAYS).isoformat(), rng.choice(places).slug]
                + [answers.get(c) or "" for c in codes]
            )
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def _operation(rng, session, places, rounds, areas, tmp_path) -> None:
    kind = rng.choice(
        [
            "web",
            "web",
            "web_v2",
            "paper",
            "import",
            "erase",
            "update",
            "items",
            "retention",
            "hold",
            "release",
            "discard",
            "delete",
        ]
    )
    ids = list(session.scalars(select(Response.id)))
    place = rng.choice(places)
    if kind in ("web", "web_v2"):
        questionnaire = V2 if kind == "web_v2" else V1
        insert_web_response(
            session,
            place.id,
            questionnaire.version,
            _random_answers(rng, questionnaire, areas),
            round_id=rng.choice(rounds),
            receipt_hash=f"{rng.getrandbits(128):032x}",
            held=rng.random() < 0.2,
            questionnaire=questionnaire,
        )
    elif kind == "paper":
        record_response(
            session,
            place,
            2,
            _random_answers(rng, V2, areas),
            source="paper",
            submitted_on=rng.choice(DAYS),
            round_id=rng.choice([None, *rounds]),
            questionnaire=V2,
        )
    elif kind == "import":
        import_responses(session, _csv(tmp_path, rng, places, rng.randint(1, 6)), today=DAYS[-1])
    elif kind == "erase" and ids:
        erase_answer(session, session.get(Response, rng.choice(ids)))
    elif kind == "update" and ids:
        values = rng.choice(
            [
                {"place_id": rng.choice(places).id},
                {"gender": rng.choice(["woman", "man", None])},
                {"safety_evening": rng.choice(["1", "4", None])},
                {"victim": "yes", "reported": rng.choice(["yes", "no"])},
                {"submitted_on": rng.choice(DAYS), "round_id": rng.choice([None, *rounds])},
                {"police_priority": rng.choice(["drugs", "presence;youth", None])},
            ]
        )
        session.execute(
            update(response_table).where(response_table.c.id == rng.choice(ids)).values(values)
        )
    elif kind == "items" and ids:
        item_answers.replace(
            session,
            V2,
            rng.choice(ids),
            {
                k: v
                for k, v in _random_answers(rng, V2, areas).items()
                if v and k not in item_answers.CATALOGUE
            },
        )
    elif kind == "retention":
        apply_retention(session, rng.choice(DAYS), whole_answers=rng.random() < 0.3)
    elif kind == "hold":
        hold_latest(session, place.id, rng.randint(1, 3))
    elif kind in ("release", "discard"):
        held = session.execute(
            select(Response.place_id, Response.submitted_on).where(Response.held).limit(1)
        ).first()
        if held is not None:
            action = release_held if kind == "release" else discard_held
            action(session, session.get(Place, held[0]), held[1])
    elif kind == "delete" and ids:
        session.execute(delete(Response).where(Response.id == rng.choice(ids)))
    session.flush()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_equal_a_rebuild_after_random_operations(app, tmp_path, seed):
    with app.app_context():
        _random_operations(tmp_path, seed)


def _random_operations(tmp_path, seed):
    rng = random.Random(seed)  # noqa: S311 (test data, not security)
    session = db.session
    places = list(session.scalars(select(Place).order_by(Place.id)))[:4]
    rounds = list(session.scalars(select(SurveyRound.id)))
    areas = ["bromma", "ekero"]
    for step in range(60):
        _operation(rng, session, places, rounds, areas, tmp_path)
        if step % 20 == 19:
            session.commit()
    kept = counts(session)
    assert kept, "the operations stored answers"
    assert sum(n for key, n in kept.items() if key[5] == "*") == session.scalar(
        select(func.count()).select_from(Response).where(Response.held.is_(False))
    )
    assert any(key[5] not in V1.codes and key[5] != "*" for key in kept), "added items counted"
    months = counts(session, MONTH)
    assert months == _by_month(kept)
    rebuild(session)
    assert counts(session) == kept
    assert counts(session, MONTH) == months


@pytest.mark.parametrize("rows", [1, 7, 8])
def test_an_import_counts_every_value_when_all_its_rows_fill_one_cell(app, tmp_path, rows):
    # An import counts its rows with several counts packed into one sum, each in a bit field
    # just wide enough for the file's rows: 7 alike fill 3 bits, 8 need 4.
    rng = random.Random(rows)  # noqa: S311 (test data, not security)
    answers = _random_answers(rng, V1, ["bromma"])
    answers.update(victim="yes", reported="no", police_priority="presence;youth;other")
    codes = [code for code in V1.codes if answers.get(code)]
    line = ",".join([DAYS[0].isoformat(), "alvik", *(f'"{answers[c]}"' for c in codes)])
    path = tmp_path / "alike.csv"
    path.write_text(",".join(["submitted_on", "place", *codes]) + "\n" + (line + "\n") * rows)
    with app.app_context():
        session = db.session
        import_responses(session, path, today=DAYS[-1])
        imported = counts(session)
        months = counts(session, MONTH)
        rebuild(session)
        assert counts(session) == imported
        assert counts(session, MONTH) == months
    (cell,) = {key[:5] for key in imported}  # one place, day, gender and age band
    assert imported[(*cell, "*", "")] == rows
    assert imported[(*cell, "police_priority", "youth")] == rows
    assert imported[(*cell, "reported", "no")] == rows


def _by_month(days: dict) -> dict:
    """The day counts summed per month (the month counts must say the same)."""
    found: dict = {}
    for (place_id, round_key, day, *rest), n in days.items():
        key = (place_id, round_key, day.replace(day=1), *rest)
        found[key] = found.get(key, 0) + n
    return found


def test_a_month_counts_the_answers_of_its_days(app):
    with app.app_context():
        _month()


def _month():
    session = db.session
    place = session.scalars(select(Place)).first()
    first, second = (
        record_response(
            session,
            place,
            2,
            V2.clean({"relation": "visit", "safety_evening": value, "police_there": "4"}),
            submitted_on=day,
            questionnaire=V2,
        )
        for day, value in ((dt.date(2025, 3, 1), "2"), (dt.date(2025, 3, 31), "4"))
    )
    session.flush()
    march = (place.id, 0, dt.date(2025, 3, 1), "", "")
    months = counts(session, MONTH)
    assert months[(*march, "*", "")] == 2
    assert months[(*march, "safety_evening", "2")] == months[(*march, "safety_evening", "4")] == 1
    assert months[(*march, "police_there", "*")] == months[(*march, "police_there", "4")] == 2
    # Moved to April: out of March's counts, into April's, added item and all.
    first.submitted_on = dt.date(2025, 4, 1)
    session.flush()
    months = counts(session, MONTH)
    april = (place.id, 0, dt.date(2025, 4, 1), "", "")
    assert months[(*march, "*", "")] == months[(*april, "*", "")] == 1
    assert months[(*april, "safety_evening", "2")] == months[(*april, "police_there", "4")] == 1
    erase_answer(session, second)
    session.flush()
    assert {key[:5] for key in counts(session, MONTH)} == {april}


def test_rebuild_repairs_counts_changed_by_hand(app, cli):
    with app.app_context():
        _repair(cli)


def _repair(cli):
    session = db.session
    place = session.scalars(select(Place)).first()
    record_response(session, place, 1, V1.clean({"relation": "live", "safety_day": "2"}))
    session.commit()
    right = counts(session)
    session.execute(text("UPDATE answer_count SET count = count + 5"))
    session.execute(text("UPDATE response_count_month SET answers = answers + 1"))
    session.commit()
    result = cli("db", "rebuild-aggregates")
    assert result.exit_code == 0, result.output
    # The month's answer count was changed (a v1 answer has no added items in answer_count).
    assert "1 differed" in result.output
    session.expire_all()
    assert counts(session) == right
    assert counts(session, MONTH) == _by_month(right)
    assert right[next(k for k in right if k[5] == "safety_day")] == 1


def test_held_answers_count_only_once_released(app):
    with app.app_context():
        _held()


def _held():
    session = db.session
    place = session.scalars(select(Place)).first()
    round_id = session.scalar(select(SurveyRound.id))
    answers = V1.clean({"relation": "live", "safety_night": "4"})
    insert_web_response(session, place.id, 1, answers, round_id, "a" * 64, held=True)
    session.flush()
    assert counts(session) == {}
    day = session.scalar(select(Response.submitted_on))
    release_held(session, place, day)
    session.flush()
    assert {k[5:]: n for k, n in counts(session).items()} == {
        ("*", ""): 1,
        ("relation", "live"): 1,
        ("safety_night", "4"): 1,
    }
    session.execute(delete(ItemAnswer))
    erase_answer(session, session.scalars(select(Response)).one())
    session.flush()
    assert counts(session) == {}


def test_the_counted_columns_are_version_1s_choice_values():
    # Written out in survey.models.count_tables (no parse at import): they must stay v1's.
    expected = [
        (item.code, tuple(item.values))
        for item in V1.items
        if item.type in ("single", "multi") and item.code not in ("gender", "age_band")
    ]
    assert list(CHOICES) == expected
    assert [code for code, _ in CHOICES if code == MULTI] == [
        item.code for item in V1.items if item.type == "multi"
    ]

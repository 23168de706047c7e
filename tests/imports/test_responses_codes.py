"""Answers imported from a file into a round by invitation: each carries an unused code."""

from __future__ import annotations

from contextlib import nullcontext
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from survey.extensions import db
from survey.imports import ImportRefused
from survey.imports.responses import import_responses
from survey.models import InvitationCode, Response
from survey.services.invitations import code_hash, format_code
from tests.common.apps import SECRET_KEY
from tests.common.invitations import invitation_round
from tests.common.web import count_responses, local_today, stored_responses
from tests.imports.test_responses import assert_nothing_stored, import_file, write

TODAY = local_today().isoformat()
HEADER = "submitted_on,place,safety_evening,invitation_code\n"


def _used(app) -> list[bool]:
    with app.app_context():
        query = select(InvitationCode.used).order_by(InvitationCode.number)
        return list(db.session.scalars(query))


def test_answers_with_their_codes_are_stored_and_the_codes_used(app, cli, tmp_path):
    round_id, codes = invitation_round(app, count=3)
    # Typed as a person copies it from the paper: any case, with the dash or spaces.
    content = (
        HEADER
        + f"{TODAY},brommaplan,3,{format_code(codes[0]).lower()}\n"
        + f"{TODAY},alvik,2, {codes[2][:5]} {codes[2][5:]} \n"
    )
    result = import_file(cli, write(tmp_path, content))
    assert result.exit_code == 0, result.stderr
    stored = stored_responses(app)
    assert [(r.place.slug, r.round_id) for r in stored] == [
        ("brommaplan", round_id),
        ("alvik", round_id),
    ]
    assert _used(app) == [True, False, True]
    # Nothing of the code is in the answers: no column holds it, nor its hash.
    hashes = {code_hash(SECRET_KEY, code) for code in codes}
    assert not {c.name for c in Response.__table__.columns} & {"invitation_code", "code_hash"}
    for response in stored:
        values = {str(getattr(response, c.name)) for c in Response.__table__.columns}
        assert not values & (hashes | set(codes))


@pytest.mark.parametrize(
    ("cell", "place", "message"),
    [
        ("", "alvik", "missing: the round "),
        ("ABC", "alvik", "not a code: 10 letters and digits"),
        ("ABCDE-FGHJK", "alvik", "no letter of the round "),
        (None, "vallingby-centrum", "the code is from a letter to another area than the place's"),
    ],
)
def test_a_code_that_does_not_fit_refuses_the_file_by_line(
    app, cli, tmp_path, cell, place, message
):
    _round_id, codes = invitation_round(app, count=2)
    content = (
        HEADER
        + f"{TODAY},brommaplan,3,{codes[1]}\n"
        + f"{TODAY},{place},2,{codes[0] if cell is None else cell}\n"
    )
    result = import_file(cli, write(tmp_path, content))
    assert_nothing_stored(app, result)
    assert f"line 3, column invitation_code: {message}" in result.stderr
    assert _used(app) == [False, False]  # the good row's code is not used either


def test_a_used_code_and_a_code_twice_in_the_file_are_refused(app, cli, tmp_path):
    _round_id, codes = invitation_round(app, count=2)
    with app.app_context():
        db.session.execute(
            update(InvitationCode).where(InvitationCode.number == 1).values(used=True)
        )
        db.session.commit()
    content = (
        HEADER
        + f"{TODAY},alvik,3,{codes[0]}\n"
        + f"{TODAY},alvik,3,{codes[1]}\n"
        + f"{TODAY},brommaplan,1,{format_code(codes[1])}\n"
    )
    result = import_file(cli, write(tmp_path, content))
    assert_nothing_stored(app, result)
    errors = result.stderr.splitlines()
    assert (
        "line 2, column invitation_code: the code has already been used: each code answers once"
        in errors
    )
    assert (
        "line 4, column invitation_code: the same code as line 3: each code answers once" in errors
    )
    assert _used(app) == [True, False]


def test_a_code_in_a_round_not_by_invitation_is_refused(app, cli, tmp_path):
    content = HEADER + f"{TODAY},alvik,3,ABCDE-FGHJK\n"
    result = import_file(cli, write(tmp_path, content))
    assert_nothing_stored(app, result)
    assert (
        "line 2, column invitation_code: the answer's round is not by invitation:"
        " leave the code empty" in result.stderr
    )


def test_without_the_column_answers_of_an_invitation_round_are_refused(app, cli, tmp_path):
    invitation_round(app, count=1)
    content = f"submitted_on,place\n{TODAY},alvik\n{TODAY},alvik\n"
    result = import_file(cli, write(tmp_path, content))
    assert_nothing_stored(app, result)
    assert "lines 2–3 (2 rows), column invitation_code: missing: the round " in result.stderr


def test_a_code_used_on_the_web_while_the_file_is_imported_refuses_it(app, tmp_path):
    _round_id, codes = invitation_round(app, count=2)
    path = write(tmp_path, HEADER + f"{TODAY},alvik,3,{codes[0]}\n{TODAY},alvik,3,{codes[1]}\n")

    def progress(label: str, _length: int):
        if label == "importing":  # between the check and the store: an answer on the web
            db.session.execute(
                update(InvitationCode).where(InvitationCode.number == 2).values(used=True)
            )
        return nullcontext(SimpleNamespace(update=lambda _n: None))

    with app.app_context(), force_locale("en"):
        with pytest.raises(ImportRefused) as refused:
            import_responses(db.session, path, progress=progress, secret=SECRET_KEY)
        db.session.rollback()
    assert "1 of the file's invitation codes were used while it was imported" in str(refused.value)
    assert count_responses(app) == 0
    assert _used(app) == [False, False]


def test_without_the_secret_codes_cannot_be_checked(app, tmp_path):
    _round_id, codes = invitation_round(app, count=1)
    path = write(tmp_path, HEADER + f"{TODAY},alvik,3,{codes[0]}\n")
    with app.app_context(), force_locale("en"), pytest.raises(ImportRefused) as refused:
        import_responses(db.session, path)
    assert "codes cannot be checked without the app's SECRET_KEY" in str(refused.value)
    assert count_responses(app) == 0

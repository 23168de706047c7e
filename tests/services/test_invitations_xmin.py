"""No code keeps the transaction id of the answer that used it (PostgreSQL's ``xmin``).

PostgreSQL stamps every row version with the id of the transaction that wrote it. An answer
by code and the code's used mark are written in one transaction, so right after the answer
the two rows share that id: a link between code and answer that no column holds.
``services.invitations.reseal`` (run by ``trygghet invitations remind``) rewrites every code
of the round so that the link is gone.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from survey.extensions import db
from tests.common.apps import SECRET_KEY
from tests.common.database import TEST_DATABASE_URL
from tests.common.invitations import invitation_round
from tests.public.test_invitations import _answer, _enter

postgres_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL's xmin only")


def _xmins(app) -> tuple[set[str], dict[int, str], dict[int, bool]]:
    """The answers' xmins, and each code's xmin and used mark by its letter number."""
    with app.app_context():
        conn = db.session.connection()
        answers = set(conn.execute(text("SELECT xmin::text FROM response")).scalars())
        codes = conn.execute(text("SELECT number, xmin::text, used FROM invitation_code")).all()
        db.session.rollback()
    return answers, {n: x for n, x, _u in codes}, {n: u for n, _x, u in codes}


@postgres_only
def test_reminders_rewrite_the_codes_so_none_shares_its_answer_s_transaction(
    app, client, cli, tmp_path
):
    round_id, codes = invitation_round(app, count=3)
    assert _enter(client, codes[1]).status_code == 303
    assert _answer(client).status_code == 303
    answers, code_xmins, used = _xmins(app)
    assert used == {1: False, 2: True, 3: False}
    # The link exists: the used code was written by the answer's own transaction.
    assert answers == {code_xmins[2]}
    assert code_xmins[1] != code_xmins[2]

    reminders = ["--round", str(round_id), "--area", "bromma", "--out", str(tmp_path / "r.pdf")]
    site = {"TRYGGHET_BASE_URL": "https://trygghet.example.se", "SECRET_KEY": SECRET_KEY}
    result = cli("invitations", "remind", *reminders, env=site)
    assert result.exit_code == 0, result.output
    after, code_xmins, used = _xmins(app)
    assert after == answers  # the answer itself is untouched
    assert used == {1: False, 2: True, 3: False}
    # Every code now carries the reminder's transaction, none the answer's.
    assert len(set(code_xmins.values())) == 1
    assert not answers & set(code_xmins.values())

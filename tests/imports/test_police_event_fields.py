"""A police event's id, type and location are checked one by one, and a bad one refuses the file.

Each refusal names the event's position and id, and nothing of the file is stored, as for any
other malformed event (see test_crime_events).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models.crime import CrimeCoverage, CrimeEvent
from tests.imports.test_crime_events import MARCH_2023, real, write


def _refused(app, cli, tmp_path, events) -> list[str]:
    """The messages of a refused file; asserts that nothing of it was stored."""
    path = write(tmp_path, events, "events.json")
    result = cli("import", "crime", str(path))
    assert result.exit_code == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == f"nothing imported from {path}"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CrimeEvent)) == 0
        assert db.session.scalar(select(func.count()).select_from(CrimeCoverage)) == 0
    return lines[:-1]


@pytest.mark.parametrize(
    ("given", "shown"),
    [(-650271, "-650271"), (-5.0, "-5"), ("-12", "-12"), (" -7 ", "-7")],
)
def test_a_negative_id_is_refused_with_its_position(app, cli, tmp_path, given, shown):
    events = real(MARCH_2023)
    events[99] = {**events[99], "id": given}
    assert _refused(app, cli, tmp_path, events) == [
        f"event 100 (id {shown}): the id {shown} is negative: the police's ids are positive numbers"
    ]


def test_a_negative_float_id_is_negative_not_too_large(app, cli, tmp_path):
    events = real(MARCH_2023)[:3]
    events[2] = {**events[2], "id": -1e300}
    [message] = _refused(app, cli, tmp_path, events)
    assert message.startswith("event 3: the id ")
    assert message.endswith(" is negative: the police's ids are positive numbers")


def test_text_and_positive_ids_are_still_ids(app, cli, tmp_path):
    # A text id stays an id: one too large for an exact JSON number must be given as text.
    events = real(MARCH_2023)[:3]
    events[0] = {**events[0], "id": "9007199254740993"}
    events[1] = {**events[1], "id": "a-1"}
    result = cli("import", "crime", str(write(tmp_path, events, "events.json")))
    assert result.exit_code == 0, result.stderr
    with app.app_context():
        ids = set(db.session.scalars(select(CrimeEvent.event_id)))
    assert ids == {"9007199254740993", "a-1", str(events[2]["id"])}

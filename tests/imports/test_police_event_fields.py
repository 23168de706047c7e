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


#: Characters that turn text around or show nothing, and control characters that str.split()
#: takes for white space (they became spaces, unseen, before).
HIDDEN = [
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u3164",  # Hangul filler (a letter to Unicode)
    "\u034f",  # combining grapheme joiner (a mark)
    "\u2800",  # blank Braille pattern
    "\x1f",  # unit separator: white space to str.split()
    "\x85",  # next line: white space to str.split()
]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(
    ("field", "what"),
    [("type", "the type"), ("location", "the location name"), ("id", "the id")],
)
def test_hidden_characters_are_refused_with_the_position(app, cli, tmp_path, hidden, field, what):
    events = real(MARCH_2023)
    event = events[41]
    if field == "type":
        event["type"] = f"Stöld{hidden}"
    elif field == "location":
        event["location"] = {**event["location"], "name": f"{hidden}Stockholm"}
    else:
        event["id"] = f"{event['id']}{hidden}1"
    [message] = _refused(app, cli, tmp_path, events)
    assert message.startswith("event 42")
    if field == "id":
        # Quoted by its code: it neither turns the message around nor breaks its line.
        assert message.startswith(f"event 42 (id {str(event['id'])[:6]}\\u{ord(hidden):04x}1):")
    assert message.endswith(
        f"{what} holds control or invisible characters"
        + ("" if field == "id" else " that cannot be stored")
    )


def test_a_type_of_hidden_characters_only_is_named_as_such(app, cli, tmp_path):
    events = real(MARCH_2023)[:2]
    events[1]["type"] = "\x1c\x1d"  # nothing but white space to str.split()
    [message] = _refused(app, cli, tmp_path, events)
    assert message == (
        f"event 2 (id {events[1]['id']}): the type holds control or invisible characters that"
        " cannot be stored"
    )


def test_ordinary_white_space_in_a_type_is_still_collapsed(app, cli, tmp_path):
    events = real(MARCH_2023)[:1]
    events[0]["type"] = " Rån,\tförsök\n"
    events[0]["location"] = {**events[0]["location"], "name": "Malmö\u00a0 "}
    result = cli("import", "crime", str(write(tmp_path, events, "events.json")))
    assert result.exit_code == 0, result.stderr
    with app.app_context():
        stored = db.session.execute(select(CrimeEvent.type, CrimeEvent.location)).one()
    assert tuple(stored) == ("Rån, försök", "Malmö")

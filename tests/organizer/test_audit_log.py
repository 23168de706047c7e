"""The audit page lists organizer writes in words: who, what and when, filterable."""

import ast
import datetime as dt
import pathlib
import re

from survey.extensions import db
from survey.organizer.audit_details import DETAILS
from survey.organizer.audit_log import ACTIONS
from survey.services import audit
from tests.common.web import post_form


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_audit_page_lists_writes_in_words_and_filters(app, client, auth, users):
    auth.login("admin")
    client.get("/?lang=en")
    post_form(
        client,
        f"/organizer/users/{users['organizer']}/role",
        {"role": "admin"},
        token_from="/organizer/users",
    )
    page = client.get("/organizer/audit").get_data(as_text=True)
    assert "Role changed" in page
    assert "admin@trygghet.test" in page
    assert "User created" in page
    assert "user.set_role" not in "".join(_rows(page))  # codes only in the filter's values
    filtered = client.get("/organizer/audit?action=user.set_role").get_data(as_text=True)
    rows = _rows(filtered)
    assert len(rows) == 1
    assert "Role changed" in rows[0]
    assert "from: Organizer" in rows[0]  # roles by their names
    assert "to: Administrator" in rows[0]
    assert '<option selected value="user.set_role">Role changed</option>' in filtered
    by_cli = client.get("/organizer/audit?actor=nobody").get_data(as_text=True)
    assert "Nothing recorded yet." in by_cli


def test_values_and_times_are_shown_for_people(app, client, auth, users):
    with app.app_context():
        event = audit.record(
            db.session,
            "promise_activity.create",
            None,
            {"hours": None, "synthetic": True, "places": ["alvik", "brommaplan"], "note": ""},
        )
        db.session.flush()
        event.at = dt.datetime(2026, 11, 29, 13, 5, tzinfo=dt.UTC)
        db.session.commit()
    auth.login("admin")
    client.get("/?lang=en")
    row = _rows(client.get("/organizer/audit?action=promise_activity").get_data(as_text=True))
    assert len(row) == 1
    assert "Activity in promise created" in row[0]
    assert "hours: –" in row[0]
    assert "synthetic: yes" in row[0]
    assert "places: Alvik, Brommaplan" in row[0]  # names, not slugs
    assert "note: –" in row[0]
    assert "None" not in row[0]
    assert "True" not in row[0]
    # Stockholm time (UTC+1 in November), on one line.
    assert '<td class="nowrap"><time datetime="2026-11-29 14:05">2026-11-29 14:05</time>' in row[0]


def test_every_action_the_app_records_has_a_label():
    recorded = set()
    for path in pathlib.Path("survey").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        recorded |= set(re.findall(r"audit\.record\(\s*[\w.]+,\s*\"([a-z_]+\.[a-z_]+)\"", text))
    assert recorded, "found no audit.record calls"
    assert recorded <= set(ACTIONS), sorted(recorded - set(ACTIONS))


#: Keys of dicts in the scanned functions that never reach an audit event's details.
NOT_DETAILS = {
    "comment",  # an answer's field in the demo data
    "origin",  # a crime row's column
    "place_ids",  # a promise form's value, turned into "places" before it is recorded
    "time",  # inside an indicator, which is shown by its name
}


def _recorded_detail_keys() -> set[str]:
    """String keys of the dicts built in every function that calls audit.record, and in the
    module's own helpers it calls (_summary, _identity, ...); plus details["key"] = ..."""
    keys: set[str] = set()
    for path in pathlib.Path("survey").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "audit.record(" not in source:
            continue
        functions = {
            f.name: f for f in ast.walk(ast.parse(source)) if isinstance(f, ast.FunctionDef)
        }
        for function in functions.values():
            if "audit.record(" not in ast.unparse(function):
                continue
            helpers = [
                functions[n.func.id]
                for n in ast.walk(function)
                if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Name)
                and n.func.id.startswith("_")
                and n.func.id in functions
            ]
            for node in (n for f in [function, *helpers] for n in ast.walk(f)):
                if isinstance(node, ast.Dict):
                    keys |= {
                        k.value
                        for k in node.keys
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    }
                elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                    if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                        keys.add(node.slice.value)
    return keys


def test_every_detail_key_the_app_records_has_a_label():
    from survey.organizer.dialogues.forms import DIALOGUE_FIELDS, ISSUE_FIELDS

    recorded = _recorded_detail_keys()
    assert {"promise_id", "held_back", "imported_at", "raised_by", "changed"} <= recorded
    # An update records the changed form fields by their column names.
    recorded |= set(DIALOGUE_FIELDS) | set(ISSUE_FIELDS)
    missing = recorded - NOT_DETAILS - set(DETAILS)
    assert not missing, sorted(missing)


def _event(app, action, details, actor=None):
    with app.app_context():
        event = audit.record(db.session, action, None, details)
        if actor:
            event.actor = actor
        db.session.commit()


def test_detail_values_are_names_local_times_and_local_numbers(app, client, auth, users):
    _event(
        app,
        "promise_activity.create",
        {"kind": "drug_intervention", "hours": 4.0, "count": 1200, "place": "alvik"},
    )
    _event(app, "dialogue_issue.create", {"problem": "traffic", "times": "evening;night"})
    _event(app, "response.correct_paper", {"changed": ["safety_night", "round_id"]})
    _event(app, "responses.undo_import", {"imported_at": "2026-11-29T15:52", "deleted": 3})
    _event(app, "response.erase", {"erased": 1}, actor="resident")
    _event(app, "promise.update", {"changes": {"text": "changed", "times": ["day", "night"]}})
    auth.login("admin")
    page = client.get("/organizer/audit?lang=en").get_data(as_text=True)
    text = " ".join("".join(_rows(page)).split())
    assert "kind: Drug intervention" in text
    assert "hours: 4<" in text  # not 4.0
    assert "interventions or people reached: 1,200" in text
    assert "place: Alvik" in text
    assert "problem: Traffic" in text
    assert "times of day: Evening (18–22), Night (22–06)" in text
    assert "round_id" not in text
    assert "safety_night" not in text
    assert "changed: " in text
    assert "survey round" in text
    assert "imported: 2026-11-29 16:52" in text  # Stockholm time, not the stored UTC
    assert "answers deleted: 3" in text
    assert "a resident (their own answer)" in text
    assert "text: changed" in text
    assert "times of day: Daytime (06–15) → Night (22–06)" in text
    for code in ("drug_intervention", "traffic", "evening;night", "promise id", ">resident<"):
        assert code not in text, code
    _event(app, "promise_activity.update", {"hours": 2.5})
    _event(app, "crime.import", {"source": "bra-db"})
    swedish = client.get("/organizer/audit?lang=sv").get_data(as_text=True)
    assert "källa: export från Brås statistikdatabas" in swedish  # not the code bra-db
    assert "2,5" in swedish
    assert "2.5" not in "".join(_rows(swedish))


def test_an_absurd_page_number_is_an_empty_page(client, auth):
    auth.login("admin")
    assert client.get("/organizer/audit?page=99999999999999999999").status_code == 200

"""Issues raised in a dialogue (the stops of a safety walk): add, edit, delete, audit."""

import pytest

from survey.models import DialogueIssue
from tests.common.dialogues import (  # noqa: F401 (fixtures)
    ISSUE,
    VALID,
    count,
    dialogues,
    events,
    make_dialogue,
    org_fixture,
    ref_fixture,
    resolve,
    summary,
)
from tests.common.web import post_form


def test_add_an_issue(app, org, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "litter"}])
    path = f"/organizer/dialogues/{dialogue_id}"
    data = resolve(ISSUE | {"raised_by": "5", "quote": "Det säljs vid busshållplatsen."}, ref)
    response = post_form(org, path + "/issues", data, token_from=path)
    assert response.status_code == 303
    assert response.headers["Location"] == path + "#add-issue"
    [first, added] = dialogues(app)[0].issues
    assert (added.position, added.place.slug, added.problem) == (2, "alvik", "drug_dealing")
    assert (added.times, added.raised_by, added.weight) == ("evening;night", 5, None)
    assert added.quote == "Det säljs vid busshållplatsen."
    [created] = events(app, "dialogue_issue.create")
    assert created.target_id == added.id
    assert (
        created.details.items() >= {"dialogue_id": dialogue_id, "problem": "drug_dealing"}.items()
    )
    assert created.details["place"] == "alvik"
    assert "The issue is added." in org.get(path).get_data(as_text=True)


def test_an_issue_needs_only_a_problem(app, org, ref):
    dialogue_id = make_dialogue(app, ref)
    path = f"/organizer/dialogues/{dialogue_id}"
    data = {"problem": "other", "place_id": "", "weight": "3"}
    assert post_form(org, path + "/issues", data, token_from=path).status_code == 303
    [issue] = dialogues(app)[0].issues
    assert (issue.position, issue.place, issue.times, issue.weight, issue.quote) == (
        1,
        None,
        None,
        3,
        None,
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"raised_by": "3", "weight": "2"}, "weight", "Give either how many raised it"),
        ({"raised_by": "0"}, "raised_by", "Enter a number from 1 to 100000."),
        ({"raised_by": "13"}, "raised_by", "More than the 12 who took part in the dialogue."),
        ({"raised_by": "-2"}, "raised_by", "Enter a number from 1 to 100000."),
        ({"raised_by": "many"}, "raised_by", "Enter a whole number"),
        ({"weight": "4"}, "weight", "Choose one of the options shown."),
        ({"problem": None}, "problem", "Choose a problem."),
        ({"problem": "noise"}, "problem", "Choose one of the options shown."),
        ({"times": ["night", "dawn"]}, "times", "Choose one of the options shown."),
        ({"place_id": "place:vallingby-centrum"}, "place_id", "Choose one of the options"),
        ({"quote": "x" * 2001}, "quote", "Write at most 2000 characters."),
        ({"measure": "x" * 2001}, "measure", "Write at most 2000 characters."),
    ],
)
def test_bad_issue_input_stores_nothing(app, org, ref, change, field, message):
    dialogue_id = make_dialogue(app, ref)
    path = f"/organizer/dialogues/{dialogue_id}"
    data = {k: v for k, v in resolve(ISSUE | change, ref).items() if v is not None}
    response = post_form(org, path + "/issues", data, token_from=path)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'href="#{field}' in summary(page)
    assert message in summary(page)
    assert count(app, DialogueIssue) == 0
    assert events(app) == []


def test_a_safety_walk_has_stops_in_walking_order(app, org, ref):
    dialogue_id = make_dialogue(app, ref, kind="trygghetsvandring")
    path = f"/organizer/dialogues/{dialogue_id}"
    page = org.get(path).get_data(as_text=True)
    assert "Stops on the walk" in page
    assert "Add a stop" in page
    assert "Add the stop" in page
    assert "Issues raised" not in page
    for place in ("alvik", "abrahamsberg", "nockeby"):
        data = {"place_id": ref[f"place:{place}"], "problem": "lighting"}
        assert post_form(org, path + "/issues", data, token_from=path).status_code == 303
    stops = dialogues(app)[0].issues
    assert [(s.position, s.place.slug) for s in stops] == [
        (1, "alvik"),
        (2, "abrahamsberg"),
        (3, "nockeby"),
    ]
    delete = f"{path}/issues/{stops[1].id}/delete"
    assert "Delete this stop?" in org.get(delete).get_data(as_text=True)
    assert post_form(org, delete, {}).status_code == 303
    data = {"place_id": ref["place:alvik"], "problem": "litter"}
    post_form(org, path + "/issues", data, token_from=path)
    stops = dialogues(app)[0].issues
    assert [(s.position, s.place.slug) for s in stops] == [
        (1, "alvik"),
        (3, "nockeby"),
        (4, "alvik"),
    ]
    page = org.get(path).get_data(as_text=True)
    assert page.index("Nockeby</h3>") < page.index("Litter · Alvik")


def test_edit_an_issue(app, org, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "theft", "times": "day"}])
    [issue] = dialogues(app)[0].issues
    path = f"/organizer/dialogues/{dialogue_id}/issues/{issue.id}/edit"
    page = org.get(path).get_data(as_text=True)
    assert "Edit the issue" in page
    assert '<input checked id="times-0" name="times" type="checkbox" value="day">' in page

    data = resolve({"problem": "theft", "times": ["day", "night"], "weight": "2"}, ref)
    response = post_form(org, path, data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#issue-{issue.id}")
    [changed] = dialogues(app)[0].issues
    assert (changed.times, changed.weight, changed.position) == ("day;night", 2, 1)
    [updated] = events(app, "dialogue_issue.update")
    assert updated.details["changes"] == {"times": ["day", "day;night"], "weight": [None, 2]}

    bad = post_form(org, path, data | {"raised_by": "7"})
    assert bad.status_code == 422
    assert dialogues(app)[0].issues[0].raised_by is None


def test_delete_an_issue(app, org, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "theft"}, {"problem": "litter"}])
    [theft, litter] = dialogues(app)[0].issues
    path = f"/organizer/dialogues/{dialogue_id}/issues/{theft.id}/delete"
    assert "Delete this issue?" in org.get(path).get_data(as_text=True)
    assert count(app, DialogueIssue) == 2
    response = post_form(org, path, {})
    assert response.status_code == 303
    assert [i.id for i in dialogues(app)[0].issues] == [litter.id]
    [deleted] = events(app, "dialogue_issue.delete")
    assert (deleted.target_id, deleted.details["problem"]) == (theft.id, "theft")


def test_admins_may_log_dialogues_too(app, client, auth, ref):
    auth.login("admin")
    assert post_form(client, "/organizer/dialogues/new", resolve(VALID, ref)).status_code == 303
    assert events(app)[0].actor == "admin@trygghet.test"

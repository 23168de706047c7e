"""A dialogue with a date to come is planned: the area's public page announces it, and it
counts in no figure until it has been held. (Before, a date to come was refused, so the
public page's "Meet us" could announce a meeting only on its own day.)"""

import datetime as dt

from survey.extensions import db
from survey.models import Dialogue, DialogueIssue
from tests.common.dialogues import (  # noqa: F401 (fixtures)
    ISSUE,
    NEXT_WEEK,
    VALID,
    count,
    make_dialogue,
    org_fixture,
    ref_fixture,
    resolve,
    summary,
)
from tests.common.web import post_form

PLANNED = VALID | {"held_on": NEXT_WEEK, "residents": "0", "partners": "", "staff": "0"}


def test_a_planned_dialogue_is_announced_on_the_public_page(app, org, ref, client):
    response = post_form(org, "/organizer/dialogues/new", resolve(PLANNED, ref))
    assert response.status_code == 303
    page = org.get(response.headers["Location"]).get_data(as_text=True)
    assert "The dialogue is planned." in page
    assert "This dialogue is still to come." in page
    assert "Add the issue</button>" not in page
    public = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    day = dt.date.fromisoformat(NEXT_WEEK)
    assert f"on {day.day} {day:%B} {day.year}, Brommaplan." in public


def test_a_planned_dialogue_takes_no_issues_until_it_is_held(app, org, ref):
    dialogue_id = make_dialogue(app, ref, held_on=NEXT_WEEK, residents=0, partners=0, staff=0)
    path = f"/organizer/dialogues/{dialogue_id}"
    response = post_form(org, f"{path}/issues", resolve(ISSUE, ref), token_from=path)
    assert response.status_code == 303
    assert count(app, DialogueIssue) == 0
    assert "add its issues once it has been held" in org.get(path).get_data(as_text=True)


def test_a_held_dialogue_with_issues_cannot_be_moved_to_a_date_to_come(app, org, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "drug_dealing"}])
    path = f"/organizer/dialogues/{dialogue_id}/edit"
    response = post_form(org, path, resolve(PLANNED, ref))
    assert response.status_code == 422
    assert "Issues were raised at this dialogue" in summary(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Dialogue, dialogue_id).held_on.isoformat() != NEXT_WEEK


def test_a_planned_dialogue_counts_in_no_figure(app, org, ref):
    make_dialogue(app, ref, issues=[{"problem": "drug_dealing"}])
    make_dialogue(app, ref, held_on=NEXT_WEEK, residents=0, partners=0, staff=0)
    picture = org.get("/organizer/areas/bromma/lagesbild.json").get_json()
    assert picture["dialogues"]["dialogues"] == 1

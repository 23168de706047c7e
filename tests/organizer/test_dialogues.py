"""The dialogue log: list, create, show, edit and delete dialogues, with audit events."""

import pytest

from survey.extensions import db
from survey.models import Dialogue, DialogueIssue, Place
from tests.common.dialogues import (  # noqa: F401 (fixtures)
    DAY,
    NEXT_WEEK,
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
from tests.common.web import local_today, post_form


def test_the_menu_leads_to_the_list(org):
    page = org.get("/organizer/").get_data(as_text=True)
    assert 'href="/organizer/dialogues">Dialogues</a>' in page


def test_create_a_dialogue(app, org, ref, users):
    page = org.get("/organizer/dialogues/new").get_data(as_text=True)
    assert f'value="{local_today().isoformat()}"' in page  # today by default
    response = post_form(org, "/organizer/dialogues/new", resolve(VALID, ref))
    assert response.status_code == 303
    [stored] = dialogues(app)
    assert response.headers["Location"] == f"/organizer/dialogues/{stored.id}#add-issue"
    assert (stored.held_on, stored.area.slug, stored.place.slug) == (DAY, "bromma", "brommaplan")
    assert (stored.kind, stored.residents, stored.partners, stored.staff) == (
        "medborgardialog",
        12,
        3,
        2,
    )
    assert stored.organizer == "Kommunpolis Bromma"
    assert stored.notes == "Möte i biblioteket.\nKaffe."
    assert stored.created_by_id == users["organizer"]
    [created] = events(app)
    assert (created.action, created.target_id, created.actor) == (
        "dialogue.create",
        stored.id,
        "organizer@trygghet.test",
    )
    assert created.details["area"] == "bromma"
    assert created.details["place"] == "brommaplan"
    assert created.details["held_on"] == DAY.isoformat()
    page = org.get(response.headers["Location"]).get_data(as_text=True)
    assert "The dialogue is saved" in page
    assert "Kommunpolis Bromma" in page


def test_blank_counts_and_place_are_zero_and_none(app, org, ref):
    data = VALID | {"place_id": "", "residents": "", "partners": " ", "notes": "  "}
    assert post_form(org, "/organizer/dialogues/new", resolve(data, ref)).status_code == 303
    [stored] = dialogues(app)
    assert (stored.place, stored.residents, stored.partners, stored.notes) == (None, 0, 0, None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"held_on": NEXT_WEEK}, "residents", "No one has taken part in a dialogue still to"),
        ({"held_on": "2099-01-01"}, "held_on", "Plan a dialogue at most a year ahead."),
        ({"held_on": "10/3/2026"}, "held_on", "Enter a date as YYYY-MM-DD"),
        ({"held_on": "2026-02-30"}, "held_on", "Enter a date as YYYY-MM-DD"),
        ({"held_on": ""}, "held_on", "Fill in this field."),
        ({"place_id": "place:stenhamra"}, "place_id", "This place is not in the chosen area."),
        ({"place_id": "99999"}, "place_id", "Choose one of the options shown."),
        ({"residents": "-1"}, "residents", "Enter a number from 0 to 100000."),
        ({"partners": "100001"}, "partners", "Enter a number from 0 to 100000."),
        ({"staff": "2.5"}, "staff", "Enter a whole number"),
        ({"staff": "99999999999999999999"}, "staff", "Enter a number from 0 to 100000."),
        ({"kind": "fika"}, "kind", "Choose one of the options shown."),
        ({"kind": None}, "kind", "Choose the kind of dialogue."),
        ({"area_id": "99999"}, "area_id", "Choose one of the options shown."),
        ({"area_id": "bromma"}, "area_id", "Choose one of the options shown."),
        ({"area_id": ""}, "area_id", "Choose an area."),
        ({"organizer": "   "}, "organizer", "Fill in this field."),
        ({"organizer": "x" * 201}, "organizer", "Write at most 200 characters."),
        ({"notes": "x" * 5001}, "notes", "Write at most 5000 characters."),
        ({"notes": "a\x00b"}, "notes", "The text contains characters that cannot be saved."),
    ],
)
def test_bad_dialogue_input_stores_nothing(app, org, ref, change, field, message):
    data = {k: v for k, v in (VALID | change).items() if v is not None}
    response = post_form(org, "/organizer/dialogues/new", resolve(data, ref))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'href="#{field}' in summary(page)
    assert message in summary(page)
    assert "Kommunpolis Bromma" in page or field == "organizer"  # entered values come back
    assert count(app, Dialogue) == 0
    assert events(app) == []


def test_list_is_newest_first_and_filters(app, org, ref):
    old = make_dialogue(app, ref, held_on="2025-01-15", kind="medarbetardialog")
    walk = make_dialogue(
        app,
        ref,
        issues=[{"problem": "lighting"}, {"problem": "litter"}],
        held_on="2026-02-01",
        kind="trygghetsvandring",
    )
    ekero = make_dialogue(
        app, ref, held_on="2026-01-10", area_id="area:ekero", place_id="place:stenhamra"
    )
    page = org.get("/organizer/dialogues").get_data(as_text=True)
    links = [f'href="/organizer/dialogues/{i}"' for i in (walk, ekero, old)]
    assert [page.index(link) for link in links] == sorted(page.index(link) for link in links)
    assert "Stenhamra" in page
    assert "Safety walk" in page
    assert "Staff dialogue" in page
    row = page[page.index(links[0]) : page.index("</tr>", page.index(links[0]))]
    assert '<td class="number">2</td>' in row  # two issues

    def listed(query):
        response = org.get("/organizer/dialogues?" + query)
        body = response.get_data(as_text=True)
        shown = {i for i in (old, walk, ekero) if f'href="/organizer/dialogues/{i}"' in body}
        return response.status_code, shown

    assert listed(f"area={ref['area:ekero']}") == (200, {ekero})
    assert listed("kind=trygghetsvandring") == (200, {walk})
    assert listed("date_from=2026-01-01&date_to=2026-01-31") == (200, {ekero})
    assert listed("area=&kind=&date_from=&date_to=") == (200, {old, walk, ekero})
    # A bad filter is shown as an error and ignored.
    assert listed("area=99999") == (422, {old, walk, ekero})
    assert listed("date_from=2026-02-01&date_to=2026-01-01") == (422, {walk})
    body = org.get("/organizer/dialogues?date_from=soon").get_data(as_text=True)
    assert "Enter a date as YYYY-MM-DD" in summary(body)


def test_detail_shows_the_dialogue_and_its_issues(app, org, ref):
    dialogue_id = make_dialogue(
        app,
        ref,
        issues=[
            {"problem": "alcohol", "place_id": "place:alvik", "times": "evening;night"},
            {"problem": "other", "raised_by": 4, "quote": "<b>Mörkt</b>"},
        ],
    )
    page = org.get(f"/organizer/dialogues/{dialogue_id}").get_data(as_text=True)
    assert "Issues raised" in page
    assert "Add an issue" in page
    assert "Drunk people and drinking in public · Alvik" in page
    assert "Evening (18–22)" in page
    assert "Night (22–06)" in page
    assert "Raised by 4 people" in page
    assert "&lt;b&gt;Mörkt&lt;/b&gt;" in page  # escaped, never HTML
    assert page.index("Drunk people") < page.index("Raised by 4")
    # The heading's date in one piece: a phone broke it after "2026-".
    held_on = page.split("<h1>", 1)[1].split("</h1>", 1)[0].rsplit(", ", 1)[1]
    assert held_on.startswith('<span class="nowrap">')
    assert held_on.endswith("</span>")


def test_problems_are_labelled_in_the_users_language(app, client, auth, ref):
    auth.login("organizer")
    dialogue_id = make_dialogue(app, ref)
    page = client.get(f"/organizer/dialogues/{dialogue_id}").get_data(as_text=True)
    assert "Narkotikaförsäljning" in page


def test_unknown_dialogue_or_issue_is_404(app, org, ref):
    first = make_dialogue(app, ref, issues=[{"problem": "litter"}])
    other = make_dialogue(app, ref, issues=[{"problem": "theft"}])
    [issue_of_other] = dialogues(app)[1].issues
    assert org.get("/organizer/dialogues/99999").status_code == 404
    assert org.get("/organizer/dialogues/99999/edit").status_code == 404
    path = f"/organizer/dialogues/{first}/issues/{issue_of_other.id}/edit"
    assert org.get(path).status_code == 404
    assert (
        org.get(f"/organizer/dialogues/{other}/issues/{issue_of_other.id}/edit").status_code == 200
    )


def test_edit_a_dialogue(app, org, ref):
    dialogue_id = make_dialogue(app, ref)
    path = f"/organizer/dialogues/{dialogue_id}/edit"
    page = org.get(path).get_data(as_text=True)
    assert 'value="Kommunpolis Bromma"' in page
    assert '<input checked id="kind-0" name="kind" type="radio" value="medborgardialog">' in page

    data = resolve(VALID | {"residents": "20", "kind": "samverkansmote", "place_id": ""}, ref)
    response = post_form(org, path, data)
    assert response.status_code == 303
    [stored] = dialogues(app)
    assert (stored.residents, stored.kind, stored.place) == (20, "samverkansmote", None)
    [updated] = events(app, "dialogue.update")
    assert updated.details["changes"]["residents"] == [12, 20]
    assert updated.details["changes"]["kind"] == ["medborgardialog", "samverkansmote"]
    assert updated.details["changes"]["place"] == ["brommaplan", None]

    # The same values again change nothing and record nothing.
    assert post_form(org, path, data).status_code == 303
    assert len(events(app, "dialogue.update")) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"held_on": NEXT_WEEK},
        {"residents": "-3"},
        {"organizer": ""},
        {"kind": "party"},
        {"area_id": "99999"},
        {"area_id": "area:ekero"},  # Brommaplan is not in Ekerö
    ],
)
def test_bad_edit_changes_nothing(app, org, ref, change):
    dialogue_id = make_dialogue(app, ref)
    response = post_form(
        org, f"/organizer/dialogues/{dialogue_id}/edit", resolve(VALID | change, ref)
    )
    assert response.status_code == 422
    [stored] = dialogues(app)
    assert (stored.held_on, stored.residents, stored.kind, stored.area.slug) == (
        DAY,
        12,
        "medborgardialog",
        "bromma",
    )
    assert events(app) == []


def test_area_cannot_change_away_from_its_issues_places(app, org, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "theft", "place_id": "place:alvik"}])
    data = resolve(VALID | {"area_id": "area:ekero", "place_id": ""}, ref)
    response = post_form(org, f"/organizer/dialogues/{dialogue_id}/edit", data)
    assert response.status_code == 422
    assert "places in another area" in summary(response.get_data(as_text=True))
    assert dialogues(app)[0].area.slug == "bromma"


def test_no_fewer_can_take_part_than_raised_an_issue(app, org, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "theft", "raised_by": 9}])
    path = f"/organizer/dialogues/{dialogue_id}/edit"
    # 4 + 3 + 2 = 9 took part: as many as raised the issue.
    assert post_form(org, path, resolve(VALID | {"residents": "4"}, ref)).status_code == 303
    response = post_form(org, path, resolve(VALID | {"residents": "3"}, ref))
    assert response.status_code == 422
    page = summary(response.get_data(as_text=True))
    assert 'href="#residents' in page
    assert "8 took part in all, fewer than the 9 who raised one of its issues" in page
    assert dialogues(app)[0].residents == 4
    # Participants not counted (0 in every group) say nothing about how many raised it.
    none = {"residents": "0", "partners": "0", "staff": "0"}
    assert post_form(org, path, resolve(VALID | none, ref)).status_code == 303


def test_a_retired_place_stays_valid_for_its_dialogue(app, org, ref):
    dialogue_id = make_dialogue(app, ref)
    with app.app_context():
        db.session.get(Place, int(ref["place:brommaplan"])).retired = True
        db.session.commit()
    data = resolve(VALID | {"residents": "13"}, ref)
    assert post_form(org, f"/organizer/dialogues/{dialogue_id}/edit", data).status_code == 303
    assert dialogues(app)[0].residents == 13
    assert post_form(org, "/organizer/dialogues/new", resolve(VALID, ref)).status_code == 422


def test_delete_a_dialogue_with_its_issues(app, org, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "theft"}, {"problem": "litter"}])
    kept = make_dialogue(app, ref, issues=[{"problem": "traffic"}])
    path = f"/organizer/dialogues/{dialogue_id}/delete"
    page = org.get(path).get_data(as_text=True)
    assert "Delete this dialogue?" in page
    assert "Its 2 issues are deleted with it." in page
    assert count(app, Dialogue) == 2  # the confirmation page deletes nothing

    response = post_form(org, path, {})
    assert response.status_code == 303
    assert response.headers["Location"] == "/organizer/dialogues"
    assert [d.id for d in dialogues(app)] == [kept]
    assert count(app, DialogueIssue) == 1
    [deleted] = events(app, "dialogue.delete")
    assert (deleted.target_id, deleted.details["issues"]) == (dialogue_id, 2)
    assert org.get(f"/organizer/dialogues/{dialogue_id}").status_code == 404

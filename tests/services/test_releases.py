"""Releases: the public side changes only when someone publishes, and never leaks a difference."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from sqlalchemy import func, select, update

from survey.extensions import db
from survey.models import AuditEvent, Place, Release, Response
from survey.services.erasure import erase_answer
from survey.services.places import set_retired
from tests.analysis.test_weighted_followup import add_even_margins
from tests.common import factories
from tests.common.picture_data import build
from tests.common.releases import publish
from tests.common.survey_data import add_responses, default_round_id
from tests.common.web import ACCOUNTS, post_form

PICTURE = "/api/v1/areas/bromma/lagesbild"


@pytest.fixture
def data(app):
    with app.app_context():
        build()
        return default_round_id()


def test_nothing_is_public_before_the_first_release(client, data):
    body = client.get(PICTURE).get_json()
    assert client.get(PICTURE).status_code == 404
    assert body["error"] == "not_published"
    assert "published" in body["message"]
    page = client.get("/uppfoljning/bromma?lang=en")
    assert page.status_code == 200
    assert "Nothing has been published for this area yet." in page.get_data(as_text=True)
    assert "Tryggare Brommaplan" not in page.get_data(as_text=True)


def test_a_new_answer_changes_nothing_public_until_the_next_release(app, client, data):
    publish(app)
    api = client.get(PICTURE).get_data()
    page = client.get("/uppfoljning/bromma?lang=en").get_data()
    with app.app_context():
        add_responses("alvik", [{"safety_evening": "4"}] * 12)
    assert client.get(PICTURE).get_data() == api
    assert client.get("/uppfoljning/bromma?lang=en").get_data() == page
    publish(app)
    assert client.get(PICTURE).get_data() != api


def test_a_release_stays_readable_at_its_address(app, client, data):
    first = publish(app)
    old = client.get(f"{PICTURE}?release={first}").get_json()
    assert old["release"]["id"] == first
    assert old["release"]["links"]["self"] == f"{PICTURE}?release={first}"
    with app.app_context():
        add_responses("alvik", [{"safety_evening": "4"}] * 12)
    second = publish(app)
    assert client.get(PICTURE).get_json()["release"]["id"] == second
    assert client.get(f"{PICTURE}?release={first}").get_json() == old
    page = client.get(f"/uppfoljning/bromma?lang=en&release={first}").get_data(as_text=True)
    assert f'href="/uppfoljning/bromma?release={second}"' in page  # the list of releases
    # An earlier release says so, and links to the latest; the latest does not.
    older = "These are earlier figures; newer ones have been published since."
    assert older in page
    assert '<a href="/uppfoljning/bromma">See the latest figures</a>' in page
    latest = client.get(f"/uppfoljning/bromma?lang=en&release={second}").get_data(as_text=True)
    assert older not in latest
    listed = client.get("/api/v1/areas/bromma").get_json()["releases"]
    assert [r["id"] for r in listed] == [second, first]
    # Another area's release, or none at all, is not found here.
    assert client.get(f"/uppfoljning/ekero?release={first}").status_code == 404
    assert client.get("/uppfoljning/bromma?release=abc").status_code == 404
    missing = client.get("/api/v1/areas/ekero/lagesbild?release=" + str(first))
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "unknown_release"


def test_two_releases_around_one_answer_recover_nothing(app, client, data):
    """The differencing attack of issue 11, through the API: one answer between two releases."""
    publish(app)
    before = client.get(PICTURE).get_json()
    with app.app_context():
        add_responses(
            "brommaplan",
            [{"safety_evening": "4", "victim": "yes", "gender": "other", "age_band": "65+"}],
        )
    publish(app)
    after = client.get(PICTURE).get_json()
    assert after["release"]["id"] != before["release"]["id"]
    for key in ("release", "generated_at"):
        before.pop(key), after.pop(key)
    assert after == before  # every figure, count and group exactly as before


def test_an_erased_answer_and_a_new_one_recover_nothing(app, client):
    """Someone answers, waits for a release, then erases their own answer after another
    resident's: n is the same in both releases, and the new answer must not show."""
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "4"}] * 10 + [{"safety_evening": "1"}] * 20)
        (own,) = add_responses("brommaplan", [{"safety_evening": "2"}])
    publish(app)
    before = client.get(PICTURE).get_json()
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "4"}])  # the other resident's
        erase_answer(db.session, db.session.get(Response, own.id), by_resident=True)
        db.session.commit()
    publish(app)
    after = client.get(PICTURE).get_json()
    for key in ("release", "generated_at"):
        before.pop(key), after.pop(key)
    assert after == before


@pytest.mark.parametrize("erased", ["alvik victim", "brommaplan"])
def test_an_erasure_that_takes_figures_below_the_threshold_hides_nothing(app, client, erased):
    """Alvik, the group "other" and the area's "did you report it" rest on exactly 10
    answers: hiding them after one erasure would tell where, by whom and what the erased
    answer was. The next release is the same whichever answer was erased."""
    yes, no = ({"victim": "yes", "reported": r} for r in ("yes", "no"))
    with app.app_context():
        bromma = add_responses(
            "brommaplan",
            [{"safety_evening": "1"}] * 16 + [{"safety_evening": "3"}] * 10 + [yes, no] * 2,
            gender="woman",
        )
        add_responses("brommaplan", [{"safety_evening": "2"}] * 5, gender="man")
        alvik = add_responses(
            "alvik",
            [{"safety_evening": "4", **yes}] * 3
            + [{"safety_evening": "1", **no}] * 3
            + [{"safety_evening": "2"}] * 4,
            gender="other",
        )
    publish(app)
    before = client.get(PICTURE).get_json()
    assert {p["place"]: p for p in before["places"]}["alvik"]["n"] == 10
    assert before["area_total"]["reported"]["n"] == 10
    assert before["by_group"]["gender"]["other"]["n"] == 10
    with app.app_context():
        gone = alvik[0] if erased == "alvik victim" else bromma[0]
        erase_answer(db.session, db.session.get(Response, gone.id), by_resident=True)
        db.session.commit()
    publish(app)
    after = client.get(PICTURE).get_json()
    for key in ("release", "generated_at"):
        before.pop(key), after.pop(key)
    assert after == before


def test_a_retired_place_is_in_a_release_only_where_its_figures_show(app, client):
    # Listing a place no longer asked about says that someone answered there.
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "1"}] * 30)
        add_responses("akeshov", [{"safety_evening": "4"}])
        add_responses("nockeby", [{"safety_evening": "2"}] * 12)
        for slug in ("akeshov", "nockeby", "alvik"):
            place = db.session.scalar(select(Place).where(Place.slug == slug))
            set_retired(db.session, place, True)
        db.session.commit()
    publish(app)
    listed = {p["place"]: p for p in client.get(PICTURE).get_json()["places"]}
    assert "akeshov" not in listed  # one answer: hidden, so left out
    assert "alvik" not in listed  # no answer
    assert listed["nockeby"]["retired"] is True
    assert listed["nockeby"]["n"] == 10
    assert "brommaplan" in listed
    assert "retired" not in listed["brommaplan"]


def test_new_weights_carry_no_erased_and_new_answer_along(app, client):
    """New weights move figures on the same answers: shown then, but not when an answer was
    erased and another given since (10 of 30 became 11 of 30 under the new weights)."""
    woman = {"gender": "woman", "age_band": "25-44"}
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "4"}] * 10, **woman)
        add_responses("brommaplan", [{"safety_evening": "1"}] * 19, **woman)
        (own,) = add_responses("brommaplan", [{"safety_evening": "2"}], **woman)
    publish(app)
    before = client.get(PICTURE).get_json()
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "4"}], **woman)
        erase_answer(db.session, db.session.get(Response, own.id), by_resident=True)
        add_even_margins()
        db.session.commit()
    publish(app)
    after = client.get(PICTURE).get_json()
    evening = [
        {p["place"]: p for p in body["places"]}["brommaplan"]["times"]["evening"]
        for body in (before, after)
    ]
    assert evening[1] == evening[0]
    assert "counts_digest" not in after


def test_enough_new_answers_do_show(app, client):
    # With the disclosure audit on: a gain of at least the threshold of answers is as
    # publishable as a cell of that many, even where the gain itself is pinned (6 of 10).
    with app.app_context():
        add_responses("brommaplan", [{"safety_evening": "1"}] * 30)
    publish(app)
    before = client.get(PICTURE).get_json()
    with app.app_context():
        # Not all alike: ten equal new answers would be given away by the difference
        # (all of them unsafe), which the disclosure audit rightly hides.
        add_responses("brommaplan", [{"safety_evening": "4"}] * 6 + [{"safety_evening": "1"}] * 4)
    publish(app)
    after = client.get(PICTURE).get_json()
    old = {p["place"]: p for p in before["places"]}["brommaplan"]["times"]["evening"]
    new = {p["place"]: p for p in after["places"]}["brommaplan"]["times"]["evening"]
    assert (old["n"], old["unsafe_share"]) == (30, 0.0)
    assert (new["n"], new["unsafe_share"]) == (40, 0.15)


def test_publishing_is_audited_and_stored_immutable(app, data):
    first = publish(app)
    with app.app_context():
        release = db.session.get(Release, first)
        assert (release.sequence, release.round_id) == (1, data)
        assert release.published_by_id is None
        assert release.published_by_name == "cli"
        assert release.data_cutoff is not None
        assert json.loads(release.audit_summary)["threshold"] == 10
        assert "n" not in release.data["places"][1]  # Alvik: hidden, no count
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "release.publish"))
        assert event.target_id == first
        assert event.details["area"] == "bromma"
        release.payload = "{}"
        with pytest.raises(ValueError, match="immutable"):
            db.session.flush()
        db.session.rollback()
        add_responses("alvik", [{"safety_evening": "1"}])  # something new to publish
    second = publish(app)
    with app.app_context():
        assert db.session.get(Release, second).sequence == 2


def test_the_cli_publishes_and_refuses_unknown_areas_and_rounds(app, client, cli, data):
    result = cli("publish", "--area", "bromma")
    assert result.exit_code == 0, result.output
    assert "published release" in result.output
    assert client.get(PICTURE).status_code == 200
    unknown = cli("publish", "--area", "atlantis")
    assert unknown.exit_code == 1
    assert "there is no area 'atlantis'" in unknown.output
    with app.app_context():
        other = factories.survey_round("Bara Ekerö", areas=["ekero"])
        db.session.commit()
        other_id = other.id
    wrong = cli("publish", "--area", "bromma", "--round", str(other_id))
    assert wrong.exit_code == 1
    assert f"round {other_id} is not a survey round of 'bromma'" in wrong.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Release)) == 1


def test_the_dashboard_previews_then_publishes(app, client, auth, data):
    auth.login("organizer")
    dashboard = client.get("/organizer/areas/bromma").get_data(as_text=True)
    assert "/organizer/areas/bromma/publish" in dashboard
    path = f"/organizer/areas/bromma/publish?round={data}"
    preview = client.get(path)
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "Brommaplan" in text
    shown = json.loads(html.unescape(text.split("<pre", 1)[1].split(">", 1)[1].split("</pre>")[0]))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Release)) == 0
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', text).group(1)
    done = post_form(client, path, {"version": version})
    assert done.status_code == 302
    with app.app_context():
        release = db.session.scalar(select(Release))
        assert done.headers["Location"].endswith(f"/uppfoljning/bromma?release={release.id}")
        assert release.published_by_id is not None
        stored = release.data
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "release.publish"))
        assert event.actor == ACCOUNTS["organizer"][0]
    shown.pop("generated_at"), stored.pop("generated_at")
    assert stored == shown  # exactly what the preview showed
    # A preview made before new data is refused, and nothing is stored.
    with app.app_context():
        add_responses("alvik", [{"safety_evening": "4"}])
    stale = post_form(client, path, {"version": version})
    assert stale.status_code == 302
    assert "/publish" in stale.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Release)) == 1
    assert client.get("/organizer/areas/atlantis/publish").status_code == 404
    assert client.get("/organizer/areas/bromma/publish?round=abc").status_code == 404


def test_nothing_changed_makes_no_second_release(app, client, cli, auth, data):
    auth.login("organizer")
    path = f"/organizer/areas/bromma/publish?round={data}&lang=en"
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    assert post_form(client, path, {"version": version}).status_code == 302
    # The same form sent again (the back button, a double click): nothing new to publish.
    again = post_form(client, path, {"version": version}, token_from="/organizer/?lang=en")
    assert again.status_code == 302
    assert "/publish" in again.headers["Location"]
    page = client.get(path).get_data(as_text=True)
    assert "publishing now would show exactly the same figures" in html.unescape(page)
    assert ">Publish</button>" not in page
    assert "New data arrived" not in page
    assert "<h2>Figures that will be shown</h2>" in page  # what it would show, still there
    assert "0 figures keep" not in page
    timer = cli("publish", "--area", "bromma")  # a daily timer finding nothing new: no error
    assert timer.exit_code == 0, timer.output
    assert "no new release made" in timer.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Release)) == 1
    # One new answer: a release again (its figures held back, it tells that answers came).
    with app.app_context():
        add_responses("alvik", [{"safety_evening": "4"}])
    assert ">Publish</button>" in client.get(path).get_data(as_text=True)


def test_closed_rounds_get_one_final_release_each(app, cli, data):
    with app.app_context():
        closed = factories.survey_round(
            "Våren 2025", dt.date(2025, 3, 1), areas=["bromma", "ekero"], closes_on=_yesterday()
        )
        db.session.commit()
        closed_id = closed.id
    # A release made while the round was still open is not its final one.
    early = publish(app, "bromma", closed_id)
    with app.app_context():
        noon = dt.datetime.combine(_yesterday(), dt.time(12), tzinfo=dt.UTC)
        db.session.execute(update(Release).where(Release.id == early).values(data_cutoff=noon))
        db.session.commit()

    first = cli("publish", "--closed-rounds")
    assert first.exit_code == 0, first.output
    assert "2 closed round release(s) published" in first.output
    again = cli("publish", "--closed-rounds")
    assert again.exit_code == 0, again.output
    assert "0 closed round release(s) published" in again.output
    with app.app_context():
        finals = db.session.scalars(
            select(Release).where(Release.round_key == closed_id).order_by(Release.id)
        ).all()
        assert [(r.area.slug, r.sequence) for r in finals] == [
            ("bromma", 1),
            ("bromma", 2),
            ("ekero", 1),
        ]
        # The open default round has no last day, so it is never published by the timer.
        assert not db.session.scalars(select(Release).where(Release.round_key == data)).all()
    both = cli("publish", "--closed-rounds", "--area", "bromma")
    assert both.exit_code == 2
    assert "either --area SLUG or --closed-rounds" in both.output


def _yesterday() -> dt.date:
    return dt.date.today() - dt.timedelta(days=1)


def test_the_audit_hides_cells_that_subtraction_would_pin(app, client):
    # 6 victims in Bromma, all 6 at Brommaplan: Alvik (8 answers) and Abrahamsberg (7), hidden
    # as too small, would each read 0 % victims once Brommaplan's 6 of 15 is shown.
    with app.app_context():
        add_responses("brommaplan", [{"victim": "yes"}] * 6 + [{"victim": "no"}] * 9)
        add_responses("alvik", [{"victim": "no"}] * 8)
        add_responses("abrahamsberg", [{"victim": "no"}] * 7)
    release_id = publish(app)
    with app.app_context():
        summary = db.session.get(Release, release_id).audit["audit"]
    assert "places[brommaplan].victim" in summary["hidden_added"]
    assert summary["unresolved"] == []
    places = {p["place"]: p for p in client.get(PICTURE).get_json()["places"]}
    assert places["brommaplan"]["victim"]["suppressed"] is True
    assert "share" not in places["brommaplan"]["victim"]
    assert "n" not in places["alvik"]["victim"]


def test_publish_without_a_round_takes_the_newest_round_with_answers(app, cli, data):
    with app.app_context():
        newer = factories.survey_round("Nyss öppnad", dt.date.today(), areas=["bromma"])
        db.session.commit()
        newer_id = newer.id
    result = cli("publish", "--area", "bromma")
    assert result.exit_code == 0, result.output
    with app.app_context():
        (release,) = db.session.scalars(select(Release)).all()
        # The round opened today has no answers yet: the one with the answers is published.
        assert release.round_id == data != newer_id


def test_a_priority_carries_no_figure_the_audit_hid(app, client):
    """The priorities are ranked from the released cells: a score built on a cell the
    disclosure audit hid would give that cell away (shrinkage is public arithmetic)."""
    same = {"relation": "live", "safety_day": "1", "safety_afternoon": "1", "safety_night": "1"}
    with app.app_context():
        now = default_round_id()
        factories.answers("brommaplan", now, 10, safety_evening="4", problem_alcohol="3", **same)
        factories.answers("brommaplan", now, 10, safety_evening="1", problem_alcohol="0", **same)
        factories.answers("alvik", now, 15, safety_evening="4", **same)
        factories.answers("akeshov", now, 4, safety_evening="4", **same)
        db.session.commit()
    publish(app)
    body = client.get(PICTURE).get_json()
    place = {p["place"]: p for p in body["places"]}["brommaplan"]
    assert place["times"]["evening"] == {"suppressed": True}  # hidden by the audit
    alcohol, area = place["problems"]["alcohol"], body["area_total"]
    row = next(
        r
        for r in body["priorities"]
        if (r["place"], r["problem"], r["time"]) == ("brommaplan", "alcohol", "evening")
    )
    # The hidden cell weighs as the area's value: the mean of the place's alcohol share
    # (shrunk toward the area's, equal here) and the area's evening share, both shown.
    assert alcohol["share"] == area["problems"]["alcohol"]["share"] == 0.5
    expected = (0.5 + area["times"]["evening"]["unsafe_share"]) / 2
    assert abs(row["components"]["survey"] - expected) <= 0.01


def test_ten_erased_at_one_place_and_ten_new_at_another_publish(app, client):
    # The area's n is unchanged, its figures not: kept as they were, they no longer added up
    # with the places that changed by ten, and publishing was refused. Letting every figure
    # with an unchanged n change instead gave away an erasure and a new answer at Nockeby.
    same = {"relation": "live", "safety_day": "1", "safety_afternoon": "1", "safety_night": "1"}
    with app.app_context():
        now = default_round_id()
        factories.answers("brommaplan", now, 20, safety_evening="1", **same)
        factories.answers("alvik", now, 20, safety_evening="1", **same)
        factories.answers("nockeby", now, 10, safety_evening="1", **same)
        factories.answers("nockeby", now, 10, safety_evening="4", **same)
        db.session.commit()
    publish(app)
    before = client.get(PICTURE).get_json()
    with app.app_context():
        at = {
            slug: select(Response).join(Place).where(Place.slug == slug)
            for slug in ("brommaplan", "nockeby")
        }
        for response in db.session.scalars(at["brommaplan"].limit(10)).all():
            erase_answer(db.session, response)
        unsafe = at["nockeby"].where(Response.safety_evening == "4").limit(1)
        erase_answer(db.session, db.session.scalars(unsafe).one())
        factories.answers("nockeby", now, 1, safety_evening="1", **same)
        factories.answers("alvik", now, 10, safety_evening="4", **same)
        db.session.commit()
    publish(app)  # not refused
    after = client.get(PICTURE).get_json()
    for body in (before, after):
        body.pop("release"), body.pop("generated_at")
    assert after["area_total"] == before["area_total"]
    assert after["places"] == before["places"]

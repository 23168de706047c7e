"""The public follow-up as residents read it: sizes beside verdicts, plain words, the method."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import insert, select

from survey.extensions import db
from survey.models import Place, Release, Response
from survey.public.followup import change, result_said
from tests.common import factories
from tests.common.releases import publish

#: Words residents should not meet: statisticians' jargon and a bare verdict word.
JARGON = ("percentage points", "interval", "n =", "(n", "times as many", "rate ratio")


def _text(html: str) -> str:
    """The visible text of a page's main part, tags dropped (inline spans without a space)."""
    main = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"</?span[^>]*>", "", main)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _world(app, before: tuple[int, int], after: tuple[int, int]) -> tuple[int, int]:
    """Brommaplan evenings: (unsafe, answered) per round; the promise and follow-up round."""
    with app.app_context():
        first, second = factories.rounds_before_and_after(areas=["bromma"])
        place = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        rows = []
        for survey_round, (unsafe, answered) in ((first, before), (second, after)):
            rows += factories.answer_rows(place.id, survey_round.id, unsafe, safety_evening="4")
            rows += factories.answer_rows(
                place.id, survey_round.id, answered - unsafe, safety_evening="1"
            )
        db.session.execute(insert(Response), rows)
        promise = factories.promise(places=["brommaplan"], rounds=(first, second))
        db.session.commit()
        ids = promise.id, first.id, second.id
    publish(app, round_id=ids[1])  # a promise's baseline shows as its round's release shows it
    return ids[0], ids[2]


def test_a_change_that_may_be_chance_shows_its_size_and_says_so(app, client):
    promise_id, _round = _world(app, before=(12, 30), after=(9, 30))  # 40 % -> 30 %: unsure
    publish(app)
    page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    text = _text(page)
    assert (
        "From 40% to 30%: the change is within the uncertainty. The difference could be down to"
        " chance in who"
        " happened to answer, so we cannot say that things have changed." in text
    )
    assert "Result so far: No confirmed change" in text
    assert "Unchanged" not in text  # never the verdict word alone beside figures that moved
    for word in JARGON:
        assert word not in text, word
    assert not re.search(r"-\s?\d", text)  # no hyphen negatives anywhere
    # The share picture says the same, with the size, in its text for screen readers.
    card = client.get(f"/uppfoljning/bromma/{promise_id}.png?lang=en")
    description = Image.open(io.BytesIO(card.data)).info["Description"]
    assert description.endswith("From 40% to 30%: the change is within the uncertainty.")
    # In plain Swedish: not "ryms inom osäkerheten", which residents read as statistics.
    swedish = _text(client.get("/uppfoljning/bromma?lang=sv").get_data(as_text=True))
    assert "Från 40 % till 30 %: förändringen är osäker." in swedish
    assert "osäkerheten" not in swedish


def test_the_publish_preview_says_the_promises_as_the_public_page_will(app, client, auth):
    """The preview listed only the place table: the promises were in the JSON alone."""
    _promise_id, round_id = _world(app, before=(12, 30), after=(9, 30))
    auth.login("organizer")
    preview = _text(client.get(f"/organizer/areas/bromma/publish?round={round_id}&lang=en").text)
    assert "Citizen promises as the public page will say them" in preview
    said = "From 40% to 30%: the change is within the uncertainty."
    assert said in preview
    publish(app)
    assert said in _text(client.get("/uppfoljning/bromma?lang=en").text)


@pytest.mark.parametrize(
    ("indicator", "sentence", "note"),
    [
        (
            {"kind": "crime", "rate_ratio": 0.72, "status": "unchanged"},
            "28% fewer crimes per month than in the same months of earlier years:"
            " the change is within the uncertainty.",
            "Crime counts go up and down from month to month",
        ),
        (
            {"kind": "crime", "rate_ratio": 1.15, "status": "worse"},
            "15% more crimes per month than in the same months of earlier years:"
            " a confirmed increase.",
            "",
        ),
        (
            {"kind": "crime", "rate_ratio": 1.0, "status": "unchanged"},
            "As many crimes per month as in the same months of earlier years: no confirmed change.",
            "Crime counts",
        ),
        (
            {
                "kind": "unsafe_share",
                "before": {"share": 0.62, "n": 85},
                "after": {"share": 0.48, "n": 110},
                "diff": -0.14,
                "status": "unchanged",
            },
            "From 62% to 48%: the change is within the uncertainty.",
            "The difference could be down to chance",
        ),
        (
            {
                "kind": "problem_share",
                "before": {"share": 0.3, "n": 85},
                "after": {"share": 0.3, "n": 110},
                "diff": 0.0,
                "status": "unchanged",
            },
            "30% both times: no confirmed change.",
            "The difference could be down to chance",
        ),
        (
            {"kind": "unsafe_share", "before": {"suppressed": True}, "after": None},
            "Not enough figures to compare before and after.",
            "",
        ),
    ],
)
def test_a_change_is_said_with_its_size(app, indicator, sentence, note):
    with app.test_request_context("/"), force_locale("en"):
        said = change(indicator)
    assert said["sentence"] == sentence
    assert said["note"].startswith(note) if note else said["note"] == ""


@pytest.mark.parametrize(
    ("status", "indicators", "said"),
    [
        ("improved", ["improved", "unchanged"], "Confirmed improvement"),
        ("worse", ["worse"], "Confirmed change for the worse"),
        ("unchanged", ["unchanged", "not enough data"], "No confirmed change"),
        # The analysis calls measures moving both ways "unchanged": they did move.
        ("unchanged", ["improved", "worse"], "Mixed: some measures confirmed better"),
        ("not enough data", [], "Not enough figures yet"),
    ],
)
def test_a_promise_result_is_said_plainly(app, status, indicators, said):
    result = {"status": status, "indicators": [{"status": s} for s in indicators]}
    with app.test_request_context("/"), force_locale("en"):
        assert result_said(result).startswith(said)


def test_swedish_figures_use_swedish_number_style(app):
    with app.test_request_context("/"), force_locale("sv"):
        fewer = change({"kind": "crime", "rate_ratio": 0.72, "status": "improved"})
        shares = change(
            {
                "kind": "unsafe_share",
                "before": {"share": 0.616, "n": 85},
                "after": {"share": 0.478, "n": 110},
                "diff": -0.138,
                "status": "unchanged",
            }
        )
    assert "28\xa0%" in fewer["sentence"]  # "28 %", the space never broken from its sign
    assert "62\xa0%" in shares["sentence"]
    assert "48\xa0%" in shares["sentence"]
    assert "-" not in fewer["sentence"] + shares["sentence"]


def test_the_method_summarises_the_release_audit(app, client):
    _promise, round_id = _world(app, before=(20, 50), after=(5, 50))
    first = publish(app, round_id=round_id)
    with app.app_context():
        audit = db.session.get(Release, first).audit
    checked = audit["audit"]["cells_checked"]
    added = len(audit["audit"]["hidden_added"]) + audit["audit"]["followup_sides_hidden"]
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    method = text.split("How we count", 2)[2]  # the section, after the link to it
    assert "A figure resting on fewer than 10 answers is not shown" in method
    assert checked > 0
    assert "a check went through every figure about the area" in method
    assert f"{checked} figures" not in method
    if added:
        assert f"The check hid {added} more figure" in method
    else:
        assert "No more figures needed to be hidden." in method
    assert "between 40% and 50%" in method  # the audit's minimum width, 10 points
    assert "at least 10 answers have been added or taken away" in method
    assert "kept their earlier values" not in method
    # A few more answers: the next release keeps the cells they would change.
    with app.app_context():
        rows = factories.answer_rows("brommaplan", round_id, 3, safety_evening="4")
        db.session.execute(insert(Response), rows)
        db.session.commit()
    second = publish(app, round_id=round_id)
    with app.app_context():
        held = db.session.get(Release, second).audit["held_back"]
    assert held > 0
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    # Whether any figure was kept, not how many (which questions the new answers answered).
    assert "This time some figures kept their earlier values." in text
    assert f"This time {held} figures" not in text


def test_nothing_published_shows_no_method(app, client):
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "How we count" not in text


def test_a_large_change_within_the_uncertainty_is_never_called_unchanged(app, client):
    """61.6 % -> 47.8 % on 73 and 67 answers: the interval includes 0, the drop is 14 points."""
    _world(app, before=(45, 73), after=(32, 67))
    publish(app)
    for lang in ("en", "sv"):
        text = _text(client.get(f"/uppfoljning/bromma?lang={lang}").get_data(as_text=True))
        assert "Unchanged" not in text
        assert "Oförändrat" not in text
        assert "procentenheter" not in text
        if lang == "en":
            assert "From 62% to 48%: the change is within the uncertainty." in text
        else:
            # The size in Swedish (the verdict's new words wait for the catalog).
            assert "Från 62 % till 48 %" in text
    with app.app_context():
        release = db.session.scalar(select(Release).order_by(Release.id.desc()))
        [result] = release.data["followup"]
    [indicator] = result["indicators"]
    assert indicator["status"] == "unchanged"
    assert indicator["ci"][0] < 0 < indicator["ci"][1]
    assert result["verdict_rule"] == "holm"
    # The organizers' word for the status is no longer "unchanged" either.
    from survey import labels

    with app.test_request_context("/"), force_locale("en"):
        assert str(labels.STATUSES["unchanged"]) == "No confirmed change"


def test_the_page_says_which_rule_gave_the_verdict(app, client):
    promise_id, _round = _world(app, before=(12, 30), after=(9, 30))
    with app.app_context():
        from survey.models import Promise

        promise = db.session.get(Promise, promise_id)
        promise.indicators = [
            {"kind": "unsafe_share", "time": "evening", "primary": True},
            {"kind": "unsafe_share", "time": "night"},
        ]
        db.session.commit()
    publish(app)
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "The result follows the measure chosen in advance as the most important" in text
    with app.app_context():
        promise = db.session.get(Promise, promise_id)
        promise.indicators = [
            {"kind": "unsafe_share", "time": "evening"},
            {"kind": "unsafe_share", "time": "night"},
        ]
        db.session.commit()
    publish(app)
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "No measure was chosen in advance as the most important" in text


def test_the_change_since_the_previous_survey_is_said_plainly(app, client):
    with app.app_context():
        first, second = factories.rounds_before_and_after(areas=["bromma"])
        place = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        unsafe = {"safety_evening": "4", "safety_day": "4", "safety_afternoon": "4"}
        safe = {"safety_evening": "1", "safety_day": "1", "safety_afternoon": "1"}
        rows = factories.answer_rows(place.id, first.id, 15, **unsafe)
        rows += factories.answer_rows(place.id, first.id, 5, **safe)
        rows += factories.answer_rows(place.id, second.id, 2, **unsafe)
        rows += factories.answer_rows(place.id, second.id, 18, **safe)
        db.session.execute(insert(Response), rows)
        db.session.commit()
        first_id, second_id = first.id, second.id
    publish(app, round_id=second_id)
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "Since the previous survey" not in text  # the earlier round was never published
    publish(app, round_id=first_id)
    publish(app, round_id=second_id)
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    section = text.split("Since the previous survey", 1)[1].split("How we count", 1)[0]
    assert "How many in the whole area feel unsafe, in Hösten 2025 and in Våren 2026." in section
    assert "Evening (18–22): From 75% to 10%: a confirmed decrease." in section
    # In the day's order, not the stored release's (alphabetical) order of keys.
    order = [section.index(t) for t in ("Daytime", "Afternoon", "Evening")]
    assert order == sorted(order)
    # A time without answers in both rounds is hidden as every other figure, with no count.
    assert "Night (22–06): hidden to protect the anonymity of those who answered" in section
    for word in JARGON:
        assert word not in section, word


def test_a_time_one_round_hid_is_listed_as_hidden_with_nothing_of_it(app, client):
    """Ekerö in the demo: the afternoon shown before, hidden now; its line was left out."""
    with app.app_context():
        first, second = factories.rounds_before_and_after(areas=["bromma"])
        place = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        rows = factories.answer_rows(
            place.id, first.id, 20, safety_afternoon="4", safety_evening="1"
        )
        # Now 4 of the 20 answered the afternoon (3 felt unsafe): too few to show.
        rows += factories.answer_rows(
            place.id, second.id, 3, safety_afternoon="4", safety_evening="1"
        )
        rows += factories.answer_rows(
            place.id, second.id, 1, safety_afternoon="1", safety_evening="1"
        )
        rows += factories.answer_rows(place.id, second.id, 16, safety_evening="1")
        db.session.execute(insert(Response), rows)
        db.session.commit()
        first_id, second_id = first.id, second.id
    publish(app, round_id=first_id)
    release_id = publish(app, round_id=second_id)
    with app.app_context():
        changes = db.session.get_one(Release, release_id).data["round_changes"]
    afternoon = changes["area_total"]["times"]["afternoon"]
    assert afternoon["after"]["suppressed"]
    assert not afternoon["before"]["suppressed"]
    for lang, heading, line in (
        (
            "en",
            "Since the previous survey",
            "Afternoon (15–18): hidden to protect the anonymity of those who answered",
        ),
        ("sv", "Sedan förra mätningen", "Eftermiddag (15–18): dold för att skydda de svarandes"),
    ):
        text = _text(client.get(f"/uppfoljning/bromma?lang={lang}").get_data(as_text=True))
        section = text.split(heading, 1)[1]
        assert line in section
        # Nothing of the hidden figure: neither round's afternoon share nor a count of it.
        section = section.split("Evening (18–22)" if lang == "en" else "Kväll (18–22)", 1)[0]
        assert "%" not in section
        assert not re.search(r"\d+ (answers?|svar)", section)
    text = _text(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    section = text.split("Since the previous survey", 1)[1].split("How we count", 1)[0]
    assert "Evening (18–22): 0% both times" in section
    assert "100%" not in section  # the afternoon before (20 of 20 unsafe)
    assert "75%" not in section  # 3 of 4 now

"""The public follow-up of citizen promises: no login, only aggregated and suppressed figures."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import delete, insert, select

from analysis.followup import followup
from survey.extensions import db
from survey.models import (
    Area,
    Place,
    Promise,
    PromiseActivity,
    Release,
    Response,
    SurveyRound,
)
from survey.public.followup_services import area_followups, release_followups
from survey.reports.public_form import round_count
from tests.common import factories
from tests.common.releases import publish

THRESHOLD = 10
ANSWERED = ("1", "2", "3", "4", "avoid")
UNSAFE = ("3", "4", "avoid")
PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)\s?%")
#: What a hidden cell reads on the public side: no count, and not why (too few answers, or
#: hidden so that another cannot be worked out: saying which would tell).
HIDDEN = "hidden to protect the anonymity of those who answered"
FEWER = "fewer than 10 answers"
#: Shares are whole percent in a release: a shown percentage is this close to the exact one.
WHOLE = 0.51
HOSTILE = "<script>alert('x')</script>"


def _places(app) -> dict[str, Place]:
    with app.app_context():
        places = {p.slug: p for p in db.session.scalars(select(Place))}
        db.session.expunge_all()
        return places


def _rounds(app) -> tuple[int, int]:
    with app.app_context():
        before, after = factories.rounds_before_and_after(areas=["bromma"])
        db.session.commit()
        return before.id, after.id


def _answers(place_id: int, round_id: int, values: list[str], **extra: str) -> list[dict]:
    """Rows for a bulk insert: one answer per evening value."""
    return [
        row
        for value in values
        for row in factories.answer_rows(place_id, round_id, **({"safety_evening": value} | extra))
    ]


def _promise(app, rounds, places: list[str], title: str = "Tryggare Brommaplan", **extra) -> int:
    with app.app_context():
        promise = factories.promise(places=places, rounds=rounds, title=title, **extra)
        db.session.commit()
        return promise.id


def _world(app) -> dict[str, Any]:
    """Brommaplan evenings: 20 of 50 unsafe before, 5 of 50 after; nights: 20 of 20, 5 of 5."""
    places = _places(app)
    rounds = _rounds(app)
    bp = places["brommaplan"].id
    rows = (
        _answers(bp, rounds[0], ["3"] * 20, safety_night="4")
        + _answers(bp, rounds[0], ["1"] * 30)
        + _answers(bp, rounds[1], ["1"] * 45)
        + _answers(bp, rounds[1], ["4"] * 5, safety_night="3")
    )
    with app.app_context():
        db.session.execute(insert(Response), rows)
        db.session.commit()
    promise_id = _promise(
        app,
        rounds,
        ["brommaplan"],
        indicators=[
            {"kind": "unsafe_share", "time": "evening"},
            {"kind": "unsafe_share", "time": "night"},
        ],
        activities=[
            factories.activity(
                "presence_patrol",
                dt.date(2026, 2, 1),
                hours=3.5,
                note="Patrullen mötte Anna Andersson",
            ),
            factories.activity("presence_patrol", dt.date(2026, 2, 8), hours=2),
            factories.activity("alcohol_ban", dt.date(2026, 2, 9), count=4),
        ],
    )
    # The public side shows releases only; a promise's baseline, only as its round's release did.
    publish(app, round_id=rounds[0])
    publish(app)
    return {"places": places, "rounds": rounds, "promise": promise_id}


def _main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_the_pages_open_without_login(app, client):
    _world(app)
    index = client.get("/uppfoljning?lang=en")
    assert index.status_code == 200
    text = index.get_data(as_text=True)
    assert 'href="/uppfoljning/bromma"' in text
    assert "1 citizen promise" in text
    assert "0 citizen promises" in text  # Ekerö has none yet
    page = client.get("/uppfoljning/bromma?lang=en")
    assert page.status_code == 200
    assert "Tryggare Brommaplan" in page.get_data(as_text=True)
    assert client.get("/uppfoljning/ekero?lang=en").status_code == 200


def test_unknown_areas_and_promises_are_404(app, client):
    world = _world(app)
    assert client.get("/uppfoljning/nowhere").status_code == 404
    assert client.get("/uppfoljning/nowhere/1.png").status_code == 404
    assert client.get(f"/uppfoljning/bromma/{world['promise'] + 99}.png").status_code == 404
    # A promise of Bromma is not shown under another area's address.
    assert client.get(f"/uppfoljning/ekero/{world['promise']}.png").status_code == 404
    assert client.get("/uppfoljning/bromma/abc.png").status_code == 404


def test_the_figures_are_those_of_the_analysis(app, client):
    world = _world(app)
    with app.app_context():
        expected = followup(db.session.connection(), world["promise"], THRESHOLD)
    evening, night = expected["indicators"]
    assert (evening["before"], evening["after"]) == (
        {"n": 50, "share": 0.4},
        {"n": 50, "share": 0.1},
    )
    assert night["after"] == {"n": 5, "suppressed": True}
    page = _main(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert '<strong>40%</strong> <span class="muted">(about 50 answers)</span>' in page
    assert '<strong>10%</strong> <span class="muted">(about 50 answers)</span>' in page
    assert '<strong>100%</strong> <span class="muted">(about 20 answers)</span>' in page
    assert f'<span class="suppressed">{HIDDEN}</span>' in page
    assert "5 answers" not in page  # a hidden cell carries no count
    assert "Numbers of answers are rounded to the nearest 5" in page
    # The change with its size and how sure it is; no jargon, no bare verdict word.
    assert '<p class="change"><strong>From 40% to 10%: a confirmed decrease.</strong></p>' in page
    assert "<strong>Not enough figures to compare before and after.</strong></p>" in page
    assert "Result so far: <strong>Confirmed improvement</strong>" in page
    # What was done: summed per kind, from the analysis.
    assert expected["activities"]["by_kind"]["presence_patrol"]["hours"] == 5.5
    assert re.search(r"Presence patrol</strong>:\s*2 occasions, 5.5 hours", page)
    assert re.search(
        r"Alcohol-ban intervention</strong>:\s*1 occasion, 4 interventions or people reached", page
    )
    # Notes of activities are the organizers' working notes: never public.
    assert "Anna Andersson" not in page
    # Arabic separates the parts with its own comma, not a Latin one.
    arabic = _main(client.get("/uppfoljning/bromma?lang=ar").get_data(as_text=True))
    assert re.search(r"</strong>:\s*\S+ \S+، ", arabic)
    # A number of hours (5.5) or people takes no noun after it, whose form would have to
    # follow the number: "the number of hours: 5.5".
    assert "عدد الساعات: " in arabic
    assert "عدد التدخّلات أو الأشخاص الذين تم الوصول إليهم: " in arabic
    assert not re.search(r"</strong>:[^<]*\d[^<,]*, ", arabic)


def test_the_page_is_in_swedish_by_default(app, client):
    _world(app)
    page = client.get("/uppfoljning/bromma", headers={"Accept-Language": "sv"})
    text = page.get_data(as_text=True)
    assert '<html lang="sv">' in text
    assert "1 januari 2026" in text
    # Swedish number style: a space (that does not break) before the percent sign.
    assert "<strong>40\xa0%</strong>" in text


def test_hostile_text_is_escaped_everywhere(app, client):
    world = _world(app)
    with app.app_context():
        promise = db.session.get(Promise, world["promise"])
        promise.title = "Titel " + HOSTILE
        promise.text = "Text " + HOSTILE
        promise.indicators = [*promise.indicators, {"kind": "crime", "category": HOSTILE}]
        db.session.add(
            PromiseActivity(
                promise_id=promise.id,
                held_on=dt.date(2026, 3, 1),
                kind="other",
                note="Note " + HOSTILE,
            )
        )
        db.session.commit()
    publish(app)
    page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    assert "<script>" not in page
    assert "Titel &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "Text &lt;script&gt;" in page
    assert "Reported crimes: &lt;script&gt;" in page
    assert "Note " not in page  # activity notes are not shown at all
    # The title also reaches the share picture's description, as plain text in a PNG.
    picture = client.get(f"/uppfoljning/bromma/{world['promise']}.png")
    assert picture.status_code == 200
    assert Image.open(io.BytesIO(picture.data)).info["Title"] == "Titel " + HOSTILE


def test_the_share_picture_is_1200_by_630_and_cached(app, client):
    world = _world(app)
    path = f"/uppfoljning/bromma/{world['promise']}.png"
    first = client.get(path + "?lang=en")
    assert first.status_code == 200
    assert first.mimetype == "image/png"
    image = Image.open(io.BytesIO(first.data))
    assert image.size == (1200, 630)
    assert "Feel unsafe: Evening (18–22)" in image.info["Description"]
    assert "40% (about 50 answers)" in image.info["Description"]
    assert "10% (about 50 answers)" in image.info["Description"]
    assert "From 40% to 10%: a confirmed decrease." in image.info["Description"]
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)  # strong: no W/ prefix
    assert first.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert "Set-Cookie" not in first.headers  # the address alone chooses the language
    again = client.get(path + "?lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    # Another language or other figures draw another picture.
    swedish = client.get(path + "?lang=sv")
    assert swedish.headers["ETag"] != etag
    assert client.get(path + "?lang=xx").headers["ETag"] == swedish.headers["ETag"]
    with app.app_context():
        rows = _answers(world["places"]["brommaplan"].id, world["rounds"][1], ["3"] * 10)
        db.session.execute(insert(Response), rows)
        db.session.commit()
    # New answers change nothing public until the next release.
    assert client.get(path + "?lang=en", headers={"If-None-Match": etag}).status_code == 304
    publish(app)
    changed = client.get(path + "?lang=en", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_the_page_points_social_media_at_the_picture(app, client):
    world = _world(app)
    page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    url = f"http://trygghet.test/uppfoljning/bromma/{world['promise']}.png?lang=en"
    assert f'<meta property="og:image" content="{url}">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:height" content="630">' in page
    assert 'property="og:image:alt" content="Tryggare Brommaplan. Feel unsafe' in page


def test_the_suppressed_key_figure_reads_too_few_answers(app, client):
    places = _places(app)
    rounds = _rounds(app)
    with app.app_context():
        db.session.execute(
            insert(Response),
            _answers(places["alvik"].id, rounds[0], ["4"] * 7)
            + _answers(places["alvik"].id, rounds[1], ["4"] * 12),
        )
        db.session.commit()
    promise_id = _promise(app, rounds, ["alvik"], title="Alvik")
    publish(app)
    picture = client.get(f"/uppfoljning/bromma/{promise_id}.png?lang=en")
    description = Image.open(io.BytesIO(picture.data)).info["Description"]
    assert HIDDEN in description
    assert "7" not in description.replace("18–22", "")
    assert "100% (about 10 answers)" in description
    assert "Not enough figures to compare before and after." in description


def test_a_promise_inside_another_cannot_be_subtracted(app, client):
    """Brommaplan shown beside Brommaplan + Alvik would give away Alvik's 5 answers."""
    places = _places(app)
    rounds = _rounds(app)
    with app.app_context():
        db.session.execute(
            insert(Response),
            _answers(places["brommaplan"].id, rounds[0], ["1"] * 20)
            + _answers(places["alvik"].id, rounds[0], ["4"] * 5),
        )
        db.session.commit()
    both = _promise(app, rounds, ["brommaplan", "alvik"], title="Both")
    one = _promise(app, rounds, ["brommaplan"], title="One")
    with app.app_context():
        results = {r["promise"]["id"]: r for r in area_followups(db.session, _bromma(), 10)}
    assert results[both]["indicators"][0]["before"] == {"n": 25, "share": 0.2}
    assert results[one]["indicators"][0]["before"] == {"n": 20, "suppressed": True}
    publish(app)
    page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    # Published, the round's own audit hides "Both" too (the area total beside Brommaplan
    # would pin Alvik); no share of either is shown.
    assert "0%" not in _articles(page)
    # "One" rests on 20 answers, hidden only so that Alvik cannot be worked out: it must not
    # read "fewer than 10 answers" (a falsehood), nor say why it is hidden (a clue).
    assert f'<span class="suppressed">{HIDDEN}</span>' in page
    assert FEWER not in _articles(page)
    assert "20 answers" not in page


def _articles(page: str) -> str:
    """The promises' part of a follow-up page, without the method text below it."""
    return "".join(re.findall(r'<article class="promise-card".*?</article>', page, re.S))


def _bromma() -> Area:
    return db.session.scalar(select(Area).where(Area.slug == "bromma"))


def test_taking_part_shows_the_open_round_and_the_places(app, client):
    with app.app_context():
        retired = db.session.scalar(select(Place).where(Place.slug == "nockeby"))
        retired.retired = True
        db.session.commit()
    page = _main(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "The survey is open now." in page
    assert 'href="/s/brommaplan"' in page
    assert 'href="/s/alvik"' in page
    assert 'href="/s/nockeby"' not in page
    assert 'href="/s/stenhamra"' not in page  # another area's place


def test_taking_part_shows_the_next_round_when_none_is_open(app, client):
    with app.app_context():
        for survey_round in db.session.scalars(select(SurveyRound)):
            survey_round.opens_on = dt.date(2099, 5, 1)
        db.session.commit()
    page = _main(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "The next survey round opens on 1 May 2099." in page
    assert 'href="/s/' not in page


def test_only_the_next_open_dialogue_is_announced_without_details(app, client):
    with app.app_context():

        def dialogue(day: dt.date, kind: str, place: str | None = None, **extra: Any) -> None:
            factories.dialogue(
                "bromma",
                place,
                held_on=day,
                kind=kind,
                organizer="Kommunpolis Kalle Karlsson",
                notes="Hemlig anteckning",
                residents=12,
                **extra,
            )

        dialogue(dt.date(2020, 1, 1), "medborgardialog")  # in the past
        dialogue(dt.date(2099, 1, 1), "medarbetardialog")  # police staff only
        dialogue(dt.date(2099, 2, 1), "samverkansmote")  # partners only
        dialogue(
            dt.date(2099, 3, 2),
            "trygghetsvandring",
            "alvik",
            issues=[factories.issue("alcohol", quote="Citat från en boende")],
        )
        dialogue(dt.date(2099, 4, 1), "medborgardialog")  # not the next one
        db.session.commit()
    page = _main(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "Next: Safety walk on 2 March 2099, Alvik." in page
    for secret in ("Kalle", "Hemlig", "Citat", "12", "2020", "2099-04", "1 April 2099"):
        assert secret not in page
    assert "Staff dialogue" not in page
    assert "Meeting with cooperation partners" not in page
    empty = _main(client.get("/uppfoljning/ekero?lang=en").get_data(as_text=True))
    assert "No meeting has been planned yet." in empty


def test_crime_indicators_show_counts_and_the_rate_ratio(app, client):
    rounds = _rounds(app)
    with app.app_context():
        # The same months a year before, and the months just before (never the reference).
        months = ((2025, 1, 30), (2025, 2, 30), (2025, 3, 30), (2025, 12, 99))
        months += ((2026, 1, 10), (2026, 2, 10), (2026, 3, 10))
        factories.crime_counts({dt.date(y, m, 1): count for y, m, count in months})
        db.session.commit()
    promise_id = _promise(
        app,
        rounds,
        [],
        title="Färre misshandel",
        indicators=[{"kind": "crime", "category": "Misshandel"}],
    )
    publish(app)
    page = _main(client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True))
    assert "<strong>90</strong> in 3 months" in page
    assert "<strong>30</strong> in 3 months" in page
    assert "The same months in earlier years" in page
    assert (
        "67% fewer crimes per month than in the same months of earlier years:"
        " a confirmed decrease." in page
    )
    assert "times as many" not in page
    assert "the whole area" in page
    description = Image.open(
        io.BytesIO(client.get(f"/uppfoljning/bromma/{promise_id}.png?lang=en").data)
    ).info["Description"]
    assert "Reported crimes: Assault" in description
    assert "Reported crimes: Assault" in page  # the category in the page's language
    assert "Misshandel" not in page
    assert "67% fewer crimes per month than in the same months of earlier years" in description
    assert "rate ratio" not in description


# The property: whatever the answers, no share of a small cell reaches the page or the picture.

PLACES = ("brommaplan", "alvik", "abrahamsberg")
SCOPES = {"area": [], "pair": ["brommaplan", "alvik"], "one": ["brommaplan"]}
answer_lists = st.lists(st.sampled_from((*ANSWERED, "na", "dk")), max_size=25)


def _cell(rows: dict[tuple[str, int], list[str]], places: list[str], round_id: int):
    values = [v for place in places for v in rows.get((place, round_id), [])]
    n = sum(v in ANSWERED for v in values)
    return n, sum(v in UNSAFE for v in values)


def _percents(text: str) -> list[float]:
    return [float(m) for m in PERCENT.findall(text)]


def test_no_share_of_a_small_cell_is_ever_shown(app, client):
    places = _places(app)
    rounds = _rounds(app)
    ids = {
        name: _promise(app, rounds, slugs, title=f"Promise {name}")
        for name, slugs in SCOPES.items()
    }
    every = [slug for slug, place in places.items() if place.area_id == places["alvik"].area_id]

    # Each example publishes a release, whose audit is the cost (see tests/api/test_api.py).
    @settings(max_examples=12, deadline=None)
    @given(data=st.fixed_dictionaries({(p, r): answer_lists for p in PLACES for r in rounds}))
    def check(data):
        with app.app_context():
            db.session.execute(delete(Response))
            db.session.execute(delete(Release))  # each example starts a new history
            rows = [
                row
                for (slug, round_id), values in data.items()
                for row in _answers(places[slug].id, round_id, values)
            ]
            if rows:
                db.session.execute(insert(Response), rows)
            db.session.commit()
            published = {
                r["promise"]["id"]: r for r in area_followups(db.session, _bromma(), THRESHOLD)
            }
        release_id = publish(app)
        with app.app_context():
            public = {
                r["promise"]["id"]: r
                for r in release_followups(db.session.get(Release, release_id))
            }
        page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
        articles = {
            int(m.group(1)): m.group(0)
            for m in re.finditer(
                r'<article class="promise-card" id="promise-(\d+)".*?</article>', page, re.S
            )
        }
        shown: set[float] = set()
        cells = {}
        for name, slugs in SCOPES.items():
            for side, round_id in zip(("before", "after"), rounds, strict=True):
                n, k = _cell(data, slugs or every, round_id)
                cells[(name, side)] = (n, k)
                published_cell = published[ids[name]]["indicators"][0][side]
                assert published_cell["n"] == n
                if n < THRESHOLD:
                    assert published_cell.get("suppressed")
                if not published_cell.get("suppressed"):
                    shown.add(100 * k / n)
        # Nested promises: two shown shares never differ by a group under the threshold.
        for big, small in (("area", "pair"), ("area", "one"), ("pair", "one")):
            for side in ("before", "after"):
                a = published[ids[big]]["indicators"][0][side]
                b = published[ids[small]]["indicators"][0][side]
                if not a.get("suppressed") and not b.get("suppressed"):
                    assert a["n"] - b["n"] == 0 or a["n"] - b["n"] >= THRESHOLD
        for value in _percents(_articles(page)):
            assert any(abs(value - s) < WHOLE for s in shown), (value, shown)
        for name in SCOPES:
            article = articles[ids[name]]
            analysed = published[ids[name]]["indicators"][0]
            # The release hides at least what the analysis hides (its audit may hide more).
            indicator = public[ids[name]]["indicators"][0]
            for side in ("before", "after"):
                cell = indicator[side]
                if analysed[side].get("suppressed"):
                    assert cell == {"suppressed": True}
                if cell.get("suppressed"):
                    assert f'<span class="suppressed">{HIDDEN}</span>' in article
                else:
                    assert cell["n"] == round_count(analysed[side]["n"])
                    pattern = (
                        rf'<strong>([\d.]+)%</strong> <span class="muted">'
                        rf"\(about {cell['n']} answers\)"
                    )
                    values = [float(v) for v in re.findall(pattern, article)]
                    assert any(abs(v - analysed[side]["share"] * 100) < WHOLE for v in values)
            picture = client.get(f"/uppfoljning/bromma/{ids[name]}.png?lang=en")
            description = Image.open(io.BytesIO(picture.data)).info["Description"]
            hidden = [indicator[s] for s in ("before", "after") if indicator[s].get("suppressed")]
            assert (HIDDEN in description) == bool(hidden)
            for value in _percents(description):
                assert any(abs(value - s) < WHOLE for s in shown), (value, shown)

    check()


def test_swedish_texts_on_a_page_in_another_language_are_marked_swedish(app, client):
    # WCAG 3.1.2: in Arabic a screen reader read "Tryggare Brommaplan" with an Arabic voice,
    # and the right-to-left page moved its full stop to the front.
    world = _world(app)
    arabic = client.get("/uppfoljning/bromma?lang=ar").get_data(as_text=True)
    promise = world["promise"]
    assert (
        f'<h2 id="promise-{promise}-title" lang="sv" dir="ltr">Tryggare Brommaplan</h2>' in arabic
    )
    assert '<p class="long-text" lang="sv" dir="ltr">' in arabic
    assert '<span lang="sv" dir="ltr">Hösten 2025</span>' in arabic
    swedish = client.get("/uppfoljning/bromma?lang=sv").get_data(as_text=True)
    assert f'<h2 id="promise-{promise}-title">Tryggare Brommaplan</h2>' in swedish
    assert 'lang="sv" dir="ltr"' not in _articles(swedish)


def test_a_round_name_is_marked_swedish_only_where_it_is_not_translated(app):
    from survey.public.forms import round_name

    with app.test_request_context("/uppfoljning/bromma?lang=ar"):
        assert round_name("Hösten 2025") == '<span lang="sv" dir="ltr">Hösten 2025</span>'
        translated = round_name("Löpande trygghetsmätning")
        assert "lang=" not in translated
        assert "Löpande" not in translated

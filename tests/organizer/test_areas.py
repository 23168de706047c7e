"""The area dashboard: the situation picture on screen, its filters and its cached charts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from analysis.picture import situation_picture
from analysis.survey import Filters
from survey.extensions import db
from survey.models import Area, Dialogue, DialogueIssue, Place, SurveyRound
from survey.organizer.areas import charts as area_charts
from survey.reports import charts, pictures
from tests.common import factories
from tests.common.picture_data import build
from tests.common.survey_data import DAY, add_responses, columns
from tests.common.web import VALID_ANSWER, Auth, submit

DASHBOARD = "/organizer/areas/bromma"


@pytest.fixture
def data(app):
    with app.app_context():
        build()


@pytest.fixture
def organizer(auth):
    auth.login("organizer")
    return auth.client


def _picture(app, locale="sv", **filters):
    with app.app_context(), db.engine.connect() as conn:
        return situation_picture(conn, "bromma", Filters(**filters), 10, locale=locale)


def _text(html: str) -> str:
    """The page's text with tags dropped and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_overview_lists_every_area_with_its_figures(app, data, organizer):
    page = organizer.get("/organizer/areas")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for slug in ("bromma", "ekero", "hasselby-vallingby"):
        assert f'href="/organizer/areas/{slug}"' in html
    bromma = _picture(app)
    row = html.split('href="/organizer/areas/bromma"')[1].split("</tr>")[0]
    assert f">{bromma['n']}<" in row
    assert bromma["priorities"][0]["explanation"] in row
    assert f">{len(bromma['deviations'])}<" in row
    # Named so it cannot be taken for the police's "Trygghetsindex" (issue 15).
    assert "Trygghetspoäng" in html
    assert "Trygghetsindex" not in html
    assert "Trygghetsindex" not in html


def test_unknown_area_is_404(data, organizer):
    assert organizer.get("/organizer/areas/nowhere").status_code == 404
    assert organizer.get("/organizer/areas/nowhere/charts/unsafe.png").status_code == 404
    assert organizer.get("/organizer/areas/bromma/charts/pie.png").status_code == 404
    assert organizer.get("/organizer/areas/bromma/charts/unsafe.gif").status_code == 404


def test_dashboard_shows_the_figures_of_the_analysis(app, data, organizer):
    picture = _picture(app, locale="en")
    page = organizer.get(DASHBOARD + "?lang=en")
    assert page.status_code == 200
    text = _text(page.get_data(as_text=True))
    evening = next(p for p in picture["places"] if p["place"] == "brommaplan")["times"]["evening"]
    assert evening == {"n": 11, "suppressed": False, "unsafe_share": 0.7273, "ci": [0.4344, 0.9025]}
    assert "73% 11 answers 43–90%" in text  # the heat cell: share, answers, interval
    alcohol = picture["area_total"]["problems"]["alcohol"]
    assert (
        f"50% ({round(alcohol['ci'][0] * 100)}–{round(alcohol['ci'][1] * 100)}%, 12 answers)"
        in text
    )
    assert picture["priorities"][0]["explanation"] in text
    # The crime category in the page's language (its stored key is Swedish: Misshandel).
    assert "Assault" in text
    assert "Misshandel" not in text
    assert "31" in text
    assert "Berusade personer vid bussarna på kvällen." in text  # a dialogue quote
    assert "Tryggare Brommaplan på kvällen" in text  # a promise and its follow-up
    assert "Worse" in text
    assert f"{picture['n']} answers counted" in text


def test_the_priority_weights_are_written_as_swedish_numbers(app, data, organizer):
    weights = _picture(app, locale="sv")["priority_weights"]
    text = _text(organizer.get(DASHBOARD + "?lang=sv").get_data(as_text=True))
    survey = f"{weights['survey']:.2f}".rstrip("0").replace(".", ",")
    assert f"Poäng = {survey} × enkät" in text


def test_english_percentages_have_one_style_and_no_n(app, data, organizer):
    text = _text(organizer.get(DASHBOARD + "?lang=en").get_data(as_text=True))
    rest = text.replace("95 % interval", "")
    assert " %" not in rest, rest[max(0, rest.find(" %") - 80) : rest.find(" %") + 20]
    assert "n = " not in text
    swedish = _text(organizer.get(DASHBOARD + "?lang=sv").get_data(as_text=True))
    assert "73 % 11 svar 43–90 %" in swedish or "73 % 11 answers 43–90 %" in swedish


def test_the_legend_follows_the_readers_language_whichever_page_came_first(data, organizer):
    # Jinja would fold "{{ 0.1|percent }}" into the compiled template in the language of the
    # first request; both languages, one after the other, show that it does not.
    def legend(lang):
        html = organizer.get(DASHBOARD + f"?lang={lang}").get_data(as_text=True)
        return html.split('class="heat-legend', 1)[1].split("</p>", 1)[0].replace("\xa0", " ")

    assert "10 %" in legend("sv")
    assert "10%" in legend("en")
    assert "10 %" in legend("sv")


def test_dashboard_charts_load_eagerly_so_they_print(data, organizer):
    html = organizer.get(DASHBOARD).get_data(as_text=True)
    assert ".svg" in html
    assert 'loading="lazy"' not in html


def test_suppressed_cells_say_too_few_answers_and_show_no_share(app, data, organizer):
    html = organizer.get(DASHBOARD).get_data(as_text=True)
    row = html.split(">Alvik <")[1].split("</tr>")[0]
    assert "för få svar" in row
    assert "%" not in row
    english = organizer.get(DASHBOARD + "?lang=en").get_data(as_text=True)
    row = english.split(">Alvik <")[1].split("</tr>")[0]
    assert "too few answers" in row
    assert "%" not in row


def test_hostile_text_is_escaped(app, data, organizer):
    with app.app_context():
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        plan = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        dialogue = Dialogue(
            held_on=DAY, area_id=bromma.id, kind="medborgardialog", residents=3, organizer="X"
        )
        dialogue.issues.append(
            DialogueIssue(place_id=plan.id, problem="groups", quote="<script>alert(1)</script>")
        )
        db.session.add(dialogue)
        db.session.commit()
    html = organizer.get(DASHBOARD).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filters_narrow_the_figures(app, data, organizer):
    all_answers = _text(organizer.get(DASHBOARD + "?lang=en").get_data(as_text=True))
    assert "25 answers counted" in all_answers
    assert "73% 11 answers" in all_answers
    may = _text(organizer.get(DASHBOARD + "?month_from=2025-05").get_data(as_text=True))
    assert "25 answers counted" in may
    assert "Filtered." in may
    women = _text(organizer.get(DASHBOARD + "?gender=woman").get_data(as_text=True))
    assert _picture(app, gender="woman")["n"] == 6
    # Six women are too few: not even their count is shown, nor any figure.
    assert "Too few answers with these filters: no figure is shown." in women
    assert "6 answers" not in women
    assert "73%" not in women
    assert "73 %" not in women
    assert "11 answers" not in women
    later = _text(organizer.get(DASHBOARD + "?month_from=2025-06").get_data(as_text=True))
    assert "Too few answers with these filters" in later


def test_a_round_filter_counts_only_that_round(app, data, organizer):
    with app.app_context():
        spring = SurveyRound(name="Våren 2025", opens_on=DAY)
        db.session.add(spring)
        db.session.commit()
        add_responses("brommaplan", columns(safety_evening=["1"] * 4), round_id=spring.id)
        round_id = spring.id
    text = _text(organizer.get(f"{DASHBOARD}?round={round_id}&lang=en").get_data(as_text=True))
    assert "Too few answers with these filters" in text  # four answers in that round
    with app.app_context():
        add_responses("brommaplan", columns(safety_evening=["1"] * 6), round_id=round_id)
    text = _text(organizer.get(f"{DASHBOARD}?round={round_id}&lang=en").get_data(as_text=True))
    assert "10 answers counted" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("month_from=2025-13", "Enter a month as YYYY-MM"),
        ("month_from=2025-06-01", "Enter a month as YYYY-MM"),
        ("month_from=1066-10", "Enter a month between 2000 and 2100."),
        ("month_from=2025-06&month_to=2025-05", "must not be before the start month"),
        ("date_from=2025-06-01", "Single days cannot be chosen"),
        ("date_to=2025-06-01&month_to=2025-06", "Single days cannot be chosen"),
        ("gender=robot", "Choose one of the options shown."),
        ("age_band=%3Cscript%3E", "Choose one of the options shown."),
        ("round=abc", "Choose one of the options shown."),
        ("round=99999999999999999999", "Choose one of the options shown."),
        # The first of two was taken without a word.
        ("round=1&round=1", "Choose one value only."),
        ("month_from=2025-01&month_from=2025-06", "Choose one value only."),
    ],
)
def test_bad_filter_values_give_a_message_and_no_filter(data, organizer, query, message):
    page = organizer.get(f"{DASHBOARD}?{query}&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert message in summary
    assert 'aria-invalid="true"' in html
    assert "The filters were not used" in html
    assert "25 answers counted" in _text(html)  # every answer: no filter applied
    assert "<script>" not in html
    # Charts and exports are linked without the refused filters.
    assert '/organizer/areas/bromma/charts/unsafe.svg"' in html
    assert 'href="/organizer/areas/bromma/report.pdf"' in html


def test_filters_are_kept_in_chart_and_export_links(data, organizer):
    html = organizer.get(f"{DASHBOARD}?round=1&month_from=2025-01").get_data(as_text=True)
    query = "round=1&amp;month_from=2025-01"
    assert f'src="/organizer/areas/bromma/charts/unsafe.svg?{query}"' in html
    assert f'href="/organizer/areas/bromma/charts/problems.png?{query}"' in html
    assert f'href="/organizer/areas/bromma/lagesbild.xlsx?{query}"' in html
    assert f'href="/organizer/areas/bromma/report.pdf?{query}"' in html


def test_every_chart_has_alt_text_with_its_main_figure(data, organizer):
    html = organizer.get(DASHBOARD).get_data(as_text=True)
    alts = re.findall(r'<img src="[^"]+" alt="([^"]+)"', html)
    assert len(alts) == 2
    assert "Brommaplan" in alts[0]
    assert "73" in alts[0]
    assert "(11 " in alts[0]
    assert "50" in alts[1]
    assert "(12 " in alts[1]


@pytest.mark.parametrize(
    ("fmt", "mimetype", "start"),
    [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<?xml")],
)
@pytest.mark.parametrize("name", ["unsafe", "problems"])
def test_chart_routes_return_images(data, organizer, name, fmt, mimetype, start):
    response = organizer.get(f"{DASHBOARD}/charts/{name}.{fmt}?gender=man")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(start)
    assert "private" in response.headers["Cache-Control"]


def test_chart_with_bad_filters_is_400(data, organizer):
    response = organizer.get(f"{DASHBOARD}/charts/unsafe.png?date_from=nope")
    assert response.status_code == 400


def test_chart_etag_gives_304_and_changes_with_the_answers(app, data, organizer):
    first = organizer.get(f"{DASHBOARD}/charts/unsafe.svg")
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    again = organizer.get(f"{DASHBOARD}/charts/unsafe.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    with app.app_context():
        add_responses("brommaplan", columns(safety_evening=["4", "4"]))
    changed = organizer.get(f"{DASHBOARD}/charts/unsafe.svg", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_unchanged_charts_are_not_drawn_again(data, organizer, monkeypatch):
    calls = []

    def counting(**kwargs):
        calls.append(kwargs["fmt"])
        return real(**kwargs)

    real = charts.problem_shares
    monkeypatch.setattr(charts, "problem_shares", counting)
    area_charts.CACHE.clear()
    first = organizer.get(f"{DASHBOARD}/charts/problems.png")
    second = organizer.get(f"{DASHBOARD}/charts/problems.png")
    assert first.data == second.data
    assert calls == ["png"]
    organizer.get(f"{DASHBOARD}/charts/problems.svg")
    organizer.get(f"{DASHBOARD}/charts/problems.png?lang=en")
    assert calls == ["png", "svg", "png"]


def test_render_cache_is_bounded():
    cache = area_charts.RenderCache(2)
    for key in "abc":
        cache.put(key, key.encode())
    assert cache.get("a") is None
    assert cache.get("c") == b"c"


@pytest.fixture
def builds(monkeypatch):
    """The situation pictures built, by area and filters, counted where the road builds them."""
    built = []
    real = pictures.situation_picture

    def counting(conn, area, filters, *args, **kwargs):
        built.append((area, filters))
        return real(conn, area, filters, *args, **kwargs)

    monkeypatch.setattr(pictures, "situation_picture", counting)
    return built


def _chart_urls(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in re.findall(r'<img src="([^"]+)"', html)]


def test_a_dashboard_view_and_its_charts_build_the_picture_once(data, organizer, builds):
    page = organizer.get(f"{DASHBOARD}?month_from=2025-05")
    assert page.status_code == 200
    urls = _chart_urls(page.get_data(as_text=True))
    assert len(urls) == 2
    for url in urls:
        assert organizer.get(url).status_code == 200
    assert builds == [("bromma", Filters(date_from=dt.date(2025, 5, 1)))]


def test_a_304_builds_and_draws_nothing(app, data, organizer, builds, monkeypatch):
    etag = organizer.get(f"{DASHBOARD}/charts/problems.png").headers["ETag"]
    assert len(builds) == 1
    # Even a process that has just started, with nothing cached, answers from the tag alone.
    pictures.cache_of(app).clear()
    area_charts.CACHE.clear()
    monkeypatch.setattr(charts, "problem_shares", lambda **_: pytest.fail("drawn"))
    again = organizer.get(f"{DASHBOARD}/charts/problems.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    assert len(builds) == 1


def test_a_new_answer_builds_again(app, data, organizer, builds):
    organizer.get(DASHBOARD + "?lang=en")
    etag = organizer.get(f"{DASHBOARD}/charts/unsafe.svg?lang=en").headers["ETag"]
    organizer.get(DASHBOARD + "?lang=en")
    assert len(builds) == 1
    with app.app_context():
        before = pictures.data_version(db.session.connection())
    resident = app.test_client()
    assert submit(resident, "brommaplan", VALID_ANSWER).status_code == 303
    with app.app_context():
        assert pictures.data_version(db.session.connection()) != before
    text = _text(organizer.get(DASHBOARD + "?lang=en").get_data(as_text=True))
    assert "26 answers counted" in text
    assert len(builds) == 2
    changed = organizer.get(
        f"{DASHBOARD}/charts/unsafe.svg?lang=en", headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert len(builds) == 2  # the chart drew from the picture the page built


def test_other_filters_and_languages_build_their_own_picture(data, organizer, builds):
    for query in ("?lang=sv", "?lang=sv&gender=man", "?lang=en") * 2:
        assert organizer.get(DASHBOARD + query).status_code == 200
    assert len(builds) == 3
    organizer.get("/organizer/areas")  # every area unfiltered; Bromma's is cached already
    assert sorted(area for area, _ in builds) == [
        "bromma",
        "bromma",
        "bromma",
        "ekero",
        "hasselby-vallingby",
    ]


def test_a_second_process_sees_the_first_ones_writes(app, make_app, data, users, builds):
    other = make_app()  # a second app object on the same database: another process
    clients = []
    for each in (app, other):
        client = each.test_client()
        Auth(client).login("organizer")
        clients.append(client)
    first, second = (
        _text(client.get(DASHBOARD + "?lang=en").get_data(as_text=True)) for client in clients
    )
    assert "25 answers counted" in first
    assert "25 answers counted" in second
    assert len(builds) == 2  # one per process: each keeps its own cache
    assert submit(app.test_client(), "brommaplan", VALID_ANSWER).status_code == 303
    again = _text(clients[1].get(DASHBOARD + "?lang=en").get_data(as_text=True))
    assert "26 answers counted" in again
    assert len(builds) == 3


def test_overlapping_month_filters_hide_a_small_difference(app, data, organizer):
    # The attack: two filters that differ by one group; here the smaller one is under the
    # threshold, so it shows nothing to subtract.
    with app.app_context():
        add_responses(
            "brommaplan",
            columns(safety_evening=["4"], gender=["other"]),
            submitted_on=dt.date(2025, 6, 3),
        )
    june = _text(organizer.get(f"{DASHBOARD}?month_from=2025-06&lang=en").get_data(as_text=True))
    assert "Too few answers with these filters" in june
    assert "1 answer" not in june
    other = organizer.get(f"{DASHBOARD}?gender=other&lang=en").get_data(as_text=True)
    assert "Too few answers with these filters" in _text(other)


def test_a_small_filtered_group_hides_every_figure_in_charts_and_exports(
    data, organizer, monkeypatch
):
    seen = []
    real = charts.unsafe_by_time

    def spy(picture, *args, **kwargs):
        seen.append(picture)
        return real(picture, *args, **kwargs)

    monkeypatch.setattr(charts, "unsafe_by_time", spy)
    assert organizer.get(f"{DASHBOARD}/charts/unsafe.svg?gender=woman").status_code == 200
    assert seen
    assert all(place["suppressed"] for place in seen[0]["places"])
    got = organizer.get(f"{DASHBOARD}/lagesbild.json?gender=woman").get_json()
    text = str(got)
    assert "'suppressed': False" not in text


def test_one_answer_in_a_new_round_shows_a_sentence_not_a_table(app, organizer):
    with app.app_context():
        before, after = (r.id for r in factories.rounds_before_and_after(areas=["bromma"]))
        add_responses("brommaplan", columns(safety_evening=["1"] * 20), round_id=before)
        add_responses("brommaplan", columns(safety_evening=["4"]), round_id=after)
        db.session.commit()
    # All answers: the newest round with answers beside the one before.
    text = _text(organizer.get(DASHBOARD + "?lang=en").get_data(as_text=True))
    section = text.split("Change since the previous round")[-1].split("Problems in the area")[0]
    assert "Too few answers so far in one of the rounds to compare any figure." in section
    assert "Whole area" not in section


def test_the_dashboard_shows_the_change_since_the_previous_round(app, organizer):
    with app.app_context():
        before, after = (r.id for r in factories.rounds_before_and_after(areas=["bromma"]))
        evening = ["4"] * 10 + ["avoid"] * 5 + ["1"] * 5
        add_responses("brommaplan", columns(safety_evening=evening), round_id=before)
        add_responses("brommaplan", columns(safety_evening=["3"] * 2 + ["2"] * 18), round_id=after)
        add_responses("alvik", columns(safety_evening=["1"] * 12), round_id=before)
        db.session.commit()
    text = _text(organizer.get(DASHBOARD + f"?lang=en&round={after}").get_data(as_text=True))
    section = text.split("Change since the previous round", 2)[2].split("Problems in the area")[0]
    assert "Unsafe share in Hösten 2025 and in Våren 2026" in text
    assert "75% → 10% −65 points" in section
    # The shares and the change are rounded each on its own: said, as they may differ by 1.
    assert "rounded on its own, so it can differ by a point" in text
    assert "confirmed drop" in section
    # Right to left 75 % is set on the right: the arrow points on, to the left, to 10 %.
    arabic = organizer.get(DASHBOARD + f"?lang=ar&round={after}").get_data(as_text=True)
    assert "75% ← 10%" in _text(arabic)
    assert "→" not in arabic
    # Alvik has no answers in the later round: no change, whatever it had before.
    alvik = section.split("Alvik", 1)[1].split("Brommaplan")[0]
    assert "points" not in alvik
    assert "too few answers" in alvik


def test_a_month_filter_does_not_give_away_the_answer_of_the_next_month(app, data, organizer):
    # A tester keyed in one answer in a later month and read it off as "all answers" minus
    # "up to the month before": the place is hidden in the filtered view instead.
    all_months = _picture(app)
    evening = {p["place"]: p for p in all_months["places"]}["brommaplan"]["times"]["evening"]
    assert not evening["suppressed"]
    with app.app_context():
        add_responses("brommaplan", columns(safety_evening=["4"]), submitted_on=dt.date(2025, 6, 2))
    shown = {p["place"]: p for p in _picture(app)["places"]}["brommaplan"]["times"]["evening"]
    assert shown["n"] == evening["n"] + 1  # all months: shown with the new answer
    up_to_may = _picture(app, date_to=dt.date(2025, 5, 31))
    place = {p["place"]: p for p in up_to_may["places"]}["brommaplan"]
    # Hidden, and its n the place's answers: the evening's own n would tell whether the one
    # answer said anything about the evening.
    assert place["times"]["evening"] == {"n": place["n"], "suppressed": True}
    assert up_to_may["area_total"]["times"]["evening"]["suppressed"]
    page = _text(organizer.get(DASHBOARD + "?month_to=2025-05&lang=en").get_data(as_text=True))
    assert "hidden (protects other cells)" in page

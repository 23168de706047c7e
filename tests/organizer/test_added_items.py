"""Issue 14: a version with added items, uploaded, answered, keyed in, imported, exported."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from survey.extensions import db
from survey.imports.responses import import_responses
from survey.models import ItemAnswer, Response
from survey.reports.raw_data import write_responses
from tests.common.web import VALID_ANSWER, local_today, post_form, stored_responses, submit

EXAMPLE = (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text()


def _upload(client, text: str):
    return post_form(
        client,
        "/organizer/questionnaires",
        {"file": (io.BytesIO(text.encode()), "v2.yaml")},
        token_from="/organizer/questionnaires",
        content_type="multipart/form-data",
    )


@pytest.fixture
def live_v2(app, client, auth):
    """Version 2 (the example) uploaded and put live by an admin."""
    auth.login("admin")
    assert _upload(client, EXAMPLE).status_code == 303
    post_form(
        client, "/organizer/questionnaires/2/publish", {}, token_from="/organizer/questionnaires/2"
    )
    return client


def _item_answers(app, response_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(ItemAnswer.code, ItemAnswer.value, ItemAnswer.number, ItemAnswer.text)
            .where(ItemAnswer.response_id == response_id)
            .order_by(ItemAnswer.id)
        )
        return [tuple(row) for row in rows]


def test_residents_answer_added_items_in_swedish(app, live_v2):
    page = live_v2.get("/s/alvik?lang=sv").get_data(as_text=True)
    assert "Hur många år har du bott i området?" in page
    assert '<option value="bromma">Bromma</option>' in page  # the home area, from the areas
    assert 'name="years_in_area"' in page
    assert 'inputmode="numeric"' in page
    response = submit(
        live_v2,
        "alvik",
        {
            "relation": "live",
            "home_district": "bromma",
            "years_in_area": "12",
            "safety_evening": "3",
            "police_there": "dk",
            "worry_burglary": "2",
            "witnessed": ["noise", "fights"],
            "unsafe_why": "Mörkt vid busshållplatsen",
            "idea": "Bättre belysning",
        },
    )
    assert response.status_code == 303
    [stored] = stored_responses(app)
    assert (stored.questionnaire_version, stored.relation, stored.safety_evening) == (
        2,
        "live",
        "3",
    )
    assert _item_answers(app, stored.id) == [
        ("home_district", "bromma", None, None),
        ("years_in_area", None, 12, None),
        ("police_there", "dk", None, None),
        ("worry_burglary", "2", None, None),
        ("witnessed", "fights", None, None),
        ("witnessed", "noise", None, None),
        ("unsafe_why", None, None, "Mörkt vid busshållplatsen"),
        ("idea", None, None, "Bättre belysning"),
    ]


def test_a_question_shown_in_swedish_on_an_arabic_page_says_so(app, live_v2):
    # The added questions have Swedish and English texts only: Arabic pages show the
    # Swedish, marked, so that it runs left to right inside the right-to-left page.
    page = live_v2.get("/s/alvik?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert '<span lang="sv" dir="ltr">Hur många år har du bott i området?</span>' in page
    # The questionnaire's own texts too: its introduction and the titles of its parts.
    assert '<p class="lead"><span lang="sv" dir="ltr">Det tar ungefär fem minuter.' in page
    assert '<span lang="sv" dir="ltr">Du och platsen</span></h2>' in page
    # In Swedish nothing is marked.
    swedish = live_v2.get("/s/alvik?lang=sv").get_data(as_text=True)
    assert 'lang="sv" dir="ltr"' not in swedish


@pytest.mark.parametrize(
    ("shown", "stored"), [("1", 1), ("2", 2), ("7", 2), ("x", 2), ("0", 2), ("1" * 5000, 2)]
)
def test_an_answer_is_stored_as_the_version_its_form_showed(app, live_v2, shown, stored):
    # A page opened while version 1 was live and sent after version 2 went live: its answers
    # are to version 1's questions. A version that never was live counts as the live one.
    response = submit(live_v2, "alvik", VALID_ANSWER | {"_version": shown})
    assert response.status_code == 303
    [answer] = stored_responses(app)
    assert answer.questionnaire_version == stored
    assert answer.safety_evening == VALID_ANSWER["safety_evening"]
    # Version 1's own items are kept as version 1 asked them.
    assert (answer.safety_day is not None) is (stored == 1)


def test_a_text_in_a_language_babel_does_not_know_is_marked_without_a_direction(app):
    from survey.public.forms import shown_text

    with app.test_request_context("/?lang=fi"):
        # The questionnaire's keys are free text: a 500 on the survey page before.
        assert shown_text({"en-GB": "Hello"}, "fi") == '<span lang="en-GB" dir="auto">Hello</span>'
        # The language shown is the one text() falls back to, even where texts agree.
        assert (
            shown_text({"en": "Hej", "sv": "Hej"}, "ar") == '<span lang="sv" dir="ltr">Hej</span>'
        )


def test_the_built_in_questions_have_arabic_texts_of_their_own(client):
    page = client.get("/s/alvik?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert 'lang="sv" dir="ltr"' not in page


@pytest.mark.parametrize(
    ("typed", "number"),
    # A phone keyboard set to Persian or Arabic types its own digits; what is no whole
    # number in the range is refused in any script.
    [
        ("۱۲", 12),
        ("١٢", 12),
        (" 12 ", 12),
        ("9" * 5000, None),  # more digits than Python reads: a message, not a 500
        ("12²", None),
        ("1.5", None),
        ("½", None),
        ("۱۲۰", None),
    ],
)
def test_whole_numbers_in_any_script_are_stored_and_nothing_else(app, live_v2, typed, number):
    response = submit(
        live_v2,
        "alvik?lang=en",
        {"relation": "live", "years_in_area": typed, "safety_evening": "3"},
    )
    if number is None:
        assert response.status_code == 422
        assert "Write a whole number from 0 to 99." in response.get_data(as_text=True)
        assert stored_responses(app) == []
    else:
        assert response.status_code == 303
        [stored] = stored_responses(app)
        assert ("years_in_area", None, number, None) in _item_answers(app, stored.id)


def test_skip_logic_is_applied_on_the_server(app, live_v2):
    # A visitor who feels safe in the evening: home area, years and "why unsafe" are not
    # asked, so what came anyway (a page without JavaScript shows them all) is not kept,
    # and a wrong answer to an item not asked is no error.
    response = submit(
        live_v2,
        "alvik",
        {
            "relation": "visit",
            "home_district": "bromma",
            "years_in_area": "not a number",
            "safety_evening": "1",
            "worry_burglary": "4",
            "unsafe_why": "Inget",
        },
    )
    assert response.status_code == 303
    [stored] = stored_responses(app)
    assert _item_answers(app, stored.id) == [("worry_burglary", "4", None, None)]


def test_a_bad_number_gets_a_specific_message_and_stores_nothing(app, live_v2):
    response = submit(
        live_v2,
        "alvik?lang=en",
        {"relation": "live", "years_in_area": "120", "safety_evening": "1"},
    )
    assert response.status_code == 422
    assert "Write a whole number from 0 to 99." in response.get_data(as_text=True)
    response = submit(
        live_v2,
        "alvik?lang=en",
        {"relation": "live", "home_district": "atlantis", "safety_evening": "1"},
    )
    assert response.status_code == 422
    assert stored_responses(app) == []


def test_upload_problems_name_the_line(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    broken = EXAMPLE.replace(
        "show_if: {item: relation, is: live}", "show_if: {item: idea, is: x}", 1
    )
    page = _upload(client, broken).get_data(as_text=True)
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "code: home_district" in row)
    assert (
        f"Line {line}: home_district: the condition refers to idea, which is not an item asked"
        " before it"
    ) in page


def test_a_changed_meaning_needs_a_new_code(app, live_v2):
    live_v2.get("/?lang=en")
    changed = EXAMPLE.replace("version: 2", "version: 3").replace(
        'top_box: ["4", "5"]', 'top_box: ["5"]', 1
    )
    response = _upload(live_v2, changed)
    assert response.status_code == 422
    assert "a changed question needs a new code" in response.get_data(as_text=True)
    same = EXAMPLE.replace("version: 2", "version: 3")
    assert _upload(live_v2, same).status_code == 303
    preview = live_v2.get("/organizer/questionnaires/3").get_data(as_text=True)
    assert 'name="years_in_area"' in preview
    assert '<option value="bromma">Bromma</option>' in preview


def test_paper_answers_with_added_items_are_keyed_in_and_corrected(app, live_v2):
    page = live_v2.get("/organizer/paper", follow_redirects=True).get_data(as_text=True)
    assert 'name="years_in_area"' in page
    assert 'name="witnessed"' in page
    data = {
        "place": "brommaplan",
        "written_on": local_today().isoformat(),
        "survey_round": "",
        "relation": "live",
        "home_district": "bromma",
        "years_in_area": "3",
        "witnessed": ["graffiti"],
        "idea": "Fler vuxna ute",
    }
    response = post_form(live_v2, "/organizer/paper", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    [stored] = stored_responses(app)
    assert stored.source == "paper"
    assert ("years_in_area", None, 3, None) in _item_answers(app, stored.id)
    edit = f"/organizer/paper/answers/{stored.id}/edit"
    shown = live_v2.get(edit).get_data(as_text=True)
    assert 'value="3"' in shown
    assert "Fler vuxna ute" in shown
    response = post_form(live_v2, edit, data | {"years_in_area": "4", "witnessed": []})
    assert response.status_code == 303
    answers = _item_answers(app, stored.id)
    assert ("years_in_area", None, 4, None) in answers
    assert not any(code == "witnessed" for code, *_ in answers)


def test_a_csv_with_added_columns_imports_and_exports_back(app, live_v2, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(
        "submitted_on;place;relation;home_district;years_in_area;witnessed;police_there;idea\n"
        "2025-05-05;alvik;live;bromma;7;noise|fights;5;Mer ljus\n"
        "2025-05-06;alvik;visit;;;;dk;\n",
        encoding="utf-8",
    )
    with app.app_context():
        import_responses(db.session, path)
        db.session.commit()
        ids = db.session.scalars(select(Response.id).order_by(Response.id)).all()
    assert ("years_in_area", None, 7, None) in _item_answers(app, ids[0])
    assert [a for a in _item_answers(app, ids[0]) if a[0] == "witnessed"] == [
        ("witnessed", "fights", None, None),
        ("witnessed", "noise", None, None),
    ]
    assert _item_answers(app, ids[1]) == [("police_there", "dk", None, None)]

    out = io.StringIO()
    with app.app_context():
        write_responses(db.session, out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    header = next(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert header.index("years_in_area") < header.index("questionnaire_version")
    by_day = {row["submitted_on"]: row for row in rows}
    assert by_day["2025-05-05"]["witnessed"] == "fights;noise"
    assert by_day["2025-05-05"]["years_in_area"] == "7"
    assert by_day["2025-05-05"]["home_district"] == "bromma"
    assert by_day["2025-05-06"]["police_there"] == "dk"

    # The export imports back into an empty database's worth: the same file again is a new
    # file (another checksum) once its rows are changed by a day.
    again = tmp_path / "again.csv"
    again.write_text(out.getvalue().replace("2025-05-05", "2025-05-04"), encoding="utf-8")
    with app.app_context():
        import_responses(db.session, again)
        db.session.commit()
        assert (
            db.session.scalar(
                select(ItemAnswer.number)
                .join(Response)
                .where(
                    Response.submitted_on == dt.date(2025, 5, 4),
                    ItemAnswer.code == "years_in_area",
                )
            )
            == 7
        )


def test_a_bad_cell_of_an_added_item_is_refused(app, live_v2, tmp_path):
    from survey.imports import ImportRefused

    path = tmp_path / "bad.csv"
    path.write_text(
        "submitted_on;place;years_in_area;home_district\n2025-05-05;alvik;200;mars\n",
        encoding="utf-8",
    )
    with app.app_context(), force_locale("en"), pytest.raises(ImportRefused) as info:
        import_responses(db.session, path)
    text = str(info.value)
    assert "not a whole number from 0 to 99" in text
    assert "not a known area" in text


def test_the_dashboard_shows_added_items_with_intervals_and_suppression(app, live_v2):
    from survey.models import Place
    from survey.services.responses import live_questionnaire, record_response

    with app.app_context():
        questionnaire = live_questionnaire(db.session)
        brommaplan = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        alvik = db.session.scalar(select(Place).where(Place.slug == "alvik"))
        for i in range(12):
            answers = questionnaire.clean(
                {
                    "relation": "live",
                    "safety_evening": "1",
                    "police_there": "5" if i < 9 else "1",
                    "years_in_area": str(i),
                }
            )
            record_response(db.session, brommaplan, 2, answers, questionnaire=questionnaire)
        record_response(
            db.session,
            alvik,
            2,
            questionnaire.clean({"relation": "live", "police_there": "5"}),
            questionnaire=questionnaire,
        )
        db.session.commit()
    page = live_v2.get("/organizer/areas/bromma?lang=en").get_data(as_text=True)
    assert "Added questions" in page
    assert "The police are here when needed." in page
    # Top box 4 + 5 at Brommaplan: 9 of 12 = 75 %; Alvik (1 answer) too few, and then the
    # whole area too? No: the area shows 10 of 13 (77%), Brommaplan is hidden with Alvik.
    assert "77%" in page
    assert "too few answers" in page
    assert "Mean" in page


def test_retention_removes_added_free_texts_and_erasure_the_whole_answer(app, live_v2):
    import datetime as dt

    from survey.models import Place
    from survey.services.erasure import erase_answer
    from survey.services.responses import live_questionnaire, record_response
    from survey.services.retention import apply_retention

    with app.app_context():
        questionnaire = live_questionnaire(db.session)
        place = db.session.scalar(select(Place).where(Place.slug == "alvik"))
        answers = questionnaire.clean(
            {
                "relation": "live",
                "years_in_area": "5",
                "idea": "Min granne Kalle",
                "witnessed": ["noise"],
            }
        )
        old = record_response(
            db.session,
            place,
            2,
            answers,
            submitted_on=dt.date(2020, 1, 1),
            questionnaire=questionnaire,
        )
        new = record_response(db.session, place, 2, answers, questionnaire=questionnaire)
        db.session.commit()
        apply_retention(db.session, dt.date(2021, 1, 1))
        db.session.commit()
        codes = {
            (rid, code)
            for rid, code in db.session.execute(select(ItemAnswer.response_id, ItemAnswer.code))
        }
        assert (old.id, "idea") not in codes
        assert (old.id, "years_in_area") in codes
        assert (new.id, "idea") in codes
        erase_answer(db.session, new)
        db.session.commit()
        left = db.session.scalars(
            select(ItemAnswer.response_id).where(ItemAnswer.response_id == new.id)
        ).all()
        assert left == []


def test_a_home_area_item_shows_area_names_and_areas_nobody_chose(app, live_v2):
    from survey.models import Place
    from survey.services.responses import live_questionnaire, record_response

    with app.app_context():
        questionnaire = live_questionnaire(db.session)
        brommaplan = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        for i in range(12):
            home = "bromma" if i < 8 else "ekero"
            answers = questionnaire.clean({"relation": "live", "home_district": home})
            record_response(db.session, brommaplan, 2, answers, questionnaire=questionnaire)
        db.session.commit()
    page = live_v2.get("/organizer/areas/bromma?lang=en").get_data(as_text=True)
    part = page.split("Which area do you live in?")[-1].split("</table>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", part).split())
    # Names, not slugs; the area nobody chose is there with 0 %.
    assert "Ekerö" in text
    assert "ekero" not in text
    assert "Hässelby-Vällingby" in text
    assert ["67%", "33%", "0%"] == [w for w in text.split() if w in ("67%", "33%", "0%")][:3]

"""The quick path of a survey POST agrees with the form: same answers, or it defers."""

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from survey.public.forms import HONEYPOT, survey_form_class
from survey.public.quick import quick_answers
from survey.questionnaire import builtin, load_text

EXAMPLE = (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text()
V1 = builtin(1)
V2 = load_text(EXAMPLE, catalogue=V1)
AREAS = [("bromma", "Bromma"), ("ekero", "Ekerö")]


ODD = ["", " ", "x", "-1", "12", "007", "1000", " 5 ", "a\x00b", "\x0b", "ok\r\nnext", "5"]


def _good(questionnaire, code):
    """Left out, or one of the item's own answers (a few options for a multi-choice item)."""
    item = questionnaire.item(code)
    if item.type == "multi":
        return st.lists(st.sampled_from(item.values), max_size=3)
    if item.type == "number":
        known = ["0", "7", "99", " 12 ", "-0", ""]
    elif item.type == "text":
        known = ["Fint här", " mörkt\r\nvid stationen ", "", "  ", "x" * 1000]
    else:
        known = list(item.values) or [slug for slug, _ in AREAS]
    once = st.sampled_from(known).map(lambda v: [v])
    return once if item.required else st.one_of(st.just([]), once)


def posts(questionnaire):
    """Mostly valid form data (each item left out or answered once), then up to two fields
    replaced by values the form may refuse or given several times."""
    codes = questionnaire.codes
    good = st.fixed_dictionaries({code: _good(questionnaire, code) for code in codes})
    odd = st.lists(
        st.tuples(
            st.sampled_from([*codes, HONEYPOT]),
            st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=3)), max_size=3),
        ),
        max_size=2,
    )

    def build(d, changes):
        d = dict(d)
        for code, values in changes:
            d[code] = values
        return MultiDict([(k, v) for k, vs in d.items() for v in vs])

    return st.builds(build, good, odd)


def _form_answers(app, questionnaire, data):
    with app.test_request_context("/s/x", method="POST", data=data):
        form = survey_form_class(questionnaire, "sv")()
        form.set_areas(AREAS)
        if not form.validate() or form.is_bot:
            return None
        return form.answers()


def _check(app, questionnaire, data):
    quick = quick_answers(questionnaire, data, {slug for slug, _ in AREAS})
    if quick is not None:
        # Whatever the quick path accepts, the form accepts, with the same stored values.
        assert quick == _form_answers(app, questionnaire, data)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=posts(V1))
def test_version_1_agrees_with_the_form(app, data):
    _check(app, V1, data)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=posts(V2))
# Found by this test: the form stored a blank home area " " as the answer.
@example(data=MultiDict([("relation", "live"), ("home_district", " "), ("safety_evening", "1")]))
def test_added_items_agree_with_the_form(app, data):
    _check(app, V2, data)


def test_a_plain_valid_answer_takes_the_quick_path(app):
    data = MultiDict(
        {
            "relation": "live",
            "safety_day": "1",
            "safety_afternoon": "2",
            "safety_evening": "3",
            "safety_night": "avoid",
            "comment": "Fint  \r\nhär ",
            "police_priority": "drugs",
        }
    )
    data.add("police_priority", "presence")
    quick = quick_answers(V1, data)
    assert quick is not None
    assert quick == _form_answers(app, V1, data)
    assert quick["comment"] == "Fint  \nhär"
    assert quick["police_priority"] == "presence;drugs"


def test_anything_the_form_must_explain_is_left_to_it():
    valid = {
        "relation": "live",
        "safety_day": "1",
        "safety_afternoon": "2",
        "safety_evening": "3",
        "safety_night": "4",
    }
    assert quick_answers(V1, MultiDict(valid)) is not None
    assert quick_answers(V1, MultiDict(valid | {"safety_day": ""})) is None  # required
    assert quick_answers(V1, MultiDict(valid | {"worry": "9"})) is None  # not an option
    assert quick_answers(V1, MultiDict(valid | {"comment": "a\x00"})) is None
    assert quick_answers(V1, MultiDict(valid | {"comment": "x" * 1001})) is None
    assert quick_answers(V1, MultiDict(valid | {HONEYPOT: "spam"})) is None
    assert quick_answers(V1, MultiDict([*valid.items(), ("relation", "work")])) is None
    assert quick_answers(V1, MultiDict({k: v for k, v in valid.items() if k != "relation"})) is None

"""The survey form is built from the questionnaire: one field per item code."""

import pytest
from wtforms import RadioField, TextAreaField

from survey.public.forms import HONEYPOT, CheckboxGroupField, survey_form_class
from survey.questionnaire import builtin


@pytest.fixture
def form_for(app):
    def build(locale: str, data=None):
        with app.test_request_context(method="POST", data=data or {}):
            cls = survey_form_class(builtin(1), locale)
            form = cls(meta={"csrf": False})
            form.validate()
            return form

    return build


def test_fields_are_the_item_codes_plus_the_honeypot(form_for):
    form = form_for("sv")
    names = [f.name for f in form]
    assert names == [*builtin(1).codes, HONEYPOT]


def test_field_kinds_follow_item_types(form_for):
    form = form_for("sv")
    assert isinstance(form.relation, RadioField)
    assert isinstance(form.police_priority, CheckboxGroupField)
    assert isinstance(form.comment, TextAreaField)


def test_labels_and_choices_are_in_the_requested_language(form_for):
    sv, en = form_for("sv"), form_for("en")
    assert sv.safety_evening.label.text.startswith("Hur trygg")
    assert en.safety_evening.label.text.startswith("How safe")
    assert ("avoid", "I stay away then because of worry") in [
        (c.value, c.label) for c in en.safety_evening.choices
    ]


def test_required_items_are_flagged_and_validated(form_for):
    form = form_for("en", {"relation": "live"})
    assert form.safety_day.flags.required
    assert not form.worry.flags.required
    assert set(form.errors) == {"safety_day", "safety_afternoon", "safety_evening", "safety_night"}


def test_form_classes_are_built_once_per_language():
    q = builtin(1)
    assert survey_form_class(q, "sv") is survey_form_class(q, "sv")
    assert survey_form_class(q, "sv") is not survey_form_class(q, "en")

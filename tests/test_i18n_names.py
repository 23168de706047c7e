"""The app's own default names read in the reader's language; names people give stay as given."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from flask import Flask, render_template_string

from survey import labels, seed
from survey.config import Defaults


def test_every_shipped_default_name_has_an_english_name():
    places = yaml.safe_load(
        resources.files("survey").joinpath("defaults/places.yaml").read_text("utf-8")
    )
    shipped = [
        seed.DEFAULT_ROUND_NAME,
        places["lpo"]["name"],
        Defaults.TRYGGHET_CONTROLLER,
        Defaults.TRYGGHET_ASKED_BY,
    ]
    assert set(shipped) <= set(labels.DEFAULT_NAMES)


def test_default_names_in_english(app: Flask):
    with app.test_request_context("/?lang=en"):
        assert labels.display_name(seed.DEFAULT_ROUND_NAME) == "Ongoing safety survey"
        assert labels.display_name(" Lokalpolisområde Vällingby ") == "Vällingby local police area"
        assert (
            labels.display_name(Defaults.TRYGGHET_CONTROLLER)
            == "The Swedish Police, Vällingby local police area"
        )


def test_default_names_stay_swedish_in_swedish(app: Flask):
    with app.test_request_context("/?lang=sv"):
        assert labels.display_name(seed.DEFAULT_ROUND_NAME) == seed.DEFAULT_ROUND_NAME
        assert labels.display_name(Defaults.TRYGGHET_CONTROLLER) == Defaults.TRYGGHET_CONTROLLER


def test_names_people_gave_are_shown_as_given(app: Flask):
    with app.test_request_context("/?lang=en"):
        assert labels.display_name("Trygghetsmätning hösten 2026") == "Trygghetsmätning hösten 2026"
        assert labels.display_name("Löpande trygghetsmätning 2") == "Löpande trygghetsmätning 2"
        assert labels.display_name(None) == ""


def test_templates_have_display_name_as_a_filter(app: Flask):
    with app.test_request_context("/?lang=en"):
        shown = render_template_string("{{ name | display_name }}", name=seed.DEFAULT_ROUND_NAME)
    assert shown == "Ongoing safety survey"


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_the_follow_up_names_each_time_of_day_as_the_survey_asks_about_it(app: Flask, lang):
    # Persian called the evening "عصر" (afternoon) where the question says "سر شب": a resident
    # read a figure about a time of day the survey never asked about.
    from flask_babel import force_locale

    from survey.questionnaire import builtin, text

    questions = {item.code: item.label for item in builtin(1).items}
    with app.test_request_context("/"), force_locale(lang):
        for time, name in labels.TIMES.items():
            word = str(name).split(" (", 1)[0]
            assert word in text(questions[f"safety_{time}"], lang), (time, word)

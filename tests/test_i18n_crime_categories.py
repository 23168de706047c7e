"""Crime category names: stored as Swedish keys, shown in the reader's language."""

import pytest
from flask_babel import force_locale

from analysis import crime_categories
from survey import labels


def test_every_shipped_category_has_a_name_to_translate():
    # A category added to analysis/crime_categories.yaml needs its name in survey.labels.
    assert set(crime_categories.mapping().categories) == set(labels.CRIME_CATEGORIES)


@pytest.mark.parametrize(
    ("locale", "name", "shown"),
    [
        ("en", "Misshandel", "Assault"),
        ("en", "Olaga intrång och hemfridsbrott", "Trespassing"),
        ("en", "[DEMO] Narkotikabrott", "[DEMO] Drug offences"),
        ("fi", "Stöld", "Varkaus"),
        ("sv", "Dödligt våld och försök", "Dödligt våld och försök"),
        ("sv", "[DEMO] Misshandel", "[DEMO] Misshandel"),
        # A category an admin or an import added is shown as written, in every language.
        ("en", "Klotter", "Klotter"),
        ("en", "[DEMO] Klotter", "[DEMO] Klotter"),
        ("en", "", ""),
    ],
)
def test_a_category_is_shown_in_the_reader_s_language(app, locale, name, shown):
    with app.test_request_context("/"), force_locale(locale):
        assert labels.crime_category(name) == shown


def test_every_shipped_category_reads_back_as_its_key_in_swedish(app):
    with app.test_request_context("/"), force_locale("sv"):
        assert {labels.crime_category(key) for key in labels.CRIME_CATEGORIES} == set(
            labels.CRIME_CATEGORIES
        )
    with app.test_request_context("/"), force_locale("en"):
        english = {labels.crime_category(key) for key in labels.CRIME_CATEGORIES}
    assert english.isdisjoint(labels.CRIME_CATEGORIES)

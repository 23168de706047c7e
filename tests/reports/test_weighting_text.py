"""The weighting sentence of the dashboard, the publish preview and the PDF."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from survey.reports.weighting import weighting_text


def _picture(n_eff: float) -> dict:
    return {
        "weighting": {
            "applied": True,
            "year": 2024,
            "design_effect": 1.5,
            "n_eff": n_eff,
            "outside_by": {},
        }
    }


@pytest.mark.parametrize(
    ("locale", "n_eff", "said"),
    [
        ("en", 1.2, "the answers count as much as 1 answer without weighting."),
        ("en", 64.4, "the answers count as much as 64 answers without weighting."),
        ("sv", 1.2, "svaren väger lika mycket som 1 svar utan viktning."),
        ("fi", 1.2, "painavat yhtä paljon kuin 1 painottamaton vastaus."),
        ("fi", 2, "painavat yhtä paljon kuin 2 painottamatonta vastausta."),
    ],
)
def test_the_effective_number_of_answers_takes_its_plural_form(app, locale, n_eff, said):
    with app.test_request_context(), force_locale(locale):
        sentence, warning = weighting_text(_picture(n_eff))
    assert said in sentence
    assert warning is None

"""How a change is written: an interval that leaves 0 (or 1) out is written apart from it,
the unit agrees with its number, and a tiny p-value is "< 0,001"."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string

from survey.reports.differences import p_value, point_change, ratio_change

NBSP = "\u00a0"
MINUS = "\u2212"


def _in(app: Flask, lang: str, function, *args):
    with app.test_request_context(f"/?lang={lang}"):
        return function(*args)


def test_a_confirmed_drop_is_never_written_as_touching_0(app):
    # -7.3 to -0.4 points: whole points would read "(−7 – 0)" beside "confirmed decrease".
    written = _in(app, "sv", point_change, -0.0352, [-0.0728, -0.0043])
    assert written == {
        "size": f"{MINUS}3,5 procentenheter",
        "low": f"{MINUS}7,3",
        "high": f"{MINUS}0,4",
    }
    # A bound that one decimal still brings to 0 gets two; a rise is kept apart the same way.
    assert _in(app, "sv", point_change, -0.0352, [-0.0728, -0.0004])["high"] == f"{MINUS}0,04"
    rise = _in(app, "en", point_change, 0.21, [0.0003, 0.38])
    assert (rise["size"], rise["low"], rise["high"]) == ("+21.00 points", "0.03", "38.00")


def test_an_interval_that_holds_0_keeps_whole_points(app):
    written = _in(app, "sv", point_change, -0.16, [-0.35, 0.003])
    assert written == {"size": f"{MINUS}16 procentenheter", "low": f"{MINUS}35", "high": "0"}


@pytest.mark.parametrize(
    ("lang", "diff", "decimals", "expected"),
    [
        ("sv", -0.01, 0, f"{MINUS}1 procentenhet"),
        ("sv", 0.01, 0, "+1 procentenhet"),
        ("sv", -0.02, 0, f"{MINUS}2 procentenheter"),
        ("sv", 0.0, 0, "0 procentenheter"),
        # With a decimal, "1,0" takes the plural, as in Swedish and English grammar.
        ("sv", -0.01, 1, f"{MINUS}1,0 procentenheter"),
        ("en", -0.01, 0, f"{MINUS}1 point"),
        ("en", 0.014, 0, "+1 point"),
        ("en", -0.03, 0, f"{MINUS}3 points"),
        ("en", 0.01, 1, "+1.0 points"),
        ("fi", -0.01, 0, f"{MINUS}1 prosenttiyksikkö"),
        ("fi", -0.04, 0, f"{MINUS}4 prosenttiyksikköä"),
    ],
)
def test_the_unit_agrees_with_the_number(app, lang, diff, decimals, expected):
    assert _in(app, lang, point_change, diff, [-0.5, 0.5], decimals)["size"] == expected


def test_arabic_takes_its_plural_forms_from_the_number_written(app):
    three = _in(app, "ar", point_change, -0.03, [-0.5, 0.5])["size"]
    one = _in(app, "ar", point_change, -0.01, [-0.5, 0.5])["size"]
    assert "نقاط" in three  # few (3-10)
    assert "نقطة" in one
    assert "نقاط" not in one


def test_a_rate_ratio_that_leaves_1_out_is_written_apart_from_it(app):
    written = _in(app, "sv", ratio_change, 0.74, [0.56, 0.996])
    assert written == {"size": "0,740", "low": "0,560", "high": "0,996"}
    unbounded = _in(app, "en", ratio_change, 1.8, [1.2, None])
    assert unbounded == {"size": "1.80", "low": "1.20", "high": None}
    holds = _in(app, "en", ratio_change, 0.9, [0.7, 1.002])
    assert holds == {"size": "0.90", "low": "0.70", "high": "1.00"}


@pytest.mark.parametrize(
    ("lang", "p", "expected"),
    [
        ("sv", 0.0, f"<{NBSP}0,001"),
        ("sv", 0.000412, f"<{NBSP}0,001"),
        ("en", 0.00049, f"<{NBSP}0.001"),
        ("sv", 0.0005, f"<{NBSP}0,001"),  # rounds to 0,000: below 0,001 all the same
        ("sv", 0.0006, "0,001"),
        ("sv", 0.071, "0,071"),
        # Near the 5 % level, decimals until it is on its side: "0,050" would read as 5 %.
        ("sv", 0.0504, "0,0504"),
        ("sv", 0.04996, "0,04996"),
        ("sv", 0.05, "0,050"),
    ],
)
def test_p_values(app, lang, p, expected):
    assert _in(app, lang, p_value, p) == expected


def test_the_templates_have_the_helpers(app):
    source = "{{ point_change(-0.01, [-0.05, 0.02]).size }} {{ p_value(0.0001) }}"
    with app.test_request_context("/?lang=sv"):
        assert render_template_string(source) == f"{MINUS}1 procentenhet &lt;{NBSP}0,001"

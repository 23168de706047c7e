"""Numbers in the reader's language: one set of helpers for pages, templates and the PDF."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string

from survey import i18n

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("lang", "share", "decimals", "expected"),
    [
        ("sv", 0.54, 0, f"54{NBSP}%"),
        ("en", 0.54, 0, "54%"),
        ("sv", 0.6667, 1, f"66,7{NBSP}%"),
        ("en", 0.6667, 1, "66.7%"),
        ("sv", 0.6, 1, f"60{NBSP}%"),
        ("sv", -0.05, 0, f"{MINUS}5{NBSP}%"),
        ("en", -0.05, 0, f"{MINUS}5%"),
        ("sv", -0.001, 0, f"0{NBSP}%"),
    ],
)
def test_percent(app: Flask, lang: str, share: float, decimals: int, expected: str) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        assert i18n.percent(share, decimals) == expected


@pytest.mark.parametrize(
    ("lang", "value", "pattern", "expected"),
    [
        ("sv", 0.5, "0.0", "0,5"),
        ("en", 0.5, "0.0", "0.5"),
        ("sv", -1.25, "0.00", f"{MINUS}1,25"),
        ("en", -1.25, "0.00", f"{MINUS}1.25"),
        ("sv", -0.04, "0.0", "0,0"),
        ("sv", 2.0, "0.##", "2"),
        # A signed change: a plus on a rise, the minus sign on a fall, no sign on a 0.
        ("sv", 4.6, "+0;-0", "+5"),
        ("sv", -4.2, "+0;-0", f"{MINUS}4"),
        ("sv", -0.4, "+0;-0", "0"),
        ("en", 0.3, "+0;-0", "0"),
    ],
)
def test_format_decimal(app: Flask, lang: str, value: float, pattern: str, expected: str) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        assert i18n.format_decimal(value, pattern) == expected


def test_whole_numbers_and_points(app: Flask) -> None:
    with app.test_request_context("/?lang=sv"):
        assert i18n.format_number(12345) == f"12{NBSP}345"
        assert i18n.points(-0.156, 1) == f"{MINUS}15,6"
        assert i18n.points(0.156) == "16"
    with app.test_request_context("/?lang=en"):
        assert i18n.format_number(12345) == "12,345"
        assert i18n.points(-0.156, 1) == f"{MINUS}15.6"


def test_templates_have_the_helpers_as_functions_and_filters(app: Flask) -> None:
    source = (
        "{{ 0.54 | percent }} {{ percent(0.5) }} {{ 0.5 | format_decimal('0.0') }} "
        "{{ 1234 | format_number }} {{ points(-0.1) }}"
    )
    with app.test_request_context("/?lang=sv"):
        assert render_template_string(source) == f"54{NBSP}% 50{NBSP}% 0,5 1{NBSP}234 {MINUS}10"
    with app.test_request_context("/?lang=en"):
        assert render_template_string(source) == f"54% 50% 0.5 1,234 {MINUS}10"


def test_persian_text_writes_its_digits_as_its_figures_do(app: Flask) -> None:
    """Every figure, date and count is written with the digits Babel gives Persian (0-9), so
    the catalogue's own sentences ("7 روز", "Afternoon (15–18)") use them too: a page mixing
    ۷ and 7 reads as careless."""
    from babel.messages.pofile import read_po

    with app.test_request_context("/?lang=fa"):
        assert i18n.percent(0.4, 0).startswith("40")
    with open("survey/translations/fa/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="fa")
    persian_digits = {chr(0x06F0 + i) for i in range(10)}
    mixed = [
        message.id
        for message in catalog
        if message.id
        and any(
            persian_digits & set(text)
            for text in (message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert mixed == []

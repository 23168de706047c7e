"""Receipt codes and retention periods, without a database."""

import datetime as dt
import hashlib

import pytest

from survey.services.receipts import (
    ALPHABET,
    LENGTH,
    format_code,
    new_code,
    normalize_code,
    receipt_hash,
)
from survey.services.retention import Period, parse_period


def test_codes_are_random_from_an_unambiguous_alphabet():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("ILOU") & set(ALPHABET)
    assert len(ALPHABET) == 32  # 5 bits a character, 50 bits a code


def test_codes_are_shown_in_groups_and_read_back_tolerantly():
    assert format_code("K7QM4XTP2B") == "K7QM-4XTP-2B"
    for typed in ("K7QM-4XTP-2B", "k7qm 4xtp 2b", " k7qm4xtp2b\t", "K7QM_4XTP.2B"):
        assert normalize_code(typed) == "K7QM4XTP2B"
    # Letters that look like digits are read as those digits.
    assert normalize_code("O1L0-0000-00") == "0110000000"
    assert normalize_code("i000000000") == "1000000000"


@pytest.mark.parametrize(
    "typed", ["", "K7QM-4XTP", "K7QM-4XTP-2BX", "K7QM-4XTP-2U", "K7QM-4XTP-2!"]
)
def test_what_is_no_code_is_none(typed):
    assert normalize_code(typed) is None


def test_the_hash_is_sha256_of_the_normalized_code():
    expected = hashlib.sha256(b"K7QM4XTP2B").hexdigest()
    assert receipt_hash(normalize_code("k7qm-4xtp-2b")) == expected
    assert receipt_hash("K7QM4XTP2C") != expected


@pytest.mark.parametrize(
    ("text", "today", "cutoff"),
    [
        ("24m", dt.date(2026, 11, 25), dt.date(2024, 11, 25)),
        ("1m", dt.date(2026, 3, 31), dt.date(2026, 2, 28)),
        ("24m", dt.date(2028, 2, 29), dt.date(2026, 2, 28)),
        ("13m", dt.date(2026, 1, 15), dt.date(2024, 12, 15)),
        ("30d", dt.date(2026, 3, 1), dt.date(2026, 1, 30)),
        (" 6M ", dt.date(2026, 8, 31), dt.date(2026, 2, 28)),
        ("00000000000000000001m", dt.date(2026, 3, 31), dt.date(2026, 2, 28)),
    ],
)
def test_the_cutoff_counts_back_months_and_days(text, today, cutoff):
    assert parse_period(text).cutoff(today) == cutoff


def test_periods_read_as_words():
    assert str(Period(24, "m")) == "24 months"
    assert str(Period(1, "d")) == "1 day"


@pytest.mark.parametrize("text", ["24", "m", "24y", "-1m", "0d", "1201m", "36501d", "2 4m", ""])
def test_bad_periods_raise_value_error(text):
    with pytest.raises(ValueError, match=r"not an age|between 1 and"):
        parse_period(text)

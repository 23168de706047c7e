"""How a change is written: its size and 95 % interval, and its p-value.

A figure is rounded to the nearest, as the estimate beside it (the way statistical offices
publish an interval). Rounded so, a bound that leaves the null value out can land on it: an
interval of -7.3 to -0.4 points written "(−7 – 0)" beside "confirmed decrease". Rounding the
bounds outward makes that worse (-0.4 becomes 0) and rounding them inward narrows the margin
of error every reader takes the interval for. So the precision grows instead: the size and
both bounds get the fewest decimals at which the written interval leaves the null value out
too, "−3,8 (−7,3 – −0,4)". An interval that holds the null value needs nothing: rounding to
the nearest keeps 0 inside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel import Locale
from flask import Flask
from flask_babel import get_locale, ngettext

from analysis.verdicts import ALPHA

from ..i18n import format_decimal

#: The most decimals of a percentage point: shares and their intervals are stored to 4
#: decimals of a share, so a 3rd decimal of a point would only show noise.
POINT_DECIMALS = 2
#: The most decimals of a rate ratio (stored to 4 decimals).
RATIO_DECIMALS = 4
#: p-values are written to 3 decimals; a smaller one as "< 0,001".
P_DECIMALS = 3
#: The most decimals of a p-value near the 5 % level (stored to 6 decimals).
P_MOST_DECIMALS = 6
#: A whole number in each plural category of CLDR, for gettext, which counts whole numbers
#: only: a number written with decimals takes the form CLDR gives it, e.g. "1,0" is "other"
#: in Swedish ("1,0 procentenheter"). 100 is "other" in every catalog's rule, Arabic's too.
_CATEGORY_COUNTS = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}


def rounded(value: float, decimals: int) -> Decimal:
    """``value`` rounded as Babel writes it (half to even on its shortest decimal form)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals))


def decimals_apart(low: float, high: float | None, null: float, decimals: int, most: int) -> int:
    """The fewest decimals, from ``decimals`` up to ``most``, at which an interval that leaves
    ``null`` out is still written apart from it."""
    if low > null:
        bound = low
    elif high is not None and high < null:
        bound = high
    else:
        return decimals  # holds the null value: rounding keeps it inside
    for places in range(decimals, most):
        if rounded(bound, places) != rounded(null, places):
            return places
    return most


def _pattern(decimals: int, signed: bool = False) -> str:
    plain = "0." + "0" * decimals if decimals else "0"
    return f"+{plain};-{plain}" if signed else plain


def plural_count(value: float, decimals: int) -> int:
    """The count gettext picks a plural form by, for ``value`` written with ``decimals``."""
    written = abs(rounded(value, decimals))
    if not decimals:
        return int(written)
    category = Locale.parse(str(get_locale())).plural_form(written)
    return _CATEGORY_COUNTS.get(category, _CATEGORY_COUNTS["other"])


def point_change(
    diff: float, ci: list[float] | tuple[float, float], decimals: int = 0
) -> dict[str, str]:
    """A change of a share in percentage points: its size ("+4 points", "−1 point", signed)
    and its interval's bounds, all with the decimals that keep the interval apart from 0."""
    places = decimals_apart(ci[0] * 100, ci[1] * 100, 0.0, decimals, POINT_DECIMALS)
    size = format_decimal(diff * 100, _pattern(places, signed=True))
    return {
        "size": ngettext(
            "%(diff)s point", "%(diff)s points", plural_count(diff * 100, places), diff=size
        ),
        "low": format_decimal(ci[0] * 100, _pattern(places)),
        "high": format_decimal(ci[1] * 100, _pattern(places)),
    }


def ratio_change(
    ratio: float, ci: list[Any] | tuple[Any, Any], decimals: int = 2
) -> dict[str, str | None]:
    """A rate ratio and its interval's bounds (the upper one None: unbounded), with the
    decimals that keep the interval apart from 1."""
    places = decimals_apart(ci[0], ci[1], 1.0, decimals, RATIO_DECIMALS)
    pattern = _pattern(places)
    return {
        "size": format_decimal(ratio, pattern),
        "low": format_decimal(ci[0], pattern),
        "high": format_decimal(ci[1], pattern) if ci[1] is not None else None,
    }


def p_value(p: float) -> str:
    """A p-value to 3 decimals, "< 0,001" below that; near the 5 % level as many more as keep
    it on its side of 5 % ("0,0504", never "0,050" beside "no confirmed change")."""
    if rounded(p, P_DECIMALS) == 0:
        return "<\u00a0" + format_decimal(10**-P_DECIMALS, _pattern(P_DECIMALS))
    places = P_DECIMALS
    while places < P_MOST_DECIMALS and p != ALPHA and rounded(p, places) == rounded(ALPHA, places):
        places += 1
    return format_decimal(p, _pattern(places))


def init_app(app: Flask) -> None:
    """Make the helpers template globals (organizer pages and reports write changes)."""
    for helper in (point_change, ratio_change, p_value):
        app.add_template_global(helper)

"""Which questionnaire problems a crime category speaks to, by keywords in its name.

Brå's tables and the police event lists name categories in Swedish, often as compounds
("Butiksstöld", "Personrån", "Sexuellt ofredande"), so a keyword is looked for anywhere in
the category's name, case-insensitively. A category may match several keywords: the problems
of all of them are returned, in questionnaire order.
"""

from __future__ import annotations

import re

from .tables import PROBLEMS as PROBLEM_ORDER

#: Keyword (a regular expression over the case-folded name) -> problem keys.
CATEGORY_PROBLEMS: dict[str, tuple[str, ...]] = {
    "misshandel": ("violence",),
    "våld": ("violence",),
    "mord|dråp": ("violence",),
    "skottlossning|knivskär": ("violence",),
    "bråk": ("violence",),
    "stöld": ("theft",),
    "inbrott": ("theft",),
    # Not the 'rån' inside 'från' ("Stöld från bil").
    "(?<!f)rån": ("theft",),
    "tillgrepp": ("theft",),
    "skadegörelse": ("vandalism",),
    "klotter": ("vandalism",),
    "narkotika": ("drug_dealing", "drug_use"),
    "ofredande": ("harassment",),
    "olaga hot": ("harassment",),
    "trafik": ("traffic",),
    "rattfylleri|rattonykter": ("traffic",),
    "alkohol": ("alcohol",),
    "fylleri|berusad|onykter": ("alcohol",),
    "ordningsföreskrift": ("alcohol",),
}

_PATTERNS = [(re.compile(keyword), problems) for keyword, problems in CATEGORY_PROBLEMS.items()]


def problems_for(category: str) -> list[str]:
    """Return the problem keys a crime category matches, in questionnaire order."""
    name = category.casefold()
    found = {p for pattern, problems in _PATTERNS if pattern.search(name) for p in problems}
    return [key for key in PROBLEM_ORDER if key in found]

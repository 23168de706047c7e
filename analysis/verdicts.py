"""The verdicts of a promise's follow-up, as plain strings (no numerical imports).

Kept apart from analysis.followup, which loads scipy, so that the web app's wording
(survey.i18n) can name them without loading the statistics.
"""

from __future__ import annotations

from typing import Any

IMPROVED, UNCHANGED, WORSE, NO_DATA = "improved", "unchanged", "worse", "not enough data"
#: Two-sided level of every verdict: the primary indicator's, or the family's under Holm.
ALPHA = 0.05


def overall_status(statuses: list[str]) -> str:
    """Improved or worse only when the indicators agree; not enough data when none has any."""
    if not statuses or all(s == NO_DATA for s in statuses):
        return NO_DATA
    if IMPROVED in statuses and WORSE not in statuses:
        return IMPROVED
    if WORSE in statuses and IMPROVED not in statuses:
        return WORSE
    return UNCHANGED


def hide_side(indicator: dict[str, Any], side: str) -> None:
    """Hide one side ("before", "after") of a promise's indicator, and what compares the two
    (the difference, its interval, the p-values: from exact counts they give the side back)."""
    indicator[side] = {"n": indicator[side]["n"], "suppressed": True}
    for figure in ("diff", "ci", "p_value", "p_adjusted"):
        indicator.pop(figure, None)
    indicator["status"] = NO_DATA

"""The verdicts of a promise's follow-up, as plain strings (no numerical imports).

Kept apart from analysis.followup, which loads scipy, so that the web app's wording
(survey.i18n) can name them without loading the statistics.
"""

IMPROVED, UNCHANGED, WORSE, NO_DATA = "improved", "unchanged", "worse", "not enough data"

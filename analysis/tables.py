"""The tables the analysis reads, described with SQLAlchemy's lightweight table() clauses.

analysis stays independent of the web app (and so of Flask): it names the columns it reads
here, once. tests/analysis/test_tables.py checks every one against the app's models.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text, column, table

TIMES = ("day", "afternoon", "evening", "night")
PROBLEMS = (
    "alcohol",
    "drug_dealing",
    "drug_use",
    "groups",
    "harassment",
    "violence",
    "theft",
    "vandalism",
    "litter",
    "lighting",
    "traffic",
)

area = table("area", column("id", Integer), column("slug", String), column("name", String))
place = table(
    "place",
    column("id", Integer),
    column("area_id", Integer),
    column("slug", String),
    column("name", String),
    column("retired", Boolean),
)
survey_round = table(
    "survey_round",
    column("id", Integer),
    column("name", String),
    column("opens_on", Date),
)
response = table(
    "response",
    column("id", Integer),
    column("place_id", Integer),
    column("round_id", Integer),
    column("submitted_on", Date),
    column("held", Boolean),
    column("gender", String),
    column("age_band", String),
    *(column(f"safety_{time}", String) for time in TIMES),
    *(column(f"problem_{key}", String) for key in PROBLEMS),
    column("worry", String),
    column("avoided", String),
    column("victim", String),
    column("reported", String),
    column("police_priority", String),
    column("police_cares", String),
)
#: Version 1's item codes: columns of ``response``; every other code is an added item.
V1_CODES = (
    "relation",
    *(f"safety_{time}" for time in TIMES),
    *(f"problem_{key}" for key in PROBLEMS),
    "worry",
    "avoided",
    "victim",
    "reported",
    "police_priority",
    "police_cares",
    "comment",
    "age_band",
    "gender",
)
#: Counts of answers per place, round, day, gender, age band, item and value, kept by the
#: database with every write of answers (survey.models.aggregates): "" for no gender or age
#: band, round 0 for none; code "*" counts the answers themselves.
answer_count = table(
    "answer_count",
    column("place_id", Integer),
    column("round_key", Integer),
    column("day", Date),
    column("gender", String),
    column("age_band", String),
    column("code", String),
    column("value", String),
    column("count", Integer),
)
#: The same counts per month (the month's first day), for the whole months of a date range.
answer_count_month = table(
    "answer_count_month",
    *(column(c.name, c.type) for c in answer_count.columns if c.name != "day"),
    column("month", Date),
)
#: Answers to added items, one row each (one per option ticked for multi choice).
item_answer = table(
    "item_answer",
    column("response_id", Integer),
    column("code", String),
    column("value", String),
    column("number", Integer),
)
questionnaire_version = table(
    "questionnaire_version", column("version", Integer), column("definition", Text)
)
dialogue = table(
    "dialogue",
    column("id", Integer),
    column("held_on", Date),
    column("area_id", Integer),
    column("place_id", Integer),
    column("kind", String),
    column("residents", Integer),
    column("partners", Integer),
    column("staff", Integer),
)
dialogue_issue = table(
    "dialogue_issue",
    column("id", Integer),
    column("dialogue_id", Integer),
    column("place_id", Integer),
    column("problem", String),
    column("times", String),
    column("raised_by", Integer),
    column("weight", Integer),
    column("quote", Text),
)
crime_count = table(
    "crime_count",
    column("area_id", Integer),
    column("place_id", Integer),
    column("month", Date),
    column("category", String),
    column("count", Integer),
    column("source", String),
)
promise = table(
    "promise",
    column("id", Integer),
    column("area_id", Integer),
    column("title", String),
    column("text", Text),
    column("period_start", Date),
    column("period_end", Date),
    column("problems", String),
    column("times", String),
    column("baseline_round_id", Integer),
    column("followup_round_id", Integer),
    column("indicators", JSON),
)
promise_place = table("promise_place", column("promise_id", Integer), column("place_id", Integer))
promise_activity = table(
    "promise_activity",
    column("promise_id", Integer),
    column("kind", String),
    column("hours", Float),
    column("count", Integer),
)
population_margin = table(
    "population_margin",
    column("area_id", Integer),
    column("year", Integer),
    column("age_band", String),
    column("gender", String),
    column("population", Integer),
)
#: Admins' changes to the crime category mapping (analysis/crime_categories.py).
category_override = table(
    "category_override",
    column("id", Integer),
    column("source", String),
    column("name", String),
    column("category", String),
    column("problems", String),
)

#: Invitation rounds' codes: only how many letters and whether used (the response rate).
invitation_code = table(
    "invitation_code",
    column("id", Integer),
    column("round_id", Integer),
    column("area_id", Integer),
    column("used", Boolean),
)

ALL = (
    area,
    place,
    survey_round,
    response,
    dialogue,
    dialogue_issue,
    crime_count,
    promise,
    promise_place,
    promise_activity,
    population_margin,
    category_override,
    item_answer,
    questionnaire_version,
    invitation_code,
    answer_count,
    answer_count_month,
)

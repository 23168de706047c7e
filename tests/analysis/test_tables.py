"""analysis/tables.py names only tables and columns that the app's models really have."""

from analysis import tables
from survey.models import Base


def test_every_column_the_analysis_reads_exists_in_the_models():
    for light in tables.ALL:
        model = Base.metadata.tables[light.name]
        missing = {c.name for c in light.columns} - {c.name for c in model.columns}
        assert missing == set(), f"{light.name}: {missing}"


def test_times_and_problems_match_the_questionnaire():
    from survey.questionnaire import builtin

    codes = builtin(1).codes
    assert [f"safety_{t}" for t in tables.TIMES] == [c for c in codes if c.startswith("safety_")]
    assert [f"problem_{p}" for p in tables.PROBLEMS] == [
        c for c in codes if c.startswith("problem_")
    ]


def test_version_1_codes_match_the_questionnaire():
    from survey.questionnaire import builtin

    assert list(tables.V1_CODES) == builtin(1).codes

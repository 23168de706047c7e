"""The models' questionnaire values, written out so no import parses v1.yaml, stay v1's."""

from sqlalchemy import CheckConstraint

from survey.models import ISSUE_PROBLEMS
from survey.models.responses import ANSWER_COLUMNS, response_table
from survey.questionnaire import builtin

V1 = builtin(1)


def test_the_answer_columns_are_version_1s_items():
    expected = [
        (item.code, item.type, tuple(item.values), item.max_length or 0) for item in V1.items
    ]
    assert [tuple(column) for column in ANSWER_COLUMNS] == expected


def test_every_choice_column_checks_version_1s_values():
    checks = {
        c.name: str(c.sqltext) for c in response_table.constraints if isinstance(c, CheckConstraint)
    }
    for item in V1.items:
        assert item.code in response_table.c
        if item.type == "single":
            quoted = ", ".join(f"'{value}'" for value in item.values)
            assert checks[f"ck_response_{item.code}"] == f"{item.code} IN ({quoted})"
        elif item.type == "text":
            assert checks[f"ck_response_{item.code}"] == f"length({item.code}) <= {item.max_length}"


def test_the_issue_problems_are_the_questionnaires_problems_and_other():
    problems = [code.removeprefix("problem_") for code in V1.codes if code.startswith("problem_")]
    assert list(ISSUE_PROBLEMS) == [*problems, "other"]

"""Added items: new codes with their own types, skip logic with and/or/not, line numbers."""

from pathlib import Path

import pytest

from survey.questionnaire import QuestionnaireError, builtin, load_text, meaning_problems

EXAMPLE = Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml"


def _example(text: str | None = None):
    return load_text(text or EXAMPLE.read_text("utf-8"), catalogue=builtin(1))


def test_the_example_adds_items_of_every_type():
    q = _example()
    kinds = {code: q.item(code).type for code in q.codes}
    assert kinds["home_district"] == "area"
    assert kinds["years_in_area"] == "number"
    assert kinds["witnessed"] == "multi"
    assert [kinds["unsafe_why"], kinds["idea"]] == ["text", "text"]
    police = q.item("police_there")
    assert police.ordered
    assert police.top_box == ("4", "5")
    # "Don't know" is marked as no answer on the scale; the neutral midpoint is one.
    assert police.substantive_values == ("1", "2", "3", "4", "5")
    assert (q.item("years_in_area").min_value, q.item("years_in_area").max_value) == (0, 99)


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        # unsafe_why: evening unsafe, OR (burglary worry AND NOT a visitor)
        ({"relation": "visit", "safety_evening": "4"}, True),
        ({"relation": "visit", "safety_evening": "1", "worry_burglary": "4"}, False),
        ({"relation": "live", "safety_evening": "1", "worry_burglary": "4"}, True),
        ({"relation": "live", "safety_evening": "1", "worry_burglary": "2"}, False),
        ({"relation": "live", "safety_evening": "avoid"}, True),
        ({"relation": "live"}, False),
    ],
)
def test_and_or_not_decide_whether_an_item_is_asked(answers, asked):
    q = _example()
    cleaned = q.clean({**answers, "unsafe_why": "Mörkt"})
    assert (cleaned["unsafe_why"] == "Mörkt") is asked


def test_a_skipped_item_counts_as_unanswered_for_later_conditions():
    q = _example()
    cleaned = q.clean({"relation": "work", "home_district": "bromma", "years_in_area": "4"})
    assert cleaned["home_district"] is None
    assert cleaned["years_in_area"] is None
    assert q.clean({"relation": "live", "years_in_area": "4"})["years_in_area"] == "4"


def test_multi_answers_are_kept_in_questionnaire_order():
    assert _example().clean({"witnessed": ["noise", "fights"]})["witnessed"] == "fights;noise"


def _problems(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as info:
        _example(text)
    return info.value.problems


def test_problems_name_their_line_and_the_item():
    text = EXAMPLE.read_text("utf-8").replace(
        "show_if: {item: relation, is: live}", "show_if: {item: relation, is: moon}", 1
    )
    problems = _problems(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "code: home_district" in row)
    assert problems == [f"line {line}: home_district: moon is not an option of relation"]
    assert problems[0].line == line
    assert problems[0].msgid == "%(code)s: %(values)s is not an option of %(other)s"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "show_if: {item: relation, is: live}",
            "show_if: {item: idea, is: live}",
            "the condition refers to idea, which is not an item asked before it",
        ),
        (
            "show_if: {item: relation, is: live}",
            "show_if: {nor: []}",
            "unknown key 'nor' – did you mean 'not'?",
        ),
        (
            "show_if: {item: relation, is: live}",
            "show_if: {item: relation}",
            "needs item and either is or any_of",
        ),
        ('top_box: ["4", "5"]', 'top_box: ["4", dk]', "top_box values dk are not answers"),
        ("min: 0\n        max: 99", "min: 5\n        max: 2", "needs whole numbers min and max"),
        ("type: area", "type: area\n        options: agree5", "only single and multi items"),
        ("max_length: 2000", "max_length: 9000", "max_length may be at most 5000"),
        ("code: idea", "code: round", "round: this name is a column of its own"),
        ("type: number", "type: date", "type must be one of single, multi, text, number, area"),
    ],
)
def test_invalid_added_items_are_refused_with_a_specific_problem(old, new, expected):
    text = EXAMPLE.read_text("utf-8")
    assert old in text
    problems = _problems(text.replace(old, new, 1))
    assert any(expected in p for p in problems), problems
    assert all(p.line > 0 for p in problems)


def test_yaml_syntax_errors_name_their_line():
    (problem,) = _problems("version: 2\ntitle: {sv: X\nsections: []\n")
    assert problem.line == 3
    assert "not valid YAML" in problem


def test_a_tab_is_named_with_its_line_and_column_wherever_it_stands():
    text = EXAMPLE.read_text("utf-8")
    for old, new, column in (
        ("\n      - code: idea\n", "\n\t    - code: idea\n", 1),
        ("        max_length: 2000", "        max_length:\t2000", 20),
    ):
        assert old in text
        changed = text.replace(old, new, 1)
        where = changed.splitlines().index(next(s for s in changed.splitlines() if "\t" in s))
        (problem,) = _problems(changed)
        assert problem.msgid.startswith("a tab at column"), problem
        assert (problem.line, problem.params["column"]) == (where + 1, column)


def test_a_code_keeps_its_meaning_across_versions():
    earlier = _example()
    same = _example(EXAMPLE.read_text("utf-8").replace("version: 2", "version: 3"))
    assert meaning_problems(same, [earlier]) == []
    # Narrowing is allowed (an option dropped); a new top box or option changes the meaning.
    narrowed = EXAMPLE.read_text("utf-8").replace(
        "          - {value: fights, label: {sv: Slagsmål, en: Fights}}\n", "", 1
    )
    assert meaning_problems(_example(narrowed), [earlier]) == []
    top = EXAMPLE.read_text("utf-8").replace('top_box: ["3", "4"]', 'top_box: ["4"]', 1)
    changed = meaning_problems(_example(top), [earlier])
    assert [p.params["code"] for p in changed] == ["worry_burglary"]
    widened = EXAMPLE.read_text("utf-8").replace(
        "{value: noise, label: {sv: Störande grannar, en: Noisy neighbours}}",
        "{value: noise, label: {sv: Störande grannar, en: Noisy neighbours}}\n"
        "          - {value: dogs, label: {sv: Lösa hundar, en: Loose dogs}}",
        1,
    )
    (problem,) = meaning_problems(_example(widened), [earlier])
    assert "witnessed: version 2 asks this code with another meaning" in problem
    assert "a changed question needs a new code" in problem
    retyped = EXAMPLE.read_text("utf-8").replace(
        "type: number", "type: text\n        max_length: 9", 1
    )
    retyped = retyped.replace("        min: 0\n        max: 99\n", "", 1)
    (problem,) = meaning_problems(_example(retyped), [earlier])
    assert "type number, now text" in problem

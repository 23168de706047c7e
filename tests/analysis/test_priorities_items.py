"""Issue 14: an added item declared to feed a priority problem joins its survey evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.picture import situation_picture
from analysis.priorities import rank_priorities
from analysis.survey import Filters
from survey.extensions import db
from survey.questionnaire import QuestionnaireError, builtin, load_text
from tests.analysis.test_priorities import cell, place, row, shrink, survey
from tests.common.item_data import answer_items, record_version_2

EXAMPLE = (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text()
#: "Drug dealing is a problem here" (ordered, top box 4 and 5) feeds the drug_dealing problem.
DEALING = """
      - code: dealing_seen
        type: single
        ordered: true
        top_box: ["4", "5"]
        options: agree5
        priority_problem: drug_dealing
        label: {sv: "Det säljs narkotika öppet här.", en: "Drugs are sold openly here."}
"""
WITH_ITEM = EXAMPLE.replace("  - key: safety\n", DEALING.lstrip("\n") + "\n  - key: safety\n", 1)


def _item(places, total, top_box=("4", "5")):
    return {
        "code": "dealing_seen",
        "type": "single",
        "label": "Drugs are sold openly here.",
        "top_box": list(top_box),
        "priority_problem": "drug_dealing",
        "area_total": total,
        "places": places,
        "by_group": {},
    }


def test_the_items_share_joins_the_problem_share_each_shrunk_toward_the_area():
    brommaplan = place("brommaplan", "Brommaplan", cell(100, 0.40, time=True), cell(90, 0.20))
    brommaplan["problems"]["drug_dealing"] = cell(90, 0.10)
    area = {
        "times": {"evening": cell(400, 0.30, time=True)},
        "problems": {"alcohol": cell(380, 0.20), "drug_dealing": cell(380, 0.05)},
    }
    item = _item({"brommaplan": cell(60, 0.50)}, cell(300, 0.25))
    rows = rank_priorities(
        {"places": [brommaplan], "area_total": area}, {"mentions": []}, [], items=[item]
    )
    top = row(rows, "brommaplan", "drug_dealing", "evening")
    problem_part = (shrink(90, 0.10, 0.05) + shrink(60, 0.50, 0.25)) / 2
    assert top["components"]["survey"] == round((problem_part + shrink(100, 0.4, 0.3)) / 2, 4)
    assert "50\xa0% på frågan ”Drugs are sold openly here.”" in top["explanation"]
    # Without the item the row's survey part is the problem share alone.
    plain = rank_priorities({"places": [brommaplan], "area_total": area}, {"mentions": []}, [])
    assert row(plain, "brommaplan", "drug_dealing", "evening")["components"]["survey"] == round(
        (shrink(90, 0.10, 0.05) + shrink(100, 0.4, 0.3)) / 2, 4
    )


def test_an_item_alone_makes_a_row_and_a_hidden_item_cell_is_never_quoted():
    # No one calls drug dealing a big problem at Alvik, but 40 % agree that drugs are sold.
    alvik = place("alvik", "Alvik", cell(50, 0.2, time=True), cell(50, 0.0))
    brommaplan = place("brommaplan", "Brommaplan", cell(50, 0.2, time=True), cell(50, 0.0))
    item = _item(
        {"alvik": cell(30, 0.40), "brommaplan": {"n": 4, "suppressed": True}}, cell(34, 0.38)
    )
    rows = rank_priorities(survey(alvik, brommaplan), {"mentions": []}, [], items=[item])
    assert {(r["place"], r["problem"]) for r in rows if r["problem"] == "drug_dealing"} == {
        ("alvik", "drug_dealing")
    }
    shown = row(rows, "alvik", "drug_dealing", "evening")
    assert "40\xa0%" in shown["explanation"]
    # A "yes" share feeds the same way when the item has no top box.
    yes_item = _item({"alvik": {"n": 30, "suppressed": False, "options": []}}, cell(34, 0.38), ())
    yes_item["places"]["alvik"]["options"] = [
        {"value": "yes", "share": 0.6, "ci": [0.4, 0.8]},
        {"value": "no", "share": 0.4, "ci": [0.2, 0.6]},
    ]
    yes_item["area_total"]["options"] = [{"value": "yes", "share": 0.5, "ci": [0.3, 0.7]}]
    rows = rank_priorities(survey(alvik), {"mentions": []}, [], items=[yes_item])
    assert "60\xa0%" in row(rows, "alvik", "drug_dealing", "evening")["explanation"]


def test_a_picture_ranks_a_problem_that_only_an_added_item_speaks_of(app):
    with app.app_context():
        record_version_2(WITH_ITEM)
        for value in ["5", "5", "4", "5", "4", "4", "3", "2", "1", "5", "4", "5"]:
            answer_items("brommaplan", dealing_seen=value)
        with db.engine.connect() as conn:
            picture = situation_picture(conn, "bromma", Filters(), 10, locale="en")
    [item] = [i for i in picture["items"] if i["code"] == "dealing_seen"]
    assert item["priority_problem"] == "drug_dealing"
    rows = [r for r in picture["priorities"] if r["problem"] == "drug_dealing"]
    assert {r["place"] for r in rows} == {"brommaplan"}
    evening = row(rows, "brommaplan", "drug_dealing", "evening")
    assert "75% on the question “Drugs are sold openly here.”" in evening["explanation"]
    assert evening["components"]["survey"] > 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("priority_problem: drugs", "priority_problem must be one of alcohol, drug_dealing"),
        ("priority_problem: 4", "priority_problem must be one of"),
    ],
)
def test_an_unknown_problem_is_refused_with_its_line(line, message):
    text = WITH_ITEM.replace("priority_problem: drug_dealing", line)
    with pytest.raises(QuestionnaireError) as info:
        load_text(text, catalogue=builtin(1))
    [problem] = info.value.problems
    assert message in problem
    assert problem.startswith(f"line {text.splitlines().index('      - code: dealing_seen') + 1}:")


def test_only_a_share_with_a_top_box_or_yes_can_feed_a_problem():
    text = WITH_ITEM.replace("priority_problem: drug_dealing", "priority_problem: alcohol")
    assert load_text(text, catalogue=builtin(1)).item("dealing_seen").priority_problem == "alcohol"
    for old, new in (
        (
            '        top_box: ["4", "5"]\n        options: agree5\n        priority',
            "        options: agree5\n        priority",
        ),
        (
            "code: idea\n        type: text\n",
            "code: idea\n        type: text\n        priority_problem: litter\n",
        ),
        (
            "code: safety_evening\n        type: single\n",
            "code: safety_evening\n        type: single\n        priority_problem: litter\n",
        ),
    ):
        assert old in WITH_ITEM
        with pytest.raises(QuestionnaireError) as info:
            load_text(WITH_ITEM.replace(old, new), catalogue=builtin(1))
        assert "priority" in " ".join(info.value.problems)

"""Figures of added items: shares with Wilson intervals, top box, means, suppression."""

from pathlib import Path

import pytest
from sqlalchemy import insert

from analysis.items import item_specs
from analysis.picture import situation_picture
from analysis.stats import t_interval, wilson
from analysis.survey import Filters
from survey.extensions import db
from survey.models import ItemAnswer, QuestionnaireVersion
from tests.common.survey_data import add_responses

EXAMPLE = (Path(__file__).resolve().parents[1] / "common" / "questionnaire_v2.yaml").read_text()


def _answer(slug: str, gender: str | None, **items):
    """One response with answers to added items (a multi answer as a list)."""
    [response] = add_responses(slug, [{"gender": gender}])
    rows = []
    for code, value in items.items():
        base = {
            "response_id": response.id,
            "code": code,
            "value": None,
            "number": None,
            "text": None,
        }
        if isinstance(value, list):
            rows += [base | {"value": v} for v in value]
        elif isinstance(value, int):
            rows.append(base | {"number": value})
        elif code in ("idea", "unsafe_why"):
            rows.append(base | {"text": value})
        else:
            rows.append(base | {"value": value})
    db.session.execute(insert(ItemAnswer.__table__), rows)
    db.session.commit()


@pytest.fixture
def picture(app):
    with app.app_context():
        db.session.add(
            QuestionnaireVersion(version=2, definition=EXAMPLE, status="live", uploaded_by="admin")
        )
        db.session.commit()
        # Brommaplan: 12 answers; Alvik: 3 (too few to show on their own).
        police = ["5", "5", "4", "4", "4", "3", "2", "1", "1", "2", "dk", "dk"]
        for i, value in enumerate(police):
            _answer(
                "brommaplan",
                "woman" if i < 6 else "man",
                police_there=value,
                years_in_area=i,
                witnessed=["fights", "noise"] if i % 2 else ["graffiti"],
                idea="Mer ljus",
            )
        for value in ("5", "1", "dk"):
            _answer("alvik", None, police_there=value, years_in_area=50)
        with db.engine.connect() as conn:
            return situation_picture(conn, "bromma", Filters(), 10, locale="en")


def _item(picture, code):
    return next(item for item in picture["items"] if item["code"] == code)


def test_the_item_specs_come_from_the_recorded_versions(app):
    with app.app_context():
        db.session.add(
            QuestionnaireVersion(version=2, definition=EXAMPLE, status="draft", uploaded_by="admin")
        )
        db.session.commit()
        with db.engine.connect() as conn:
            specs = {spec.code: spec for spec in item_specs(conn, "en")}
    assert "relation" not in specs  # a version 1 item is a column, not an added item
    police = specs["police_there"]
    assert police.label == "The police are here when needed."
    assert police.top_box == ("4", "5")
    assert police.ordered
    assert police.options[-1] == ("dk", "Don't know", False)


def test_a_scale_has_shares_a_top_box_and_counts_dont_know_apart(picture):
    item = _item(picture, "police_there")
    total = item["area_total"]
    # 15 answers, 3 "don't know": 12 on the scale; top box 4 + 5: 3 + 2 + 1 (Alvik) = 6.
    assert (total["n"], total["not_substantive"]) == (12, 3)
    lo, hi = wilson(6, 12)
    assert (total["share"], total["ci"]) == (0.5, [round(lo, 4), round(hi, 4)])
    options = {option["value"]: option for option in total["options"]}
    assert options["1"]["share"] == round(3 / 12, 4)
    assert list(options) == ["1", "2", "3", "4", "5"]  # "don't know" is not a share
    assert item["places"]["brommaplan"]["n"] == 10
    # Alvik rests on 2 answers: hidden; then Brommaplan too, or the total would give Alvik
    # away by subtraction.
    assert item["places"]["alvik"] == {"n": 2, "suppressed": True}
    assert item["places"]["brommaplan"] == {"n": 10, "suppressed": True}


def test_a_number_has_a_mean_with_a_t_interval(picture):
    total = _item(picture, "years_in_area")["area_total"]
    values = [*range(12), 50, 50, 50]
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    lo, hi = t_interval(mean, sd, len(values))
    assert total["n"] == 15
    assert total["mean"] == round(mean, 4)
    assert total["mean_ci"] == [round(lo, 4), round(hi, 4)]


def test_multiple_choice_shares_are_of_those_who_answered(picture):
    total = _item(picture, "witnessed")["area_total"]
    assert total["n"] == 12
    options = {option["value"]: option["share"] for option in total["options"]}
    assert options == {"fights": 0.5, "graffiti": 0.5, "noise": 0.5}
    by_gender = _item(picture, "witnessed")["by_group"]["gender"]
    assert by_gender["woman"]["n"] == 6
    assert by_gender["man"]["n"] == 6


def test_free_texts_give_only_how_many_answered(picture):
    item = _item(picture, "idea")
    assert item["area_total"] == {"n": 12, "suppressed": False}
    assert "Mer ljus" not in str(picture)


def test_items_nobody_answered_are_left_out(picture):
    codes = {item["code"] for item in picture["items"]}
    assert "home_district" not in codes
    assert "unsafe_why" not in codes


def test_the_picture_with_items_follows_its_schema(picture):
    import json
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("analysis").joinpath("lagesbild.schema.json").read_text())
    jsonschema.validate(picture, schema, format_checker=jsonschema.FormatChecker())


def test_csv_and_xlsx_tables_carry_the_items(picture):
    from survey.reports.tables import tables

    name, header, rows = tables(picture)[-1]
    assert name == "items"
    by_key = {(r[1], r[3], r[4], r[5], r[6]): dict(zip(header, r, strict=True)) for r in rows}
    top = by_key[("police_there", "", "", "", "")]
    assert (top["n"], top["share"]) == (12, 0.5)
    assert by_key[("police_there", "", "", "", "1")]["share"] == 0.25
    assert by_key[("years_in_area", "", "", "", "")]["mean"] is not None
    hidden = by_key[("police_there", "alvik", "", "", "")]
    assert hidden["suppressed"] is True
    assert hidden["share"] is None
    assert hidden["ci_low"] is None
    assert not any(r[3] == "alvik" and r[6] for r in rows)  # no option rows of a hidden cell


def test_the_public_form_rounds_item_figures_like_every_figure(picture):
    from survey.reports.public_form import public_form

    item = _item(public_form(picture), "police_there")
    total = item["area_total"]
    assert total["n"] % 5 == 0
    # Whole percent, still as fractions (0.4583 -> 0.46), as every public share.
    assert total["share"] == 0.5
    shares = [*total["ci"], *(x for o in total["options"] for x in [o["share"], *o["ci"]])]
    assert all(round(x * 100, 6) == round(x * 100) for x in shares)
    # A hidden place is left out: listed, it would say that someone there answered.
    assert "alvik" not in item["places"]
    assert "not_substantive" not in total  # an exact count of "don't know"

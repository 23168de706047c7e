"""Issue 14: the API's situation picture carries the added items, in public form."""

from __future__ import annotations

import jsonschema

from survey.extensions import db
from survey.models import Release
from survey.reports.public_form import round_count
from tests.common.item_data import record_version_2, two_places
from tests.common.releases import publish
from tests.common.survey_data import default_round_id

HIDDEN_KEYS = {"n", "share", "ci", "options", "mean", "mean_ci", "not_substantive"}


def _published(app, client):
    with app.app_context():
        record_version_2()
        two_places()
        round_id = default_round_id()
    release_id = publish(app, "bromma", round_id)
    response = client.get("/api/v1/areas/bromma/lagesbild")
    assert response.status_code == 200
    with app.app_context():
        audited = db.session.get(Release, release_id).audited_picture
    return response.get_json(), audited


def _item(picture, code):
    return next(item for item in picture["items"] if item["code"] == code)


def test_the_api_serves_added_items_with_rounded_counts_and_no_hidden_cell(app, client):
    picture, audited = _published(app, client)
    assert {item["code"] for item in picture["items"]} == {"police_there", "years_in_area"}
    police = _item(picture, "police_there")
    total = police["area_total"]
    assert total["n"] == round_count(23) == 25  # 23 answers on the scale, rounded
    assert total["share"] == round(9 / 23, 2)  # the top box in whole percent
    assert "not_substantive" not in total  # an exact count of "don't know"
    assert all(option["share"] == round(option["share"], 2) for option in total["options"])
    years = _item(picture, "years_in_area")
    assert years["area_total"]["mean"] == round((66 + 30 * 12) / 24, 1)
    # Women and men at Brommaplan are 6 each: hidden, and so left out (their mere presence
    # would say that someone of that group answered).
    assert _item(audited, "police_there")["by_group"]["gender"]["woman"]["suppressed"]
    assert police["by_group"]["gender"] == {}
    shown = 0
    for item in picture["items"]:
        live = _item(audited, item["code"])
        for slug, cell in live["places"].items():
            if cell["suppressed"]:
                assert slug not in item["places"]
            else:
                shown += 1
                assert item["places"][slug]["n"] == round_count(cell["n"])
        cells = [item["area_total"], *item["places"].values()]
        cells += [c for groups in item["by_group"].values() for c in groups.values()]
        for cell in cells:
            assert not cell["suppressed"] or not (HIDDEN_KEYS & set(cell)), (item["code"], cell)
            assert cell["suppressed"] or cell["n"] % 5 == 0
    assert shown >= 2


def test_the_openapi_document_describes_the_public_item_cell(app, client):
    picture, _audited = _published(app, client)
    document = client.get("/api/v1/openapi.json").get_json()
    components = document["components"]
    cell = components["schemas"]["Lagesbild_item_cell"]
    assert cell["required"] == ["suppressed"]
    validator = jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/Lagesbild", "components": components}
    )
    validator.validate(picture)
    # A hidden cell that kept its n is refused by the public schema.
    leaky = {**picture, "items": [dict(picture["items"][0])]}
    leaky["items"][0]["places"] = {"alvik": {"suppressed": True, "n": 12}}
    assert not validator.is_valid(leaky)

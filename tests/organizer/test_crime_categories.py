"""The crime category mapping page: every entry shown, admins change entries, events recounted."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import select

# Registered by survey/organizer/routes.py; imported here too so the routes exist before
# the test app is built (the import is idempotent once routes.py imports it).
import survey.organizer.crime_categories  # noqa: F401
from analysis import crime_categories
from analysis.yearly import crime_yearly
from survey.extensions import db
from survey.imports.crime import import_crime_data
from survey.models import AuditEvent, CategoryOverride, CrimeCount
from tests.common.web import post_form

PAGE = "/organizer/crime-categories"


def _event(n: int, event_type: str, day: int = 10) -> dict:
    return {
        "id": 900_000 + n,
        "datetime": f"2026-03-{day:02d} 12:00:00 +01:00",
        "name": f"{day} mars 12.00, {event_type}, Ekerö",
        "summary": "Händelse på Ekerö.",
        "url": f"/aktuellt/handelser/2026/mars/{day}/{n}/",
        "type": event_type,
        "location": {"name": "Ekerö", "gps": "59.29,17.81"},
    }


def _import(app) -> None:
    events = [
        _event(1, "Rån"),
        _event(2, "Rån, försök", 11),
        _event(3, "Vattenläcka", 12),
        _event(4, "Vattenläcka", 13),
        _event(5, "Brand", 14),
    ]
    with app.app_context():
        data = json.dumps(events).encode()
        import_crime_data(db.session, data, "events.json", "events")
        db.session.commit()


def _counts(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(CrimeCount.category, CrimeCount.count).where(CrimeCount.source == "events")
        ).all()
        return {row.category: row.count for row in rows}


def test_organizers_see_every_mapping_but_cannot_change_it(app, client, auth):
    assert client.get(PAGE).status_code in (302, 401)
    auth.login("organizer")
    _import(app)
    page = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Crime categories and police event types" in page
    # A category with its types, a type that is not a crime, an unknown type seen in events.
    assert "Rån väpnat" in page
    assert "Sammanfattning natt" in page
    # Types have commas of their own ("Misshandel, grov"): a list separates them with ";".
    assert "Misshandel; Misshandel, grov" in page
    unreviewed = page.split('id="unreviewed"')[1].split("</ul>")[0]
    assert "Vattenläcka (2 events)" in unreviewed
    assert "Brand" not in unreviewed
    assert 'action="/organizer/crime-categories"' not in page
    assert "Only admins can change the mapping." in page


def test_an_admin_override_changes_the_counts_and_is_audited(app, client, auth):
    auth.login("admin")
    _import(app)
    assert _counts(app) == {"Rån": 2, "Vattenläcka": 2}
    for data in [
        {"source": "police", "name": "Rån,  försök", "not_crime": "y"},
        {"source": "police", "name": "vattenläcka", "not_crime": "y"},
        {"source": "police", "name": "Brand", "category": "Mordbrand"},
    ]:
        assert post_form(client, PAGE, data).status_code == 303
    assert _counts(app) == {"Rån": 1, "Mordbrand": 1}
    page = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Every event type in the stored police events is in the mapping." in page
    row = page.split('<th scope="row">Mordbrand</th>')[1].split("</tr>")[0]
    assert 'Brand <span class="tag">changed</span>' in row
    # The same type again replaces its override rather than adding a second one.
    data = {"source": "police", "name": "BRAND", "category": "Brand och mordbrand"}
    data["problems"] = ["vandalism"]
    assert post_form(client, PAGE, data).status_code == 303
    assert _counts(app) == {"Rån": 1, "Brand och mordbrand": 1}
    with app.app_context():
        overrides = db.session.scalars(select(CategoryOverride)).all()
        assert sorted((o.name, o.category, o.problems) for o in overrides) == [
            ("BRAND", "Brand och mordbrand", "vandalism"),
            ("Rån, försök", None, ""),
            ("vattenläcka", None, ""),
        ]
        brand = next(o for o in overrides if o.key == "brand")
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("category_override.%"))
        ).all()
        assert len(actions) == 4
    # Back to the shipped entry: a fire is not a crime again.
    remove = f"{PAGE}/{brand.id}/remove"
    assert post_form(client, remove, {}, token_from=PAGE).status_code == 303
    assert _counts(app) == {"Rån": 1}


def test_bad_input_says_why_and_changes_nothing(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    for data, message in [
        ({"source": "police", "name": "", "not_crime": "y"}, "Fill in this field."),
        ({"source": "police", "name": "Rån"}, "Write a category, or tick Not a crime."),
        (
            {"source": "police", "name": "Rån", "category": "Rån", "not_crime": "y"},
            "Either a category or Not a crime, not both.",
        ),
        ({"source": "tv", "name": "Rån", "not_crime": "y"}, "Choose one of the options shown."),
        (
            {"source": "police", "name": "Rån", "category": "X", "problems": "weather"},
            "Choose one of the options shown.",
        ),
    ]:
        response = post_form(client, PAGE, data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CategoryOverride)).all() == []
    assert post_form(client, f"{PAGE}/99999/remove", {}, token_from=PAGE).status_code == 404


BRA_EXPORT = (
    Path(__file__).parents[1]
    / "imports"
    / "data"
    / "bra"
    / "statistikdatabas_region_brott_manad_2024.csv"
)


def _row(page: str, name: str) -> str:
    cells = page.split('id="bra"')[1].split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", cells).split())


def test_a_bra_rule_on_a_parent_path_is_shown_for_each_category_under_it(app, client, auth):
    auth.login("admin")
    with app.app_context():
        import_crime_data(db.session, BRA_EXPORT.read_bytes(), BRA_EXPORT.name, None)
        db.session.commit()
    page = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    # Before any change: the shipped file's entries, the nearest parent's for a leaf.
    assert _row(page, "Stöldbrott › Inbrottsstöld › i bostad") == (
        "Stöldbrott › Inbrottsstöld shipped Inbrott Theft and robbery"
    )
    data = {"source": "bra", "name": "stöldbrott > Inbrottsstöld", "not_crime": "y"}
    assert post_form(client, PAGE, data).status_code == 303
    page = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    # Stored as the importer writes paths, and applied to the leaf under it.
    assert _row(page, "Stöldbrott › Inbrottsstöld › i bostad") == (
        "stöldbrott › Inbrottsstöld changed Not a crime –"
    )
    assert _row(page, "Stöldbrott") == "Stöldbrott shipped Stöld Theft and robbery"
    with app.app_context():
        known = crime_categories.read(db.session.connection())
        # Out of crime figures: no deviations for the leaf, whatever its counts.
        assert crime_categories.is_context("Stöldbrott › Inbrottsstöld › i bostad", known)
        assert not crime_categories.is_context("Stöldbrott", known)


def test_a_bra_category_marked_not_a_crime_leaves_the_yearly_figures(app, client, auth):
    auth.login("admin")
    yearly = BRA_EXPORT.with_name("statistikdatabas_brottskategori_region_2022_2023.csv")
    with app.app_context():
        import_crime_data(db.session, yearly.read_bytes(), yearly.name, None)
        db.session.commit()
        conn = db.session.connection()
        before = {row["category"] for row in crime_yearly(conn, "bromma")}
    assert "Stöldbrott" in before
    data = {"source": "bra", "name": "Stöldbrott", "not_crime": "y"}
    response = post_form(client, PAGE, data)
    assert response.status_code == 303
    # A Brå rule changes how the yearly figures are read; no police event is counted again.
    page = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Stöldbrott är sparad." in page  # the message in the language of the POST
    assert "Polisens händelser" not in page
    with app.app_context():
        after = {row["category"] for row in crime_yearly(db.session.connection(), "bromma")}
    # The category has no yearly change of its own any more; one under it with a more
    # specific (shipped) rule of its own keeps it: the most specific rule wins.
    assert before - after == {
        "Stöldbrott",
        "Stöldbrott › Stöld utan inbrott",
        "Stöldbrott › Stöld utan inbrott › butiksstöld",
        "Stöldbrott › Stöld utan inbrott › i bostad",
    }
    assert "Stöldbrott › Inbrottsstöld" in after
    dashboard = client.get("/organizer/areas/bromma?lang=en").get_data(as_text=True)
    yearly_table = dashboard.split('class="data crime-yearly"')[1].split("</table>")[0]
    assert '<th scope="row">Stöldbrott</th>' not in yearly_table
    assert '<th scope="row">Stöldbrott › Inbrottsstöld</th>' in yearly_table


def test_a_rule_for_a_type_nobody_has_seen_asks_to_check_the_spelling(app, client, auth):
    auth.login("admin")
    _import(app)
    typo = {"source": "police", "name": "Olag hot", "category": "Rån"}
    assert post_form(client, f"{PAGE}?lang=en", typo).status_code == 303
    page = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "No stored police event has the type Olag hot" in page
    # A type the shipped file names, or one in the stored events, is not questioned.
    for known in ("Olaga hot", "Vattenläcka"):
        data = {"source": "police", "name": known, "category": "Rån"}
        assert post_form(client, f"{PAGE}?lang=en", data).status_code == 303
        assert "check the spelling" not in client.get(f"{PAGE}?lang=en").get_data(as_text=True)


def test_a_category_written_in_other_case_is_the_existing_one(app, client, auth):
    auth.login("admin")
    _import(app)
    # "rån" is the shipped category Rån: its events are counted with the other robberies,
    # not under a second category "rån" beside it (two series, each too small to alarm).
    data = {"source": "police", "name": "Vattenläcka", "category": "  rån "}
    assert post_form(client, PAGE, data).status_code == 303
    assert _counts(app) == {"Rån": 4}
    with app.app_context():
        assert db.session.scalar(select(CategoryOverride.category)) == "Rån"
    # A new category keeps the spelling given, and its own rule may correct it later.
    data = {"source": "police", "name": "Brand", "category": "vattenskada", "problems": []}
    assert post_form(client, PAGE, data).status_code == 303
    assert _counts(app) == {"Rån": 4, "vattenskada": 1}
    data["category"] = "Vattenskada"
    assert post_form(client, PAGE, data).status_code == 303
    assert _counts(app) == {"Rån": 4, "Vattenskada": 1}


def test_problems_other_than_the_categorys_own_are_refused_not_ignored(app, client, auth):
    # A category's problems are the same for every type in it: problems ticked for a type
    # counted in an existing category were saved, shown, and never used.
    auth.login("admin")
    client.get("/?lang=en")
    _import(app)
    data = {"source": "police", "name": "Vattenläcka", "category": "Rån", "problems": ["alcohol"]}
    response = post_form(client, PAGE, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The category Rån speaks to these problems in the shipped mapping: Theft" in page
    data = {**data, "category": "Bedrägeri"}
    page = post_form(client, PAGE, data).get_data(as_text=True)
    assert "The category Bedrägeri speaks to no survey problem in the shipped mapping" in page
    with app.app_context():
        assert db.session.scalars(select(CategoryOverride)).all() == []
    # Exactly the category's own problems, or none, are fine; none is stored for the rule.
    for problems in (["theft"], []):
        assert (
            post_form(client, PAGE, {**data, "category": "Rån", "problems": problems}).status_code
            == 303
        )
        assert _problems(app) == {"vattenläcka": ""}


def _problems(app) -> dict[str, str]:
    with app.app_context():
        return {o.key: o.problems for o in db.session.scalars(select(CategoryOverride))}


def test_one_rule_sets_a_new_categorys_problems(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    _import(app)
    # The first rule names the new category Eld without problems, the second sets them.
    first = {"source": "police", "name": "Brand", "category": "Eld", "problems": []}
    assert post_form(client, PAGE, first).status_code == 303
    setter = {"source": "police", "name": "Rån, försök", "category": "eld"}
    assert post_form(client, PAGE, {**setter, "problems": ["vandalism"]}).status_code == 303
    # Another rule must agree, and then stores none: only the setting rule changes them.
    response = post_form(client, PAGE, {**first, "problems": ["litter"]})
    assert response.status_code == 422
    assert "are set by the rule for Rån, försök: Vandalism" in response.get_data(as_text=True)
    assert post_form(client, PAGE, {**first, "problems": ["vandalism"]}).status_code == 303
    assert _problems(app) == {"brand": "", "rån, försök": "vandalism"}
    assert post_form(client, PAGE, {**setter, "problems": ["litter"]}).status_code == 303
    with app.app_context():
        known = crime_categories.read(db.session.connection())
        assert known.categories["Eld"] == ("litter",)
        assert crime_categories.problems_for("Brand", known) == ["litter"]
    # The page shows the problems used: the other rule's row names the category's.
    page = client.get(PAGE).get_data(as_text=True)
    row = page.split('id="overrides"')[1].split("<td>Brand</td>")[1].split("</tr>")[0]
    assert "Litter" in row, row
    # The setting rule maps elsewhere: the category keeps its problems through the next one.
    moved = {**setter, "category": "Vatten", "problems": []}
    assert post_form(client, PAGE, moved).status_code == 303
    assert _problems(app) == {"brand": "litter", "rån, försök": ""}
    assert post_form(client, PAGE, {**setter, "problems": ["litter"]}).status_code == 303
    assert _problems(app) == {"brand": "litter", "rån, försök": ""}
    # Without the setting rule, the category keeps its problems through the next one.
    assert post_form(client, PAGE, {**first, "name": "Vattenläcka"}).status_code == 303
    with app.app_context():
        gone = db.session.scalar(select(CategoryOverride.id).where(CategoryOverride.key == "brand"))
    assert post_form(client, f"{PAGE}/{gone}/remove", {}, token_from=PAGE).status_code == 303
    assert _problems(app) == {"rån, försök": "litter", "vattenläcka": ""}


def test_rules_stored_before_one_setter_and_rules_that_are_no_crime(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    _import(app)
    # Two rules that both hold Eld's problems, as an earlier version let them: the oldest
    # sets them (as the mapping reads them) and may change them; the other must agree.
    with app.app_context():
        for key in ("brand", "vattenläcka"):
            db.session.add(
                CategoryOverride(
                    source="police",
                    key=key,
                    name=key.capitalize(),
                    category="Eld",
                    problems="vandalism",
                )
            )
        db.session.commit()
    brand = {"source": "police", "name": "Brand", "category": "Eld"}
    assert post_form(client, PAGE, {**brand, "problems": []}).status_code == 303
    assert _problems(app) == {"brand": "vandalism", "vattenläcka": "vandalism"}  # kept
    assert post_form(client, PAGE, {**brand, "problems": ["litter"]}).status_code == 303
    water = {"source": "police", "name": "Vattenläcka", "category": "Eld"}
    response = post_form(client, PAGE, {**water, "problems": ["traffic"]})
    assert "are set by the rule for Brand: Litter" in response.get_data(as_text=True)
    assert post_form(client, PAGE, {**water, "problems": ["litter"]}).status_code == 303
    assert _problems(app) == {"brand": "litter", "vattenläcka": ""}
    # Removing the setter hands its problems on, and the audit log says so.
    with app.app_context():
        gone = db.session.scalar(select(CategoryOverride.id).where(CategoryOverride.key == "brand"))
    assert post_form(client, f"{PAGE}/{gone}/remove", {}, token_from=PAGE).status_code == 303
    with app.app_context():
        removed, last = (
            db.session.scalars(
                select(AuditEvent.details)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id.desc())
            ).first()
            for action in ("category_override.remove", "category_override.set")
        )
    # What the removed rule held, so that the log alone can tell what was taken back.
    assert removed == {"source": "police", "name": "Brand", "category": "Eld", "problems": "litter"}
    assert last == {
        "source": "police",
        "name": "Vattenläcka",
        "category": "Eld",
        "problems": "litter",
    }
    # A rule that sets nothing (stale or unknown problems) leaves without touching them.
    with app.app_context():
        for key, problems in (("x", "traffic"), ("y", "oldkey")):
            db.session.add(
                CategoryOverride(
                    source="police", key=key, name=key, category="Eld", problems=problems
                )
            )
        db.session.commit()
        stale = db.session.scalars(
            select(CategoryOverride.id).where(CategoryOverride.key.in_(["x", "y"]))
        ).all()
    for rule in stale:
        assert post_form(client, f"{PAGE}/{rule}/remove", {}, token_from=PAGE).status_code == 303
    assert _problems(app) == {"vattenläcka": "litter"}
    # The setter alone respells its category, none ticked: the problems go with it.
    respelled = {**water, "category": "ELD", "problems": []}
    assert post_form(client, PAGE, respelled).status_code == 303
    with app.app_context():
        assert crime_categories.read(db.session.connection()).categories["ELD"] == ("litter",)
    # A rule that is no crime keeps its own problems: removing another such rule leaves them.
    fire = {"source": "police", "name": "Brand", "not_crime": "y", "problems": ["traffic"]}
    assert post_form(client, PAGE, fire).status_code == 303
    other = {"source": "police", "name": "Rån, försök", "not_crime": "y", "problems": ["groups"]}
    assert post_form(client, PAGE, other).status_code == 303
    with app.app_context():
        gone = db.session.scalar(
            select(CategoryOverride.id).where(CategoryOverride.key == "rån, försök")
        )
    assert post_form(client, f"{PAGE}/{gone}/remove", {}, token_from=PAGE).status_code == 303
    assert _problems(app)["brand"] == "traffic"


def test_a_direction_override_or_invisible_character_is_refused(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    for data, field in [
        ({"source": "police", "name": "Stöld\u202e", "category": "Rån"}, "name"),
        ({"source": "bra", "name": "0300\u200b", "not_crime": "y"}, "name"),
        ({"source": "police", "name": "Stöld", "category": "Rån\u3164"}, "category"),
        ({"source": "police", "name": "Stöld", "category": "\u2066Rån\u2069"}, "category"),
    ]:
        response = post_form(client, PAGE, data)
        assert response.status_code == 422, data
        summary = response.get_data(as_text=True).split('class="error-summary"')[1]
        # Said of the field that holds them.
        link = summary.split(f'<a href="#{field}">')[1].split("</a>")[0]
        assert link.endswith("– The text contains characters that cannot be saved.")
    with app.app_context():
        assert db.session.scalars(select(CategoryOverride)).all() == []

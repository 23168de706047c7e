"""The effective category mapping: the shipped file, then the admins' overrides."""

from __future__ import annotations

from analysis import crime_categories as cc
from survey.extensions import db
from survey.models import CategoryOverride


def test_shipped_mapping_when_nothing_is_overridden():
    assert cc.police_category("Rån, försök") == "Rån"
    assert cc.police_category("Brand") is None
    assert cc.police_category("Vattenläcka") == "Vattenläcka"
    assert not cc.is_reviewed("Vattenläcka")
    assert ("Rån", ["Rån", "Rån väpnat", "Rån övrigt", "Rån, försök"]) in cc.category_types()
    assert "Brand" in cc.context_names()


def test_police_overrides_move_types_between_crime_and_context():
    known = cc.effective(
        [
            cc.Override("police", "Rån,  FÖRSÖK", None),
            cc.Override("police", "Brand", "Mordbrand"),
            cc.Override("police", "Vattenläcka", "Vatten", ("vandalism", "litter")),
        ]
    )
    assert cc.police_category("Rån, försök", known) is None
    assert cc.is_context("rån, försök", known)
    assert cc.police_category("Brand", known) == "Mordbrand"
    assert cc.is_reviewed("vattenläcka", known)
    # A new category gets the override's problems, in questionnaire order.
    assert cc.problems_for("Vatten", known) == ["vandalism", "litter"]
    types = dict(cc.category_types(known))
    assert types["Mordbrand"] == ["Brand", "Mordbrand"]
    assert "Rån, försök" not in types["Rån"]
    assert "Brand" not in cc.context_names(known)
    assert ("police", "brand") in known.overridden
    # The shipped mapping itself is untouched.
    assert cc.police_category("Brand") is None


def test_a_later_override_of_the_same_type_wins():
    known = cc.effective(
        [cc.Override("police", "Brand", "Mordbrand"), cc.Override("police", "brand", None)]
    )
    assert cc.police_category("Brand", known) is None


def test_bra_overrides_decide_problems_and_crime_figures():
    # Without an override, Brå's compounds find their problems by whole words.
    assert cc.problems_for("Butiksstöld") == ["theft"]
    assert cc.problems_for("Olaga intrång") == []
    known = cc.effective(
        [
            cc.Override("bra", "Olaga intrång", "Inbrott"),
            cc.Override("bra", "Trafikolycka", None),
        ]
    )
    assert cc.problems_for("olaga intrång", known) == ["theft"]
    assert cc.is_context("Trafikolycka", known)
    assert not cc.is_context("Olaga intrång", known)


def test_read_builds_the_mapping_from_the_database(app):
    with app.app_context():
        assert cc.read(db.session.connection()) is cc.mapping()
        db.session.add_all(
            [
                CategoryOverride(source="police", name="Brand", key="brand", category="Mordbrand"),
                CategoryOverride(
                    source="police", name="Vattenläcka", key="vattenläcka", problems="litter"
                ),
            ]
        )
        db.session.flush()
        known = cc.read(db.session.connection())
        assert cc.police_category("Brand", known) == "Mordbrand"
        assert cc.police_category("Vattenläcka", known) is None
        assert cc.problems_for("Vattenläcka", known) == ["litter"]
        db.session.rollback()


def test_a_bra_rule_covers_the_categories_under_it_and_the_most_specific_wins():
    leaf = "Stöld och tillgrepp › Cykelstöld"
    shop = "Stöld och tillgrepp › Butiksstöld › i butik"
    known = cc.effective(
        [
            cc.Override("bra", "Stöld och tillgrepp", "Stöld"),
            cc.Override("bra", "stöld och tillgrepp>BUTIKSSTÖLD", None, ("litter",)),
        ]
    )
    assert cc.bra_rule(leaf, known).name == "Stöld och tillgrepp"
    assert cc.problems_for(leaf, known) == ["theft"]
    assert not cc.is_context(leaf, known)
    # The rule on Butiksstöld is deeper than the one on its parent: it decides its leaves.
    assert cc.bra_rule(shop, known).name == "stöld och tillgrepp>BUTIKSSTÖLD"
    assert cc.is_context(shop, known)
    assert cc.problems_for(shop, known) == ["litter"]
    # A path only matches from its root: 'Butiksstöld' alone is another category.
    assert cc.bra_rule("Butiksstöld", known) is None
    assert cc.problems_for("Butiksstöld", known) == ["theft"]  # by its words, as before


def test_an_admin_rule_and_the_shipped_paths_compete_by_depth():
    known = cc.effective([cc.Override("bra", "Stöldbrott", None)])
    # The admin's rule on Stöldbrott covers its leaves...
    assert cc.is_context("Stöldbrott › Stöld utan inbrott › butiksstöld", known)
    assert cc.is_context("Stöldbrott", known)
    # ...except where the shipped file has a deeper entry (Inbrottsstöld is Inbrott).
    burglary = "Stöldbrott › Inbrottsstöld › i bostad"
    rule = cc.bra_rule(burglary, known)
    assert (rule.name, rule.origin, rule.category) == (
        "Stöldbrott › Inbrottsstöld",
        "shipped",
        "Inbrott",
    )
    assert not cc.is_context(burglary, known)
    assert cc.problems_for(burglary, known) == ["theft"]
    # On the same level, the admin's rule wins over the shipped file's.
    known = cc.effective([cc.Override("bra", "Stöldbrott › Inbrottsstöld", "Övriga brott")])
    assert cc.problems_for(burglary, known) == []


def test_a_bra_code_matches_the_level_written_with_it_and_what_is_under_it():
    known = cc.effective(
        [cc.Override("bra", "1200", "Skadegörelse"), cc.Override("bra", "1210", None)]
    )
    assert cc.problems_for("1200 Skadegörelsebrott › 1220 Skadegörelse på fordon", known) == [
        "vandalism"
    ]
    assert cc.is_context("1200 Skadegörelsebrott › Klotter (1210)", known)
    assert cc.is_context("1200 Skadegörelsebrott › Klotter (1210) › på buss", known)
    assert not cc.is_context("1200 Skadegörelsebrott", known)
    # A name rule matches a level written with its code, too.
    named = cc.effective([cc.Override("bra", "Skadegörelsebrott › Klotter", None)])
    assert cc.is_context("1200 Skadegörelsebrott › Klotter (1210)", named)
    # Two rules on the same level (a code, a name): the later one wins.
    both = cc.effective(
        [
            cc.Override("bra", "1210", None),
            cc.Override("bra", "Skadegörelsebrott › Klotter", "Skadegörelse"),
        ]
    )
    assert not cc.is_context("1200 Skadegörelsebrott › Klotter (1210)", both)

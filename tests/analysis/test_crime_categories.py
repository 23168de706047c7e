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

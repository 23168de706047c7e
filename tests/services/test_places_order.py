"""Places in Swedish alphabetical order: å, ä, ö after z, whatever the database collates."""

from flask import Flask, render_template_string
from sqlalchemy import select

from analysis.collation import swedish_key, swedish_sorted
from survey.extensions import db
from survey.models import Area
from survey.services.places import current_places


def test_swedish_key_puts_a_ring_a_dots_o_dots_after_z_ignoring_case_and_accents():
    names = ["Ängbyplan", "öster", "Åkeshov", "alvik", "Zinkensdamm", "Émile", "Bromma"]
    assert sorted(names, key=swedish_key) == [
        "alvik",
        "Bromma",
        "Émile",
        "Zinkensdamm",
        "Åkeshov",
        "Ängbyplan",
        "öster",
    ]


def test_swedish_sorted_takes_the_name_from_each_item():
    rows = [("b", "Ängby"), ("a", "Åkeshov"), ("c", "Alvik")]
    assert [slug for slug, _ in swedish_sorted(rows, lambda row: row[1])] == ["c", "a", "b"]


def test_current_places_come_in_swedish_order(app: Flask):
    with app.app_context():
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        names = [place.name for place in current_places(db.session, bromma.id)]
    assert names.index("Åkeshov") < names.index("Ängbyplan")
    assert names[-2:] == ["Åkeshov", "Ängbyplan"]
    assert names == sorted(names, key=swedish_key)


def test_templates_sort_places_by_name_the_swedish_way(app: Flask):
    with app.app_context():
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        with app.test_request_context():
            shown = render_template_string(
                "{% for p in places | by_name %}{{ p.name }};{% endfor %}", places=bromma.places
            )
            rows = render_template_string(
                "{{ (rows | by_name) | map(attribute='name') | join(';') }}",
                rows=[{"name": "Ängby"}, {"name": "Åkeshov"}, {"name": "alvik"}],
            )
    names = shown.rstrip(";").split(";")
    assert names.index("Åkeshov") < names.index("Ängbyplan")
    assert names == sorted(names, key=swedish_key)
    assert rows == "alvik;Åkeshov;Ängby"

"""The questionnaire loader: version 1 as DESIGN section 4 defines it, and clear errors."""

import pytest
import yaml

from survey.questionnaire import QuestionnaireError, builtin, load_text, text

PROBLEMS = [
    "alcohol",
    "drug_dealing",
    "drug_use",
    "groups",
    "harassment",
    "violence",
    "theft",
    "vandalism",
    "litter",
    "lighting",
    "traffic",
]


def test_version_1_has_the_item_codes_of_the_design():
    q = builtin(1)
    assert q.version == 1
    assert q.codes == [
        "relation",
        "safety_day",
        "safety_afternoon",
        "safety_evening",
        "safety_night",
        *[f"problem_{key}" for key in PROBLEMS],
        "worry",
        "avoided",
        "victim",
        "reported",
        "police_priority",
        "police_cares",
        "comment",
        "age_band",
        "gender",
    ]


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("relation", ("live", "work", "study", "visit", "pass")),
        ("safety_evening", ("1", "2", "3", "4", "avoid", "na", "dk")),
        ("problem_drug_dealing", ("0", "1", "2", "3", "4", "dk")),
        ("worry", ("1", "2", "3", "4", "dk")),
        ("avoided", ("yes", "no")),
        ("victim", ("yes", "no", "dk")),
        ("reported", ("yes", "no")),
        (
            "police_priority",
            ("presence", "alcohol", "drugs", "youth", "violence", "traffic", "other"),
        ),
        ("police_cares", ("1", "2", "3", "4", "dk")),
        ("age_band", ("16-24", "25-44", "45-64", "65+", "na")),
        ("gender", ("woman", "man", "other", "na")),
    ],
)
def test_version_1_options(code, values):
    assert builtin(1).item(code).values == values


def test_every_text_exists_in_swedish_and_english():
    q = builtin(1)
    for item in q.items:
        assert item.label.keys() >= {"sv", "en"}, item.code
        for option in item.options:
            assert option.label.keys() >= {"sv", "en"}, (item.code, option.value)


def test_rules_of_version_1():
    q = builtin(1)
    assert [i.code for i in q.items if i.required] == [
        "relation",
        "safety_day",
        "safety_afternoon",
        "safety_evening",
        "safety_night",
    ]
    assert q.item("police_priority").max_choices == 3
    assert q.item("comment").max_length == 1000
    assert q.item("reported").only_if == {"victim": "yes"}


def test_clean_joins_multi_choice_and_applies_skips():
    q = builtin(1)
    cleaned = q.clean(
        {
            "victim": "no",
            "reported": "yes",
            "police_priority": ["presence", "drugs"],
            "comment": "  hello  ",
        }
    )
    assert cleaned["reported"] is None
    assert cleaned["police_priority"] == "presence;drugs"
    assert cleaned["comment"] == "hello"
    assert cleaned["worry"] is None
    assert q.clean({"victim": "yes", "reported": "no"})["reported"] == "no"


def test_text_falls_back_to_swedish():
    assert text({"sv": "Hej", "en": "Hello"}, "en") == "Hello"
    assert text({"sv": "Hej"}, "de") == "Hej"
    assert text(None, "sv") == ""


def _minimal(**changes):
    data = {
        "version": 2,
        "title": {"sv": "T"},
        "sections": [
            {
                "key": "s",
                "title": {"sv": "S"},
                "items": [
                    {
                        "code": "relation",
                        "type": "single",
                        "label": {"sv": "Koppling"},
                        "options": [{"value": "live", "label": {"sv": "Bor"}}],
                    },
                ],
            },
        ],
    }
    data.update(changes)
    return yaml.safe_dump(data, allow_unicode=True)


def test_paper_wordings_are_read_beside_the_web_s():
    data = yaml.safe_load(_minimal(paper_intro={"sv": "Fyll i med penna."}))
    data["sections"][0]["paper_hint"] = {"sv": "Kryssa i en ruta."}
    item = data["sections"][0]["items"][0]
    item["hint"], item["paper_hint"] = {"sv": "Välj en."}, {"sv": "Kryssa i en."}
    q = load_text(yaml.safe_dump(data, allow_unicode=True), catalogue=builtin(1))
    assert q.paper_intro == {"sv": "Fyll i med penna."}
    assert q.sections[0].paper_hint == {"sv": "Kryssa i en ruta."}
    assert (q.item("relation").hint, q.item("relation").paper_hint) == (
        {"sv": "Välj en."},
        {"sv": "Kryssa i en."},
    )
    item["paper_hint"] = {"sv": " "}
    blank = yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(QuestionnaireError, match="relation.paper_hint: must map language"):
        load_text(blank, catalogue=builtin(1))


def test_a_valid_later_version_may_narrow_the_catalogue():
    q = load_text(_minimal(), catalogue=builtin(1))
    assert q.version == 2
    assert q.codes == ["relation"]


def _items(*items):
    """A minimal definition whose one section holds these items."""
    return _minimal(sections=[{"key": "s", "title": {"sv": "S"}, "items": list(items)}])


def _single(code, options):
    return {"code": code, "type": "single", "label": {"sv": "X"}, "options": options}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("version: [", "not valid YAML"),
        ("- a\n- b\n", "must be a mapping"),
        (_minimal(version="two"), "version: must be a whole number"),
        (_minimal(title={}), "title: must map language codes to non-empty texts"),
        (_minimal(sections=[]), "sections: must be a non-empty list"),
        (_minimal(paper_intro="Kryssa i rutorna"), "paper_intro: must map language codes"),
        (
            _items(_single("place", [{"value": "a", "label": {"sv": "A"}}])),
            "place: this name is a column of its own",
        ),
        (
            _items(_single("relation", [{"value": "moon", "label": {"sv": "Månen"}}])),
            "relation: unknown option values moon",
        ),
        (_items(_single("relation", "nope")), "relation.options: unknown option set 'nope'"),
        (
            _items(
                *(_single("relation", [{"value": "live", "label": {"sv": "A"}}]) for _ in range(2))
            ),
            "item code 'relation' is used twice",
        ),
        (
            _items({"code": "comment", "type": "text", "label": {"sv": "X"}}),
            "comment: a text item needs max_length",
        ),
        (
            _items({"code": "Bad Code", "type": "single", "label": {"sv": "X"}}),
            "code must be lower-case letters",
        ),
        (
            # The audit's model names a figure's answers n and its top box k: an option "n"
            # would be counted as the answers, and the hidden counts worked out wrongly.
            _items(
                _single(
                    "relation",
                    [
                        {"value": "n", "label": {"sv": "Nej"}},
                        {"value": "k", "label": {"sv": "Kanske"}},
                    ],
                )
            ),
            "relation.options: k, n cannot be option values (the counts use them)",
        ),
    ],
)
def test_invalid_definitions_are_refused_with_a_specific_problem(source, expected):
    with pytest.raises(QuestionnaireError) as info:
        load_text(source, catalogue=builtin(1))
    assert any(expected in problem for problem in info.value.problems), info.value.problems


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2026-01-01 25:00:00", "!!int abc", "!!float x", "!!timestamp 1-1-1"]
)
def test_a_date_or_number_that_does_not_exist_is_a_problem_with_its_line(value):
    """PyYAML's constructor fails on these with a bare ValueError: it was a 500 page."""
    source = f"version: 2\ntitle:\n  sv: {value}\n"
    with pytest.raises(QuestionnaireError) as info:
        load_text(source, catalogue=builtin(1))
    [problem] = info.value.problems
    assert problem.line == 3
    assert problem.endswith("is not a date or number that exists: put text in quotes")


def test_a_code_given_twice_names_both_lines():
    """An author with 29 items looks for the first use too, not only the second's line."""
    twice = _items(*(_single("relation", [{"value": "live", "label": {"sv": "A"}}]) for _ in "ab"))
    with pytest.raises(QuestionnaireError) as info:
        load_text(twice, catalogue=builtin(1))
    assert info.value.problems == ["line 11: item code 'relation' is used twice: first on line 3"]


def _with_lines(data):
    """Parsed YAML as plain values, each mapping with the line it starts on."""
    if isinstance(data, dict):
        return ("line", data.line, {k: _with_lines(v) for k, v in data.items()})
    if isinstance(data, list):
        return [_with_lines(v) for v in data]
    return data


def test_the_shipped_version_reads_the_same_with_the_fast_parser_as_with_the_guarded_one():
    # builtin() reads the package's own file with libyaml; uploads go through the guarded
    # Python parser. Both must see the same data and lines, or a problem would name another
    # line than the text's.
    from importlib import resources

    from survey.questionnaire.loader import _PlainLoader, _ShippedLoader

    source = resources.files("survey.questionnaire").joinpath("v1.yaml").read_text("utf-8")
    fast = yaml.load(source, Loader=_ShippedLoader)  # noqa: S506
    guarded = yaml.load(source, Loader=_PlainLoader)  # noqa: S506
    assert _with_lines(fast) == _with_lines(guarded)
    assert [item.line for item in builtin(1).items] == [
        item.line for item in load_text(source).items
    ]
    assert all(item.line > 0 for item in builtin(1).items)

"""Unknown keys, keys given twice, a version 1 code retyped and a file not in UTF-8: each is
refused with its line, where before a typo silently changed the statistics."""

import pytest

from survey.questionnaire import QuestionnaireError, builtin, decode, load_text

#: A small valid questionnaire; the comments are the line numbers the tests name.
SOURCE = """\
version: 2
title: {sv: Enkät}
option_sets:
  yes_no:
    - {value: "yes", label: {sv: Ja}}
    - {value: "no", label: {sv: Nej}}
sections:
  - key: s
    title: {sv: Avsnitt}
    items:
      - code: victim
        type: single
        label: {sv: "Utsatt?"}
        options: yes_no
      - code: seen
        type: multi
        max_choices: 2
        label: {sv: Sett}
        show_if: {item: victim, is: "yes"}
        options:
          - {value: a, label: {sv: A}}
          - {value: b, label: {sv: B}}
          - {value: dk, label: {sv: Vet inte}, substantive: false}
"""


def _problems(source: str, **kwargs) -> list[str]:
    with pytest.raises(QuestionnaireError) as info:
        load_text(source, catalogue=builtin(1), **kwargs)
    return info.value.problems


def test_the_example_is_valid():
    q = load_text(SOURCE, catalogue=builtin(1))
    assert q.item("seen").max_choices == 2
    assert q.item("seen").condition is not None
    assert q.item("seen").substantive_values == ("a", "b")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("max_choices: 2", "max_choice: 2", "line 17: unknown key 'max_choice' – did you mean"),
        ("show_if:", "show_iff:", "line 19: unknown key 'show_iff' – did you mean 'show_if'?"),
        ("substantive:", "substantve:", "line 23: unknown key 'substantve' – did you mean"),
        (
            "version: 2\n",
            "version: 2\nauthor: Ekerö kommun\n",
            "line 2: unknown key 'author'; the keys here are version, title, intro, paper_intro,"
            " option_sets, sections",
        ),
        ("    title: {sv: Avsnitt}", "    hitn: {sv: Tips}\n    title: {sv: Avsnitt}", "line 9:"),
        ('"no", label:', '"no", lable:', "line 6: unknown key 'lable' – did you mean 'label'?"),
        ('is: "yes"}', 'iss: "yes"}', "line 19: unknown key 'iss' – did you mean 'is'?"),
        (
            'show_if: {item: victim, is: "yes"}',
            'show_if: {nott: {item: victim, is: "no"}}',
            "line 19: unknown key 'nott' – did you mean 'not'?",
        ),
    ],
)
def test_an_unknown_key_is_refused_with_its_line_and_the_key_meant(old, new, expected):
    assert old in SOURCE
    # A misspelt label is also a missing one: that follows, on the same line.
    problem, *label_missing = _problems(SOURCE.replace(old, new, 1))
    assert problem.startswith(expected)
    assert problem.msgid.startswith("unknown key")
    assert [p.line for p in label_missing] == ([problem.line] if "lable" in new else [])


def test_every_unknown_key_is_listed_at_once():
    source = SOURCE.replace("max_choices:", "max_choice:").replace("show_if:", "show_iff:")
    assert [p.line for p in _problems(source)] == [17, 19]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '        label: {sv: "Utsatt?"}\n',
            '        label: {sv: "Utsatt?"}\n        label: {sv: "Utsatt igen?"}\n',
            "line 14: the key 'label' is given twice: first on line 13",
        ),
        (
            "title: {sv: Enkät}",
            "title: {sv: Enkät, sv: Trygghet}",
            "line 2: the key 'sv' is given twice: first on line 2",
        ),
    ],
)
def test_a_key_given_twice_is_refused_at_its_second_line(old, new, expected):
    assert _problems(SOURCE.replace(old, new, 1)) == [expected]


def test_a_version_recorded_before_the_checks_still_reads():
    # A live version stored with an unknown key must still open for residents.
    source = SOURCE.replace("version: 2\n", "version: 2\nauthor: Ekerö kommun\n")
    assert load_text(source, catalogue=builtin(1), strict=False).version == 2


def test_a_version_1_code_given_another_type_says_that_its_type_stays():
    source = SOURCE.replace(
        '        type: single\n        label: {sv: "Utsatt?"}\n',
        '        type: text\n        max_length: 100\n        label: {sv: "Utsatt?"}\n',
    )
    assert _problems(source) == [
        "line 11: victim: a version 1 question keeps its type single; give a new question a"
        " new code"
    ]


def test_a_latin_1_file_names_the_line_and_byte_that_are_not_utf_8():
    raw = "version: 2\n# Enkät\ntitle: {sv: På platsen}\n".encode("latin-1")
    with pytest.raises(QuestionnaireError) as info:
        decode(raw)
    (problem,) = info.value.problems
    assert (problem.line, problem.params) == (2, {"byte": "0xE4"})
    assert "not UTF-8 text" in problem


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf_16_file_is_told_to_be_saved_as_utf_8(encoding):
    with pytest.raises(QuestionnaireError) as info:
        decode(SOURCE.encode(encoding))
    assert info.value.problems == ["the file is UTF-16 text: save it as UTF-8 and upload it again"]


def test_utf_8_with_or_without_its_mark_is_read():
    assert decode(SOURCE.encode("utf-8-sig")) == SOURCE == decode(SOURCE.encode())

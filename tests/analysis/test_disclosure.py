"""Secondary suppression: what is hidden cannot be worked out from a total and its parts."""

import pytest

from analysis.disclosure import follow, protect


def shown(n):
    return {"n": n, "suppressed": False, "share": 0.5, "ci": [0.1, 0.9]}


def hidden(n):
    return {"n": n, "suppressed": True}


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    total, parts = shown(16), [shown(14), hidden(2)]
    protect(total, parts, 10)
    assert parts[0] == hidden(14)
    assert total == shown(16)


def test_only_as_many_cells_as_needed_are_hidden():
    total, parts = shown(26), [shown(12), shown(11), hidden(3)]
    protect(total, parts, 10)
    assert parts == [shown(12), hidden(11), hidden(3)]


def test_answers_outside_every_part_count_as_hidden():
    # 5 respondents gave no gender: the total minus the groups shown would reveal them.
    total, parts = shown(20), [shown(15)]
    protect(total, parts, 10)
    assert parts == [hidden(15)]


@pytest.mark.parametrize(
    ("total", "parts"),
    [
        (shown(24), [shown(12), shown(12)]),  # nothing hidden
        (shown(24), [shown(12), hidden(0), shown(12)]),  # an empty cell gives nothing away
        (shown(25), [shown(12), hidden(13)]),  # the hidden part is itself large enough
        (hidden(5), [hidden(2), hidden(3)]),  # the total is hidden already
    ],
)
def test_nothing_more_is_hidden_when_nothing_leaks(total, parts):
    before = (dict(total), [dict(p) for p in parts])
    protect(total, parts, 10)
    assert (total, parts) == before


def test_a_follow_up_is_hidden_wherever_what_it_follows_is():
    # "Did you report it" is asked of victims only: its n would count the hidden victims.
    figures = {"victim": hidden(4), "reported": shown(12)}
    follow(figures)
    assert figures["reported"] == hidden(12)
    figures = {"victim": shown(20), "reported": shown(12)}
    follow(figures)
    assert figures["reported"] == shown(12)

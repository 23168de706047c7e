"""The disclosure audit: what an earlier release's area figure said stays said."""

from __future__ import annotations

from analysis.disclosure_audit import audit_release
from tests.analysis.test_disclosure_audit import hidden, picture, shown


def first_release() -> dict:
    # No victim among the area's 20 answers: A's 10 and B's 10 are each 0 %, said by the area.
    return picture(shown(20, 0), 20, {"a": (10, hidden(10)), "b": (10, hidden(10))})


def test_a_cell_unchanged_since_an_area_figure_of_0_percent_is_said_by_it():
    # C brings 10 answers, 4 victims; A and B kept their answers (their n is shown, the same).
    # The area's 4 of 30 would pin C at 4 of 10, so the area's figure is hidden. A and B stay
    # pinned at 0 %, but only by what the first release's area figure says of all 20 answers.
    second = picture(
        shown(30, 4),
        30,
        {"a": (10, hidden(10)), "b": (10, hidden(10)), "c": (10, hidden(10))},
    )
    summary = audit_release(second, [first_release()], threshold=10)
    assert summary["releases_linked"] is True
    assert summary["hidden_added"] == ["area_total.victim"]
    assert summary["unresolved"] == []  # was places[a].victim and places[b].victim


def test_a_cell_that_gained_answers_is_not_excused_by_an_earlier_area_figure():
    # A gains 10 answers and B 10, with 10 victims in all: B shows 10 of 20, so A's 20 hold
    # no victim. Its 10 old answers the first release's area said so of; its 10 new ones
    # nothing says so of (the area gained 20 answers, half of them victims): B is hidden.
    second = picture(shown(40, 10), 40, {"a": (20, hidden(20)), "b": (20, shown(20, 10))})
    summary = audit_release(second, [first_release()], threshold=10)
    assert summary["hidden_added"] == ["places[b].victim"]
    assert summary["unresolved"] == []
    assert second["places"][1]["victim"] == hidden(20)

"""The disclosure audit: a cell still pinned with nothing left in its relations to hide."""

from __future__ import annotations

from analysis.disclosure_audit import audit_release
from tests.analysis.test_disclosure_audit import hidden, picture, shown


def test_a_figure_still_pinned_is_hidden_everywhere_and_left_unresolved():
    # The first release (published before the audit knew better) shows A's 5 victims of 10
    # and the area's 5 of 20: B's 10 answers hold none. B keeps its answers, so it is pinned
    # at 0 % in the second release too, whatever is hidden there. The audit hides the figure
    # in every unit, the groups' too, which the places' relation never reaches, and still
    # lists B, so that the release is refused.
    first = picture(shown(20, 5), 20, {"a": (10, shown(10, 5)), "b": (10, hidden(10))})
    second = picture(
        shown(30, 8),
        30,
        {"a": (10, shown(10, 5)), "b": (10, hidden(10)), "c": (10, hidden(10))},
    )
    second["by_group"] = {
        "gender": {
            "woman": {"n": 16, "suppressed": False, "victim": shown(16, 4)},
            "man": {"n": 14, "suppressed": False, "victim": shown(14, 4)},
        }
    }
    summary = audit_release(second, [first], threshold=10)
    assert summary["escalated"] == ["victim"]
    assert summary["unresolved"] == ["places[b].victim"]
    assert "by_group.gender.man.victim" in summary["hidden_added"]
    assert second["area_total"]["victim"] == hidden(30)
    assert all(p["victim"]["suppressed"] for p in second["places"])
    assert all(g["victim"]["suppressed"] for g in second["by_group"]["gender"].values())

"""Which part the disclosure audit hides further: one that can end what pins the hidden parts.

When the hidden parts of a figure are together all 0 % (or all 100 %), each of them is; hiding
a shown part that is itself at 0 % (or 100 %) leaves them so, and only hides a figure for
nothing. The audit hides the smallest part that changes that, and checks again as before.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from analysis.disclosure_audit import audit_release
from analysis.survey import PRIORITY_OPTIONS


def shown(n: int, k: int) -> dict[str, Any]:
    return {"n": n, "suppressed": False, "share": round(k / n, 4), "ci": [0.0, 1.0]}


def hidden(n: int) -> dict[str, Any]:
    return {"n": n, "suppressed": True}


def priorities(n: int, **counts: int) -> dict[str, Any]:
    """A shown police-priority cell: n who chose any, and how many ticked each option."""
    options = [
        {"option": o, "count": counts.get(o, 0), "share": round(counts.get(o, 0) / n, 4)}
        for o in PRIORITY_OPTIONS
    ]
    return {"n": n, "suppressed": False, "options": options}


def area(figure: str, total: dict[str, Any], places: dict[str, tuple[int, dict[str, Any]]]):
    """An area with one figure over places given as slug: (place n, cell)."""
    n = sum(m for m, _ in places.values())
    return {
        "area": "x",
        "n": n,
        "area_total": {"n": n, "suppressed": False, figure: total},
        "places": [
            {"place": slug, "name": slug, "n": m, "suppressed": m < 10, figure: cell}
            for slug, (m, cell) in places.items()
        ],
        "by_group": {},
    }


def shown_places(release: dict[str, Any], figure: str) -> list[str]:
    return [p["place"] for p in release["places"] if not p[figure].get("suppressed")]


@pytest.mark.parametrize(
    ("victims", "at_a", "at_b"),
    [
        # 6 victims, all at B: the 11 answers at C and D (hidden) are no victims. Hiding A (12
        # answers, no victim) would leave C and D at 0 %; hiding B ends it, and A can stay.
        (6, 0, 6),
        # 28 victims: the 11 answers at C and D all are. A (12 answers, all victims) hidden
        # with them would leave them all victims; B (20 answers, 5 victims) is hidden instead.
        (28, 12, 5),
    ],
)
def test_a_part_like_the_hidden_parts_is_not_hidden_for_them(victims, at_a, at_b):
    places = {"a": (12, shown(12, at_a)), "b": (20, shown(20, at_b))}
    places |= {"c": (5, hidden(5)), "d": (6, hidden(6))}
    release = area("victim", shown(43, victims), places)
    summary = audit_release(release, [], threshold=10)
    assert summary["hidden_added"] == ["places[b].victim"]  # was places[a], then places[b]
    assert shown_places(release, "victim") == ["a"]
    assert summary["unresolved"] == []


def test_police_priorities_keep_the_places_that_change_nothing_shown():
    # As in the demo's Bromma: every answer at a place ticks its first priority. The hidden
    # small places (3 and 2 answers) and Åkeshov are together 100 % presence, 0 % youth and 0 %
    # alcohol. Alvik (traffic) breaks the 100 % but not the 0 % alcohol, which only Brommaplan
    # can: the audit used to hide Stora Mossen, Islandstorget, Alvik and Brommaplan, and
    # Abrahamsberg before them, all for the same few answers.
    places = {
        "abrahamsberg": (31, priorities(27, presence=27, violence=7)),
        "alvik": (77, priorities(70, traffic=70, presence=51)),
        "brommaplan": (126, priorities(110, presence=110, alcohol=66, youth=31)),
        "islandstorget": (41, priorities(33, youth=33, presence=27)),
        "nockeby": (4, hidden(3)),
        "stora-mossen": (29, priorities(27, traffic=27, presence=17, violence=11)),
        "akeshov": (24, hidden(21)),
        "angbyplan": (2, hidden(2)),
    }
    total = priorities(293, presence=258, traffic=97, alcohol=66, youth=64, violence=29)
    release = area("police_priorities", total, places)
    before = copy.deepcopy(release)
    summary = audit_release(release, [], threshold=10)
    assert summary["unresolved"] == []
    assert summary["escalated"] == []
    assert shown_places(release, "police_priorities") == ["abrahamsberg", "alvik"]
    assert summary["hidden_added"] == [
        "places[stora-mossen].police_priorities",
        "places[islandstorget].police_priorities",
        "places[brommaplan].police_priorities",
    ]
    # The area's own figure stays as it was.
    assert release["area_total"] == before["area_total"]
    # The subtraction an attacker makes: the area minus the places shown is the hidden places
    # together, and no option there is all or none of them (but those none chose anywhere).
    shown_cells = [p["police_priorities"] for p in release["places"]]
    shown_cells = [c for c in shown_cells if not c.get("suppressed")]
    rest = total["n"] - sum(c["n"] for c in shown_cells)
    for option in total["options"]:
        counted = sum(
            o["count"] for c in shown_cells for o in c["options"] if o["option"] == option["option"]
        )
        if option["count"]:
            assert 0 < option["count"] - counted < rest, option["option"]

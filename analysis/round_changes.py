"""Change between two survey rounds, published beside the figures (issue 15).

For the area as a whole and each place: the unsafe share per time of day (and, for the area,
each problem's big-problem share) in the round before and in this round, with Newcombe's
hybrid score interval for the difference (method 10, see stats.newcombe). Both sides are
cells of the two rounds' situation pictures, after their suppression and disclosure
protection: a side hidden in its round's picture never yields a change, and no new cell is
made. A change is "drop" or "rise" only when its 95 % interval leaves 0 out.

Both sides must be weighted alike. Built live, both rounds' pictures are weighted with the
same rule (each round raked to its area's margins of the year ``weights.choose_year`` picks,
the oldest year for a round older than every margin), and ``weighting`` says which year each
side used. A release's earlier side is the earlier round's newest release, which may have been
published before the area had margins: a weighted share beside an unweighted one is no
change at all (it moves with the weighting, not with the residents), so such a comparison is
``comparable: False`` with every direction "not comparable" and no difference, never a
silent mix. Publishing the earlier round again (now weighted) makes it comparable.

Both rounds must also have asked alike. A round by invitation asks a random sample by letter;
an open round takes whoever comes to the survey. A difference between the two may come from
who answered, not from how safe residents feel, so such a pair is not comparable either
(``not_comparable``: "one side by invitation"), with each side shown as its picture shows it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Connection, Date, column, func, select, table

from .counted import response_count_month
from .stats import newcombe, published
from .tables import PROBLEMS, TIMES, area, place

_round = table(
    "survey_round",
    column("id"),
    column("name"),
    column("opens_on", Date),
    column("by_invitation", Boolean),
)
DROP, RISE, NO_CLEAR_CHANGE, NOT_ENOUGH = "drop", "rise", "no clear change", "not enough data"
NOT_COMPARABLE = "not comparable"
#: Why a comparison is not made: one round's figures are weighted, the other's are not.
ONE_SIDE_WEIGHTED = "one side weighted"
#: Why a comparison is not made: one round asked a random sample by letter, the other anyone.
ONE_SIDE_INVITED = "one side by invitation"


def rounds_to_compare(
    conn: Connection, area_slug: str, round_id: int | None
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(earlier, later) rounds with answers in the area: ``round_id`` and the one before it,
    each as {"id", "name", "by_invitation"}.

    Without a round, the newest round with answers and the one before it. None when there
    is no earlier round with answers.
    """
    # From the month counts (never a held answer), not the answers: flat in their number.
    counts = response_count_month
    query = (
        select(_round.c.id, _round.c.name, _round.c.opens_on, _round.c.by_invitation)
        .join(counts, counts.c.round_key == _round.c.id)
        .join(place, place.c.id == counts.c.place_id)
        .join(area, area.c.id == place.c.area_id)
        .where(area.c.slug == area_slug)
        .group_by(_round.c.id, _round.c.name, _round.c.opens_on, _round.c.by_invitation)
        .having(func.sum(counts.c.answers) > 0)
        .order_by(_round.c.opens_on, _round.c.id)
    )
    rounds = [
        {"id": r.id, "name": r.name, "by_invitation": bool(r.by_invitation)}
        for r in conn.execute(query)
    ]
    ids = [r["id"] for r in rounds]
    if round_id is not None:
        if round_id not in ids:
            return None
        later = ids.index(round_id)
    else:
        later = len(rounds) - 1
    if later < 1:
        return None
    return rounds[later - 1], rounds[later]


def _share_key(cell: dict[str, Any]) -> str:
    return "unsafe_share" if "unsafe_share" in cell else "share"


def _side(cell: dict[str, Any] | None) -> dict[str, Any]:
    """One round's side of a change: its n and share, or hidden (no share at all)."""
    if not cell or cell.get("suppressed") or cell.get("n", 0) == 0:
        return {"n": (cell or {}).get("n", 0), "suppressed": True}
    side = {"n": cell["n"], "suppressed": False, "share": cell[_share_key(cell)]}
    if "n_eff" in cell:
        side["n_eff"] = cell["n_eff"]
    return side


def change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """The change between two cells: p_after - p_before with Newcombe's interval.

    The counts are share x n (exact for an unweighted share of fewer than 10,000 answers,
    as shares carry 4 decimals); with weights, share x Kish effective n, as the Wilson
    intervals of the cells themselves.
    """
    result: dict[str, Any] = {"before": _side(before), "after": _side(after)}
    if result["before"]["suppressed"] or result["after"]["suppressed"]:
        result["direction"] = NOT_ENOUGH
        return result
    sides = []
    for side in (result["before"], result["after"]):
        n = side.get("n_eff", side["n"])
        k = side["share"] * n if "n_eff" in side else round(side["share"] * n)
        sides.append((k, n))
    (k1, n1), (k2, n2) = sides
    lo, hi = newcombe(k1, n1, k2, n2)
    result["diff"] = round(k2 / n2 - k1 / n1, 4) + 0.0
    # Stored on the side of 0 the exact bound is on, so the interval agrees with the direction.
    result["diff_ci"] = published(lo, hi)
    result["direction"] = DROP if hi < 0 else RISE if lo > 0 else NO_CLEAR_CHANGE
    return result


def not_comparable(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """Two cells weighted differently: each side as shown, no difference and no direction."""
    return {"before": _side(before), "after": _side(after), "direction": NOT_COMPARABLE}


def side_weighting(picture: dict[str, Any]) -> dict[str, Any]:
    """Whether a picture's figures are weighted, and the year of the margins they are raked to.

    A picture without the key (a release made before weighting existed) is unweighted.
    """
    weighted = bool(picture.get("weighted"))
    year = (picture.get("weighting") or {}).get("year") if weighted else None
    return {"weighted": weighted, "margins_year": year}


def compare(
    before: dict[str, Any], after: dict[str, Any], rounds: tuple[dict[str, Any], dict[str, Any]]
) -> dict[str, Any]:
    """Changes from the ``before`` picture's cells to the ``after`` picture's (same area).

    Only between two pictures weighted alike (both or neither) of rounds that asked alike
    (both by invitation or neither; a round without the key, from a release made before it
    was kept, was open); else each change is "not comparable" and ``not_comparable`` says why.
    """
    earlier = {p["place"]: p for p in before.get("places", [])}
    total_before, total_after = before["area_total"], after["area_total"]
    weighting = {"before": side_weighting(before), "after": side_weighting(after)}
    invited = [bool(r.get("by_invitation")) for r in rounds]
    reason = None
    if weighting["before"]["weighted"] != weighting["after"]["weighted"]:
        reason = ONE_SIDE_WEIGHTED
    elif invited[0] != invited[1]:
        reason = ONE_SIDE_INVITED
    pair = change if reason is None else not_comparable
    return {
        "from_round": rounds[0],
        "to_round": rounds[1],
        "comparable": reason is None,
        "not_comparable": reason,
        "weighting": weighting,
        "area_total": {
            "times": {t: pair(total_before["times"][t], total_after["times"][t]) for t in TIMES},
            "problems": {
                p: pair(total_before["problems"].get(p), total_after["problems"].get(p))
                for p in PROBLEMS
            },
        },
        "places": [
            {
                "place": p["place"],
                "name": p["name"],
                "times": {
                    t: pair(earlier.get(p["place"], {}).get("times", {}).get(t), p["times"][t])
                    for t in TIMES
                },
            }
            for p in after.get("places", [])
        ],
    }

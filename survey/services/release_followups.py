"""A promise's side from another round in a release: as that round's newest release showed it.

Used by ``survey.services.releases.prepare`` after the disclosure audit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.verdicts import NO_DATA, hide_side

from ..models import Area, Release


def _indicators_released(session: Session, area: Area, round_id: int) -> dict[Any, Any]:
    """The promise indicators of a round's newest release, by promise and what they follow,
    each with the places the promise covered then."""
    release = session.scalars(
        select(Release)
        .where(Release.area_id == area.id, Release.round_key == round_id)
        .order_by(Release.sequence.desc())
        .limit(1)
    ).first()
    if release is None:
        return {}
    return {
        _followed(result["promise"], indicator): (result["promise"].get("places"), indicator)
        for result in release.audited_picture.get("followup") or []
        for indicator in result.get("indicators") or []
    }


def _followed(promise: dict[str, Any], indicator: dict[str, Any]) -> tuple[Any, ...]:
    return (promise["id"], indicator.get("kind"), indicator.get("time"), indicator.get("problem"))


def other_rounds_as_released(session: Session, area: Area, picture: dict[str, Any]) -> int:
    """A promise's side from another round, as that round's newest release showed it; hidden
    where that release hid it or there is none. Return how many sides were hidden.

    A side from another round was that round's live figure: it showed a figure that round's
    own release (its audit) hid, or a figure a few answers away from the one that round's
    next release showed, and the difference gave those answers away. The change between the
    sides is computed again from the sides as shown, and the verdicts with it (a corrected
    p-value of one indicator carried a hidden one's).
    """
    from analysis.verdict_rules import decide  # loads scipy: only when publishing

    round_id = (picture.get("filters") or {}).get("round_id")
    released: dict[int, dict[Any, Any]] = {}
    hidden = 0
    for result in picture.get("followup") or []:
        promise = result["promise"]
        for indicator in result.get("indicators") or []:
            if indicator.get("kind") == "crime":  # police data, public as it is
                continue
            for side, key in (("before", "baseline_round"), ("after", "followup_round")):
                other = (promise.get(key) or {}).get("id")
                cell = indicator.get(side)
                if other in (None, round_id) or not cell or cell.get("suppressed"):
                    continue
                if other not in released:
                    released[other] = _indicators_released(session, area, other)
                places, then = released[other].get(_followed(promise, indicator), (None, {}))
                there = then.get(side) or {}
                # A promise edited since (other places) summed other answers then.
                if (
                    there.get("suppressed")
                    or there.get("share") is None
                    or places != promise.get("places")
                ):
                    hide_side(indicator, side)
                    hidden += 1
                else:
                    indicator[side] = dict(there)
            _compare_shown(indicator)
        result["status"], result["verdict_rule"] = decide(result.get("indicators") or [])
    return hidden


def _compare_shown(indicator: dict[str, Any]) -> None:
    """An indicator's change between its two sides as shown (share x n_eff or n), or none."""
    from analysis.verdict_rules import share_test

    for figure in ("diff", "ci", "p_value", "p_adjusted"):
        indicator.pop(figure, None)
    sides = [indicator.get(side) or {} for side in ("before", "after")]
    if any(side.get("suppressed") or side.get("share") is None for side in sides):
        indicator["status"] = NO_DATA
        return
    counts = [(s["share"] * s.get("n_eff", s["n"]), s.get("n_eff", s["n"])) for s in sides]
    indicator.update(share_test(*counts[0], *counts[1]))

"""What a release may show: the no-differencing rule and the public form of a picture.

Both are pure functions over the situation picture's JSON (analysis.picture), used by the
publish service (survey/services/releases.py) before a release is stored:

1. ``hold_back`` — no differencing between releases of one area and round. A shown cell may
   change from the previous release only if its n changed by at least the threshold;
   otherwise it keeps the previous release's figures (and n), also when its n is unchanged
   and also when it would be hidden now. So two releases around one new answer (or one
   erasure, or both) show the same figures, and subtracting them gives nothing.
2. ``public_form`` — what residents and the API see: a hidden cell keeps no n (the page says
   "fewer than 10 answers"), counts of answers are rounded to the nearest ``ROUND_TO``, shares
   are whole percent, scores one decimal, and nothing that is not an aggregate (quotes, the
   priorities' generated sentences, which repeat exact n and shares) is kept.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

from analysis.disclosure_weighted import WEIGHTED_BOUNDS
from analysis.stats import published, published_p
from analysis.verdicts import ALPHA

#: Counts of answers on the public side are rounded to the nearest multiple of this.
ROUND_TO = 5
#: Keys holding a share (0..1) or an interval of shares: whole percent in public.
SHARE_KEYS = ("share", "unsafe_share", "ci", "diff", "diff_ci")
#: Keys holding a figure a hidden cell must not carry (the analysis schema's list, and more).
FIGURE_KEYS = (
    "share",
    "unsafe_share",
    "ci",
    "score",
    "score_ci",
    "options",
    "n_eff",
    "diff",
    "mean",
    "mean_ci",
    "not_substantive",
)
#: Keys that count answers (rounded in public, dropped for a hidden cell).
COUNT_KEYS = ("n", "n_eff")

Cell = dict[str, Any]


# -- 1. no differencing between releases --------------------------------------------------


def _is_cell(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("n"), int)


def _item_key(index: int, item: Any) -> Any:
    """How a list item is recognised in the previous release: by its place or promise."""
    if isinstance(item, dict):
        if isinstance(item.get("place"), str) and "times" in item:
            return ("place", item["place"])
        promise = item.get("promise")
        if isinstance(promise, dict) and "id" in promise:
            return ("promise", promise["id"])
        if isinstance(item.get("code"), str) and "area_total" in item:  # an added item
            return ("item", item["code"])
        if "kind" in item:  # a promise's indicator: its kind and what it follows
            return ("indicator", index, item.get("kind"), item.get("time"), item.get("problem"))
    return ("index", index)


def _children(value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, dict):
        yield from value.items()
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield _item_key(i, item), item


def _figures(cell: Cell) -> dict[str, Any]:
    """A cell's own figures: its numbers and intervals, not its sub-cells nor its texts (a
    name, the time the picture was made) nor an empty part (no change from an earlier round)."""
    return {
        k: v
        for k, v in cell.items()
        if k in FIGURE_KEYS or (_own(v) and v is not None and not isinstance(v, str))
    }


def _held(cell: Cell, previous: Cell | None, threshold: int, same_n_free: bool) -> bool:
    """Whether a shown cell must keep its previous figures (the rule of this module).

    An unchanged n is no proof that the same answers stand behind it: one erased and one new
    (or a corrected paper answer) leave n as it was and move the share by one answer. So a
    shown cell whose n is unchanged keeps its previous figures too, unless those were hidden
    or no answer changed at all (new weights on the same answers; see ``hold_back``).
    """
    if previous is None:
        return False
    change = abs(cell["n"] - previous["n"])
    if cell.get("suppressed"):
        # Shown before and hidden now by fewer than the threshold of answers (an erasure
        # took it below): hiding it would say that the erased answer was one of its own.
        return change < threshold and not previous.get("suppressed")
    if change == 0:
        return (
            not same_n_free
            and not previous.get("suppressed")
            and _figures(cell) != _figures(previous)
        )
    return change < threshold


def _own(value: Any) -> bool:
    """Whether a value is a cell's own figure (a number, an interval), not its sub-cells."""
    if isinstance(value, dict):
        return False
    return not (isinstance(value, list) and any(isinstance(v, dict) for v in value))


def _keep_previous(cell: Cell, previous: Cell) -> None:
    """Put the previous cell's own figures (not its sub-cells) back into this cell."""
    for key in _figures(cell):
        del cell[key]
    cell.update(copy.deepcopy(_figures(previous)))


def _walk(value: Any, previous: Any, threshold: int, same_n_free: bool) -> int:
    held = 0
    if _is_cell(value) and _is_cell(previous) and _held(value, previous, threshold, same_n_free):
        _keep_previous(value, previous)
        held += 1
    if isinstance(previous, dict | list):
        earlier = dict(_children(previous))
        for key, child in _children(value):
            if key in earlier:
                held += _walk(child, earlier[key], threshold, same_n_free)
    return held


#: The root key of an audited picture holding a digest of the answer counts behind it
#: (``survey.services.releases``): equal digests, the same answers as the figures count them.
#: Never public: with every other answer known, it would confirm a guess at the last one.
COUNTS_DIGEST = "counts_digest"


def hold_back(picture: dict[str, Any], previous: dict[str, Any] | None, threshold: int) -> int:
    """Apply the no-differencing rule to ``picture`` in place; return how many cells were held.

    ``previous`` is the picture stored with the previous release of the same area and round
    (before its public form), or None for the first release. Hiding is a change too: a cell
    shown before and hidden now with an n less than the threshold away (an erasure took it
    below) keeps its previous figures, or the release would say the erased answer was one
    of it. A cell hidden before and shown now with an n less than the threshold away keeps
    being hidden, with the previous n, so the next release still compares against what was
    last published. The priorities, computed from the live cells, are computed again from
    the released ones after the disclosure audit (``survey.services.releases.prepare``).
    """
    if previous is None:
        return 0
    # New weights (margins came, corrected, or another year's) move figures on the same
    # answers; they are shown only where no answer changed, or an erasure and a new answer
    # would ride along.
    digest = picture.get(COUNTS_DIGEST)
    reweighted = digest is not None and digest == previous.get(COUNTS_DIGEST)
    if (
        not reweighted
        and isinstance(previous.get("weighting"), dict)
        and _is_cell(picture)
        and _is_cell(previous)
        and abs(picture["n"] - previous["n"]) < threshold
    ):
        # The figures the weighting describes are the previous ones; its design effect and
        # n_eff over the new answers would say in which age and gender groups they came (on
        # the demo's Ekerö, three answers moved the design effect from 2.7 to 1.8).
        picture["weighting"] = copy.deepcopy(previous["weighting"])
    return _walk(picture, previous, threshold, reweighted)


# -- 2. the public form ---------------------------------------------------------------------


def round_count(n: int) -> int:
    """A count of answers as the public side shows it: to the nearest ROUND_TO (12 -> 10)."""
    return int(ROUND_TO * ((n + ROUND_TO // 2) // ROUND_TO))


def _percent(value: Any) -> Any:
    """Shares (and intervals of them) in whole percent, still as a fraction: 0.4583 -> 0.46."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return round(round(value * 100) / 100, 2)
    if isinstance(value, list):
        return [_percent(v) for v in value]
    return value


def _one_decimal(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, list):
        return [_one_decimal(v) for v in value]
    return value


def _public_cell(cell: Cell) -> None:
    if cell.get("suppressed"):
        for key in (*COUNT_KEYS, *FIGURE_KEYS):
            cell.pop(key, None)
        return
    for key in COUNT_KEYS:
        if isinstance(cell.get(key), int | float) and not isinstance(cell.get(key), bool):
            cell[key] = round_count(round(cell[key]))
    for key in SHARE_KEYS:
        if key in cell:
            cell[key] = _percent(cell[key])
    for key in ("score", "score_ci", "safety_index", "mean", "mean_ci"):
        if key in cell:
            cell[key] = _one_decimal(cell[key])
    # How many answered "don't know" to an added item: an exact count, often a small one.
    cell.pop("not_substantive", None)
    for option in cell.get("options") or []:
        # The share of those who chose it says enough; its exact count would be a small one.
        option.pop("count", None)
        option["share"] = _percent(option.get("share"))
        if "ci" in option:  # an added item's options carry their interval
            option["ci"] = _percent(option["ci"])


def _public(value: Any) -> None:
    if isinstance(value, dict):
        victim, reported = value.get("victim"), value.get("reported")
        if (
            isinstance(victim, dict)
            and isinstance(reported, dict)
            and _is_cell(reported)
            and victim.get("suppressed")
        ):
            # "Did you report it" is asked of victims only: its n would give the victims away.
            reported["suppressed"] = True
        if _is_cell(value):
            _public_cell(value)
        for child in value.values():
            _public(child)
    elif isinstance(value, list):
        for item in value:
            _public(item)


def _drop_hidden_groups(by_group: dict[str, Any]) -> None:
    """A group that is hidden is left out: its mere presence says someone answered so."""
    for groups in by_group.values():
        if isinstance(groups, dict):
            for key in [k for k, g in groups.items() if _is_cell(g) and g.get("suppressed")]:
                del groups[key]


def public_form(picture: dict[str, Any]) -> dict[str, Any]:
    """A copy of an (audited) situation picture in the form the public side may show."""
    public = copy.deepcopy(picture)
    public.pop(COUNTS_DIGEST, None)
    public.pop(WEIGHTED_BOUNDS, None)
    _drop_hidden_groups(public.get("by_group") or {})
    # A place no longer asked about is listed only where someone answered there: hidden, its
    # mere presence would say so.
    if "places" in public:
        public["places"] = [
            p for p in public["places"] if not (p.get("retired") and p.get("suppressed"))
        ]
    for item in public.get("items") or []:
        # An added item lists only the places and groups someone answered it in: a hidden
        # one left in would say that someone there answered.
        _drop_hidden_groups(item.get("by_group") or {})
        places = item.get("places") or {}
        for slug in [s for s, cell in places.items() if _is_cell(cell) and cell.get("suppressed")]:
            del places[slug]
    for mention in (public.get("dialogues") or {}).get("mentions", []):
        mention.pop("quotes", None)
    for priority in public.get("priorities") or []:
        priority.pop("explanation", None)
        if isinstance(priority.get("score"), float):
            priority["score"] = round(priority["score"], 2)
        components = priority.get("components") or {}
        for key, value in components.items():
            if isinstance(value, float):
                components[key] = round(value, 2)
    for result in public.get("followup") or []:
        for indicator in result.get("indicators") or []:
            # Exact p-values could help work out exact counts, which are rounded here: two
            # decimals, near the 5 % level the two on its side of it (more would fit the
            # exact counts again).
            for key in ("p_value", "p_adjusted"):
                if isinstance(indicator.get(key), float):
                    indicator[key] = published_p(indicator[key], ALPHA)
            if indicator.get("kind") == "crime":
                if "rate_ratio" in indicator:
                    indicator["rate_ratio"] = _two_decimals(indicator["rate_ratio"])
                if "ci" in indicator:
                    indicator["ci"] = _change_interval(indicator["ci"], 1.0)
            else:
                if "diff" in indicator:
                    indicator["diff"] = _percent(indicator["diff"])
                if "ci" in indicator:
                    indicator["ci"] = _change_interval(indicator["ci"], 0.0)
    _weighting(public.get("weighting"), public.get("suppress_below"))
    response_rates_as_released(public)

    for unit in _change_units(public.get("round_changes")):
        for cell in unit.values():
            if "diff" in cell:
                cell["diff"] = _percent(cell["diff"])
            if "diff_ci" in cell:
                cell["diff_ci"] = _change_interval(cell["diff_ci"], 0.0)
    _public(public)
    return public


def response_rates_as_released(public: dict[str, Any]) -> None:
    """An invitation round's answers as the release's area total shows them, and the rate
    from that count: the exact count (and answers / letters to full precision, which with
    the letters gives it back) would put a number of answers beside the rounded ones, held
    by no release rule, so two releases would tell how many answers came between them."""
    total = public.get("area_total")
    own_round = (public.get("filters") or {}).get("round_id")
    for rate in public.get("response_rates") or []:
        shown = (
            _is_cell(total)
            and not total.get("suppressed")
            and rate.get("round_id") == own_round
            and not rate.get("suppressed")
        )
        if not shown:
            rate.update(answers=None, response_rate=None, suppressed=True)
            continue
        # Rounding can go past the letters sent (13 answers to 14 letters: 15); no more
        # answered than were invited, which anyone knows, and which says nothing more.
        answers = min(round_count(total["n"]), rate["invitations"])
        rate["answers"] = answers
        rate["response_rate"] = _percent(answers / rate["invitations"])


def _weighting(weighting: Any, threshold: Any) -> None:
    """The weighting's figures as coarse as the counts: exact ones would give n away."""
    if not isinstance(weighting, dict):
        return
    weighting.pop("outside_margins", None)
    weighting.pop("outside_by", None)
    # Raking's remaining gap and its number of rounds are exact functions of the answers per
    # age band and gender: with the margins (public population figures) a search over those
    # counts found them (19 women aged 45-64 and one man: a gap of 0.2009 if he was 16-24,
    # 0.0506 if 65+). Whether it converged is said; how closely, not.
    weighting.pop("max_gap", None)
    weighting.pop("iterations", None)
    # Nor Kish's design effect, which no page shows: rounded to 0.1, with whether raking
    # converged, it still fitted one split of ten answers in 19,448 (design effect 4.4:
    # 8 women and 1 man aged 45-64, 1 woman aged 65+; every group hidden). What is said
    # is what the page says: n_eff, rounded, where it reaches the threshold.
    weighting.pop("design_effect", None)
    n_eff = weighting.get("n_eff")
    if isinstance(n_eff, int | float) and isinstance(threshold, int) and n_eff >= threshold:
        weighting["n_eff"] = round_count(round(n_eff))
    else:
        weighting.pop("n_eff", None)
        weighting.pop("converged", None)


def _change_units(changes: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The groups of changes between rounds: the area's times and problems, each place's."""
    if not changes:
        return []
    total = changes["area_total"]
    return [total["times"], total["problems"], *(p["times"] for p in changes["places"])]


def _change_interval(interval: Any, null: float) -> Any:
    """A change's interval to 2 decimals (whole percent), each bound kept on its side of no
    change (0, or 1 for a rate ratio): a confirmed drop's upper bound of -0.004 is published
    as -0.01, not 0, so the interval says what the verdict beside it says. That tells nothing
    the verdict does not: only that the bound is below no change."""
    if not isinstance(interval, list) or len(interval) != 2:
        return interval
    low, high = interval
    if not isinstance(low, float | int) or isinstance(low, bool):
        return interval
    if high is None:  # a rate ratio without an upper bound
        return [published(low, math.inf, null, 2)[0], None]
    return published(low, high, null, 2)


def _two_decimals(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, list):
        return [_two_decimals(v) for v in value]
    return value

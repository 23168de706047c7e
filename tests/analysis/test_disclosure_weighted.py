"""A weighted share in the disclosure audit: the counts its n_eff allows, no more, no less."""

from __future__ import annotations

import random
from typing import Any

from analysis.disclosure_audit import audit_release
from analysis.disclosure_weighted import N_EFF, WEIGHTED_BOUNDS, count_range
from analysis.stats import published_share
from tests.analysis.test_disclosure_audit import hidden, picture, victims


def weighted(n: int, share: float, n_eff: float) -> dict[str, Any]:
    return {"n": n, "suppressed": False, "share": share, "ci": [0.0, 1.0], "n_eff": n_eff}


def test_even_weights_give_the_count_itself():
    assert count_range(0.2, 50, 50.0) == (10.0, 10.0)
    assert count_range(0.25, 40, 40.0) == (10.0, 10.0)
    # 0 % and 100 % are the answers' own: a weight is never 0.
    assert count_range(0.0, 50, 12.0) == (0.0, 0.0)
    assert count_range(1.0, 7, 3.0) == (7.0, 7.0)


def test_spread_weights_give_an_interval_around_the_share():
    # 20 % of 50 with a design effect of 1.3 (n_eff 38.5): sum(w^2) rules out 3 and 24 hits.
    assert count_range(0.2, 50, 38.5) == (4.0, 23.0)
    # Any share between 0 and 1 has a hit and a miss, however uneven the weights.
    assert count_range(0.001, 20, 2.0)[0] == 1.0
    assert count_range(0.999, 20, 2.0)[1] == 19.0


def test_the_true_count_is_always_inside_and_near_even_weights_nearly_pin_it():
    """Random weights, figures rounded to 4 decimals as pictures carry them."""
    draw = random.Random(7)  # noqa: S311 (test data, not security)
    widths = []
    for _ in range(3000):
        n = draw.randint(2, 120)
        k = draw.randint(0, n)
        spread = draw.choice([1.0, 1.05, 1.5, 3.0, 8.0])
        w = [draw.uniform(1.0, spread) for _ in range(n)]
        share = round(sum(w[:k]) / sum(w), 4)
        n_eff = round(sum(w) ** 2 / sum(x * x for x in w), 4)
        lo, hi = count_range(share, n, n_eff)
        assert lo <= k <= hi, (n, k, spread, share, n_eff, lo, hi)
        widths.append((spread, hi - lo))
    assert all(width == 0 for spread, width in widths if spread == 1.0)
    # Weights within 5 % of each other leave at most a count either side.
    assert max(width for spread, width in widths if spread == 1.05) <= 2


def _night_example(n_eff_scale: float) -> dict[str, Any]:
    """Brommaplan 10 of 40 unsafe, the hidden Alvik (3) and Nockeby (8) all safe: 10 of 51."""
    area = weighted(51, round(10 / 51, 4), 51 * n_eff_scale)
    return picture(
        area,
        51,
        {
            "brommaplan": (40, weighted(40, 0.25, 40 * n_eff_scale)),
            "alvik": (3, hidden(3)),
            "nockeby": (8, hidden(8)),
        },
    ) | {"weighted": True}


def test_even_weights_cannot_show_what_unweighted_shares_would_give_away():
    """The area's 19.6 % of 51 and Brommaplan's 25 % of 40, every weight equal, say that the
    11 answers at the hidden places were all safe. The audit used to read no count from a
    weighted share and showed both; now Brommaplan's figure is hidden."""
    release = _night_example(1.0)
    summary = audit_release(release, [], threshold=10)
    assert summary["hidden_added"] == ["places[brommaplan].victim"]
    assert victims(release)["brommaplan"]["suppressed"] is True


def test_spread_weights_leave_the_figures_shown():
    """With a design effect of 1.5 the shares allow 3 to 23 unsafe of Brommaplan's 40 and 3 to
    27 of the area's 51: the hidden places' 11 can hold anything from 0 to 11 of them."""
    release = _night_example(1 / 1.5)
    summary = audit_release(release, [], threshold=10)
    assert summary["hidden_added"] == []
    assert summary["unresolved"] == []


def test_releases_stored_before_are_read_as_their_audit_read_them():
    """A release stored without the mark gave the audit no count from its weighted shares; it
    still gives none, so a round published before can be published again (an old release
    that the new reading finds to say too much cannot be taken back). Marked, it counts."""
    old = _night_example(1.0)  # as published then: Brommaplan's 25 % of 40 shown
    summary = audit_release(_hidden_brommaplan(), [old], threshold=10)
    assert summary["hidden_added"] == []
    marked = old | {WEIGHTED_BOUNDS: N_EFF}
    # Brommaplan's 10 of 40 then, the area's 10 of 51 now: the hidden places' 0 of 11.
    summary = audit_release(_hidden_brommaplan(), [marked], threshold=10)
    assert summary["hidden_added"] == ["area_total.victim"]


def _hidden_brommaplan() -> dict[str, Any]:
    release = _night_example(1.0)
    release["places"][0]["victim"] = hidden(40)
    return release


def test_a_share_is_0_or_1_only_when_it_is():
    assert published_share(0.00003) == 0.0001
    assert published_share(0.99997) == 0.9999
    assert published_share(0.0) == 0.0
    assert published_share(1.0) == 1.0
    assert published_share(0.12344) == 0.1234

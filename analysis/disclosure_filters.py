"""No differencing between two filtered views of the organizer's dashboard.

Each filtered group is shown only when it holds at least the threshold, but two groups that
differ by a few answers give those answers away by subtraction: the answers up to November
against all of them are December's one answer; all answers against a gender's and the other
genders' are the answers without a gender. So a filtered view hides a unit (a place, the area
total, one of the area's gender or age groups) whenever a view the dashboard also offers, with
one filter moved, differs from it by 1 to threshold - 1 answers of that unit:

- a month range: the nearest month with answers outside each end of the range (the month a
  wider range would add) must hold none or at least the threshold;
- a gender (or an age band): where the unit's answers have more than one gender (age band),
  each must hold at least the threshold, for the view without that filter minus the view with
  it is the others;
- all rounds together: where the unit's answers fall in more than one round, each must hold at
  least the threshold, or all rounds minus one round gives the rest away.

Each check holds for the unit's answers, and again with any other of the view's filters taken
off too, split by each of those (so that a view and one with two or three filters widened at
once, or four views, two filters each on and off, cannot give away one month's answers of one
gender either): the views that select carry the checks, and the unfiltered view is cut only
where a round is small. A month range over all rounds is checked per round too (a round ends
and the next begins in a month, and a round's own range before it opened is known to be
empty). ``analysis.survey`` hides what would give a unit away within its view as well.

Not covered: two views with filters moved in opposite directions (a wider month range and a
narrower gender) whose answers happen to nest, and combinations of more than four views; the
README says so.

The counts are of answers (held ones left out), per place, round, month, gender and age band.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping

#: One count of answers: place id, round id, first day of the month, gender, age band.
Atom = tuple[int, int, dt.date, str | None, str | None]
#: A unit: ("place", place id), ("area", None), ("gender", value) or ("age_band", value).
Unit = tuple[str, object]

#: Where round, gender and age band sit in an atom, to count along them or split by them.
_SPLITS = {"round": 1, "gender": 3, "age_band": 4}


@dataclasses.dataclass(frozen=True)
class View:
    """What a filtered view selects: a round, whole months [first, end), a gender, an age band."""

    round_id: int | None = None
    first: dt.date | None = None
    end: dt.date | None = None
    gender: str | None = None
    age_band: str | None = None

    def takes(self, atom: Atom, off: frozenset[str] = frozenset()) -> bool:
        """Whether the view (with the filters named in ``off`` taken off) counts this atom."""
        _place, round_id, month, gender, age_band = atom
        return (
            (self.round_id is None or round_id == self.round_id)
            and ("months" in off or self.first is None or month >= self.first)
            and ("months" in off or self.end is None or month < self.end)
            and ("gender" in off or self.gender is None or gender == self.gender)
            and ("age_band" in off or self.age_band is None or age_band == self.age_band)
        )


def _units(atom: Atom) -> list[Unit]:
    return [("place", atom[0]), ("area", None), ("gender", atom[3]), ("age_band", atom[4])]


def _small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def _months_given_away(months: Mapping[dt.date, int], view: View, threshold: int) -> bool:
    """Whether moving an end of the month range adds or takes 1 to threshold - 1 answers."""
    with_answers = sorted(month for month, count in months.items() if count)
    if view.first is not None:
        before = [m for m in with_answers if m < view.first]
        if before and _small(months[before[-1]], threshold):
            return True
    if view.end is not None:
        after = [m for m in with_answers if m >= view.end]
        if after and _small(months[after[0]], threshold):
            return True
    return False


def differencing_hidden(atoms: Mapping[Atom, int], view: View, threshold: int) -> set[Unit]:
    """The units this view must hide so that no other view of the dashboard, with one or two
    filters moved, gives a few of their answers away by subtraction."""
    selected = [
        name
        for name, on in (
            ("months", view.first is not None or view.end is not None),
            ("gender", view.gender is not None),
            ("age_band", view.age_band is not None),
        )
        if on
    ]
    # Each filter checked with itself and any other filters taken off too (a view with two
    # filters moved at once differs by both), split by the other filters taken off (four
    # views, two filters each on and off, differ by one group's part of a month or round);
    # all rounds against one round, likewise. Nothing is split by a filter the view leaves
    # open: the unfiltered view would hide nearly everything, and the views that select
    # carry the check.
    round_check = ["round"] if view.round_id is None else []
    checks = [
        (dimension, frozenset(off))
        for size in range(len(selected) + 1)
        for off in itertools.combinations(selected, size)
        for dimension in (*off, *round_check)
    ]
    hidden: set[Unit] = set()
    for dimension, off in checks:
        split_by = {name for name in off if name in _SPLITS and name != dimension}
        if dimension == "months" and view.round_id is None:
            # A round ends and the next begins in a month: one round's answers of the month
            # past the range are all rounds' minus the other round's (whose own range may be
            # known to hold none).
            split_by.add("round")
        splits = [None] + [_SPLITS[name] for name in sorted(split_by)]
        # (unit, split index, split value) -> the counts along the dimension checked.
        along: dict[tuple[Unit, int | None, object], dict[object, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        for atom, count in atoms.items():
            if not count or not view.takes(atom, off):
                continue
            key = atom[2] if dimension == "months" else atom[_SPLITS[dimension]]
            for unit in _units(atom):
                for split in splits:
                    along[(unit, split, None if split is None else atom[split])][key] += count
        for (unit, _split, _value), counts in along.items():
            if unit in hidden:
                continue
            if dimension == "months":
                given_away = _months_given_away(counts, view, threshold)  # type: ignore[arg-type]
            else:
                # One group alone: the views with and without the filter hold the same answers.
                given = [count for count in counts.values() if count]
                given_away = len(given) > 1 and any(_small(c, threshold) for c in given)
            if given_away:
                hidden.add(unit)
    return hidden

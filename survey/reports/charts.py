"""Charts of a situation picture, drawn with matplotlib's object API (no pyplot state)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

TIMES = ("day", "afternoon", "evening", "night")
TIME_NAMES = {
    "sv": {"day": "Dagtid", "afternoon": "Eftermiddag", "evening": "Kväll", "night": "Natt"},
    "en": {"day": "Daytime", "afternoon": "Afternoon", "evening": "Evening", "night": "Night"},
}
#: Gray shades and hatches, so the chart reads the same printed in black and white.
STYLES = [("#d9d9d9", ""), ("#a6a6a6", "//"), ("#595959", ""), ("#1a1a1a", "..")]


def unsafe_by_time(picture: dict[str, Any], locale: str = "sv", fmt: str = "svg") -> bytes:
    """Grouped bars: the unsafe share of each place (with n >= threshold) by time of day."""
    places = [p for p in picture["places"] if not p["suppressed"]]
    names = TIME_NAMES.get(locale, TIME_NAMES["en"])
    height = max(2.5, 0.9 + 0.55 * max(len(places), 1))
    figure = Figure(figsize=(7.5, height), dpi=100)
    axes = figure.add_subplot()
    bar = 0.8 / len(TIMES)
    for t, time in enumerate(TIMES):
        colour, hatch = STYLES[t]
        ys, shares, errors = [], [], [[], []]
        for i, place in enumerate(places):
            cell = place["times"][time]
            if cell["suppressed"]:
                continue
            ys.append(i + (t - 1.5) * bar)
            shares.append(cell["unsafe_share"] * 100)
            errors[0].append((cell["unsafe_share"] - cell["ci"][0]) * 100)
            errors[1].append((cell["ci"][1] - cell["unsafe_share"]) * 100)
        if not ys:  # every cell of this time is suppressed: no bars, no legend entry
            continue
        axes.barh(
            ys,
            shares,
            height=bar,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.5,
            xerr=errors,
            error_kw={"elinewidth": 0.8, "capsize": 2},
            label=names[time],
        )
    axes.set_yticks(range(len(places)), [f"{p['name']} (n={p['n']})" for p in places])
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("% otrygga" if locale == "sv" else "% feeling unsafe")
    axes.legend(loc="lower right", fontsize=8, frameon=True)
    axes.grid(axis="x", color="#cccccc", linewidth=0.5)
    axes.set_axisbelow(True)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def alt_text(picture: dict[str, Any], locale: str = "sv") -> str:
    """One sentence stating the chart's main figure, for screen readers and print."""
    best: tuple[float, str, str, int] | None = None
    for place in picture["places"]:
        for time in TIMES:
            cell = place["times"][time]
            if not cell["suppressed"] and (best is None or cell["unsafe_share"] > best[0]):
                best = (cell["unsafe_share"], place["name"], time, cell["n"])
    if best is None:
        return (
            "För få svar för att visa någon plats."
            if locale == "sv"
            else "Too few answers to show any place."
        )
    share, name, time, n = best
    when = TIME_NAMES.get(locale, TIME_NAMES["en"])[time].lower()
    if locale == "sv":
        return f"Störst andel otrygga: {name}, {when}, {share:.0%} (n = {n})."
    return f"Highest share feeling unsafe: {name}, {when}, {share:.0%} (n = {n})."

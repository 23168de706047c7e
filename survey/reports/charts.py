"""Charts of a situation picture, drawn with matplotlib's object API (no pyplot state).

Every word on a chart goes through gettext in the language asked for (as the PDF's do), so a
new language needs only a catalog.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

import matplotlib
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from .. import i18n, labels
from .directions import italic, ranges_isolated
from .figures import TIMES, hidden_words, protects_others

matplotlib.use("Agg")
# Text here is residents' and organizers' words (place names, promise titles): never read
# "$...$" in it as mathtext (a "$\\macro$" title made a 500) or hand it to LaTeX.
matplotlib.rcParams.update({"text.parse_math": False, "text.usetex": False})
from matplotlib.axes import Axes  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402

NBSP = "\u00a0"
#: Gray shades and hatches, so the chart reads the same printed in black and white.
STYLES = [("#d9d9d9", ""), ("#a6a6a6", "//"), ("#595959", ""), ("#1a1a1a", "..")]


def _named(name: str, n: int) -> str:
    """A bar's label with the number of answers: "Alvik (120 svar)", "Alvik (120 answers)"."""
    answers = ngettext("%(num)d answer", "%(num)d answers", n)
    return f"{name} ({answers.replace(' ', NBSP)})"  # never wrapped inside the brackets


def _read(text: str) -> str:
    """A label as drawn: right to left, each line's number ranges in Latin digits kept in order.

    matplotlib lays text out with libraqm, which sets an unmarked "18–22" inside Arabic or
    Persian words as "22–18"; isolated (as the PDF and the share pictures do), it reads "18–22".
    """
    if i18n.text_direction() != "rtl":
        return text
    return "\n".join(ranges_isolated(line) for line in text.split("\n"))


def _hidden(axes: Axes, y: float, cells: list[dict[str, Any]], threshold: int | None) -> None:
    """Why a bar is missing: "too few answers", or that its figures protect other cells."""
    words = hidden_words(cells, threshold)
    rtl = i18n.text_direction() == "rtl"
    axes.text(1, y, words, va="center", fontsize=8, style=italic(rtl), color="#333")


def _place_cells(picture: dict[str, Any]) -> list[dict[str, Any]]:
    """What the chart of places rests on: the times of the places it lists, else the places."""
    listed = [p for p in picture["places"] if not p["suppressed"]]
    if not listed:
        return list(picture["places"])
    return [place["times"][time] for place in listed for time in TIMES]


def _image(figure: Figure, axes: Axes, xlabel: str, fmt: str) -> bytes:
    """Finish the percentage axis and write the figure (an SVG without a date)."""
    axes.set_xlim(0, 100)
    axes.set_xlabel(xlabel)
    axes.grid(axis="x", color="#cccccc", linewidth=0.5)
    axes.set_axisbelow(True)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def unsafe_by_time(picture: dict[str, Any], locale: str = "sv", fmt: str = "svg") -> bytes:
    """Grouped bars: the unsafe share of each place (with n >= threshold) by time of day."""
    with force_locale(locale):
        return _unsafe_by_time(picture, fmt)


def _unsafe_by_time(picture: dict[str, Any], fmt: str) -> bytes:
    places = [p for p in picture["places"] if not p["suppressed"]]
    threshold = picture.get("suppress_below")
    # The legend stands above the bars (+0.3 inch), where no bar can lie under it.
    height = max(2.8, 1.2 + 0.55 * max(len(places), 1))
    figure = Figure(figsize=(7.5, height), dpi=100)
    axes = figure.add_subplot()
    bar = 0.8 / len(TIMES)
    drawn: set[int] = set()
    for t, time in enumerate(TIMES):
        colour, hatch = STYLES[t]
        ys: list[float] = []
        shares: list[float] = []
        errors: list[list[float]] = [[], []]
        for i, place in enumerate(places):
            cell = place["times"][time]
            if cell["suppressed"]:
                continue
            drawn.add(i)
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
            label=_read(str(labels.TIMES[time])),
        )
    for i in set(range(len(places))) - drawn:
        _hidden(axes, i, list(places[i]["times"].values()), threshold)
    axes.set_yticks(range(len(places)), [_read(_named(p["name"], p["n"])) for p in places])
    axes.invert_yaxis()
    handles, names = axes.get_legend_handles_labels()
    if handles:
        if i18n.text_direction() == "rtl":  # read from the right: the day first
            handles, names = handles[::-1], names[::-1]
        # Above the plot in one row: inside it, the legend covered the longest bars.
        axes.legend(
            handles,
            names,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=len(handles),
            fontsize=8,
            frameon=False,
            handlelength=1.5,
            columnspacing=1.2,
        )
    else:  # nothing to draw: say why instead of an empty frame (and no legend warning)
        axes.text(
            50,
            (len(places) - 1) / 2 if places else 0.5,
            _("Hidden to protect other cells")
            if protects_others(_place_cells(picture), threshold)
            else _("Too few answers"),
            ha="center",
            va="center",
            style=italic(i18n.text_direction() == "rtl"),
        )
    return _image(figure, axes, _("Per cent feeling unsafe"), fmt)


def alt_text(picture: dict[str, Any], locale: str = "sv") -> str:
    """One sentence stating the chart's main figure, for screen readers and print."""
    best: tuple[float, str, str, int] | None = None
    for place in picture["places"]:
        for time in TIMES:
            cell = place["times"][time]
            if not cell["suppressed"] and (best is None or cell["unsafe_share"] > best[0]):
                best = (cell["unsafe_share"], place["name"], time, cell["n"])
    with force_locale(locale):
        if best is None:
            if protects_others(_place_cells(picture), picture.get("suppress_below")):
                return _("Every place's figures are hidden to protect other cells.")
            return _("Too few answers to show any place.")
        share, name, time, n = best
        return _(
            "Highest share feeling unsafe: %(place)s, %(time)s, %(share)s (%(answers)s).",
            place=name,
            time=labels.TIMES[time],
            share=i18n.percent(share),
            answers=ngettext("%(num)d answer", "%(num)d answers", n),
        )


def problem_shares(
    rows: list[dict[str, Any]],
    locale: str = "sv",
    fmt: str = "svg",
    threshold: int | None = None,
) -> bytes:
    """Horizontal bars: the share calling each problem big, with its interval and n.

    Each row is {"label", "n", "suppressed"} plus "share" and "ci" when not suppressed, in
    the order of reports.figures.problem_rows; a suppressed row gets its label and why it is
    hidden ("too few answers" under the ``threshold``, or that it protects other cells)
    instead of a bar.
    """
    with force_locale(locale):
        return _problem_shares(rows, fmt, _("Per cent who call it a big problem"), threshold)


def item_shares(item: dict[str, Any], locale: str = "sv", fmt: str = "svg") -> bytes:
    """Horizontal bars: the whole area's share of each answer to an added item, with intervals.

    Only for a choice item whose area figure is shown (the caller checks); each option's share
    rests on the cell's n, as in the picture.
    """
    total = item["area_total"]
    names = {o["value"]: o["label"] or o["value"] for o in item["options"]}
    rows = [
        {
            "label": names.get(o["value"], o["value"]),
            "n": None,
            "suppressed": False,
            "share": o["share"],
            "ci": o["ci"],
        }
        for o in total.get("options") or []
    ]
    with force_locale(locale):
        return _problem_shares(rows, fmt, _("Per cent of the answers"))


def _problem_shares(
    rows: list[dict[str, Any]], fmt: str, xlabel: str, threshold: int | None = None
) -> bytes:
    # An added item's options share one n (said in the title, not on every bar).
    names = [
        _read(textwrap.fill(_named(r["label"], r["n"]) if r["n"] is not None else r["label"], 30))
        for r in rows
    ]
    lines = sum(name.count("\n") + 1 for name in names)
    height = max(2.2, 0.9 + 0.2 * lines + 0.12 * len(rows))
    figure = Figure(figsize=(6.8, height), dpi=100)
    axes = figure.add_subplot()
    colour, hatch = STYLES[1]
    shown = [(i, r) for i, r in enumerate(rows) if not r["suppressed"]]
    if shown:
        axes.barh(
            [i for i, _row in shown],
            [r["share"] * 100 for _i, r in shown],
            height=0.6,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.5,
            xerr=[
                [(r["share"] - r["ci"][0]) * 100 for _i, r in shown],
                [(r["ci"][1] - r["share"]) * 100 for _i, r in shown],
            ],
            error_kw={"elinewidth": 0.9, "capsize": 3},
        )
    for i, row in enumerate(rows):
        if row["suppressed"]:
            _hidden(axes, i, [row], threshold)
        else:
            # The figure beside the interval's end, so it never sits on a hatch.
            axes.text(
                min(row["ci"][1] * 100 + 1.5, 88),
                i,
                i18n.percent(row["share"]),
                va="center",
                fontsize=8,
            )
    axes.set_yticks(range(len(rows)), names, fontsize=9)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    return _image(figure, axes, xlabel, fmt)

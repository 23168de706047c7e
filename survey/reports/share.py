"""A promise's follow-up as a picture to share on social media: 1200 x 630 px, grayscale-safe.

The caller decides every word (already translated) and which figures may be shown; this module
only draws them. ``card_etag`` hashes exactly what is drawn, so a picture is cached until its
figures or words change.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import textwrap
from typing import Any

import matplotlib

matplotlib.use("Agg")
# Text here is residents' and organizers' words (place names, promise titles): never read
# "$...$" in it as mathtext (a "$\\macro$" title made a 500) or hand it to LaTeX.
matplotlib.rcParams.update({"text.parse_math": False, "text.usetex": False})
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402  (after the backend)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from .directions import italic, ranges_isolated  # noqa: E402

WIDTH, HEIGHT, DPI = 1200, 630, 100
INK, MUTED, LINE, SOFT = "#1b1f24", "#4a5560", "#b9c2cb", "#f2f5f8"
#: Before light with hatching, after dark: the two bars differ in print without colour.
BAR_STYLES = {"before": ("#bfbfbf", "///"), "after": ("#1b1f24", "")}
DRAWING_VERSION = 7  # bump when the layout changes, so cached pictures are replaced


class _Side:
    """Where things go across the picture: as given left to right, mirrored right to left."""

    def __init__(self, rtl: bool) -> None:
        self.rtl = rtl

    def x(self, x: float, width: float = 0.0) -> float:
        """The left edge of something ``width`` wide whose left edge is at ``x`` left to right."""
        return 1 - x - width if self.rtl else x

    def ha(self, ha: str = "left") -> str:
        """A text's horizontal alignment, mirrored right to left."""
        return {"left": "right", "right": "left"}.get(ha, ha) if self.rtl else ha


#: Pictures each process keeps drawn, by everything they draw: a shared link is fetched by
#: every reader and crawler whose cache lacks the picture, and one drawing costs ~0.06 s of
#: CPU (measured on a one-bar card). At ~50 kB a picture, about 1.6 MB.
DRAWN_KEPT = 32


def _drawn(card: dict[str, Any]) -> str:
    """Everything the picture of this card draws, as one text."""
    return json.dumps([DRAWING_VERSION, card], sort_keys=True, ensure_ascii=False)


def card_etag(card: dict[str, Any]) -> str:
    """A strong validator for the picture of this card: a hash of everything drawn."""
    return hashlib.sha256(_drawn(card).encode("utf-8")).hexdigest()[:40]


def card_png(card: dict[str, Any]) -> bytes:
    """The picture of this card, drawn again only when it is not among the last DRAWN_KEPT."""
    return _png_of(_drawn(card))


@functools.lru_cache(maxsize=DRAWN_KEPT)
def _png_of(drawn: str) -> bytes:
    return render_png(json.loads(drawn)[1])


def _wrap(text: str, width: int, lines: int) -> str:
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _fit(figure: Figure, artist: Any, text: str, lines: int, max_px: float, smallest: int) -> None:
    """Fit a text in max_px and so many lines: wrap, then a smaller font, then shorten."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    start = int(artist.get_fontsize())
    for size in range(start, smallest - 1, -2):
        artist.set_fontsize(size)
        for width in range(70, 9, -2):
            if len(textwrap.wrap(text, width)) > lines:
                break  # narrower only needs more lines: try a smaller font
            artist.set_text(_wrap(text, width, lines))
            if artist.get_window_extent(renderer).width <= max_px:
                return
    for width in range(70, 9, -2):  # at the smallest size: shorten with an ellipsis
        artist.set_text(_wrap(text, width, lines))
        if artist.get_window_extent(renderer).width <= max_px:
            return


def _bar(figure: Figure, y: float, side: dict[str, Any], style: str, at: _Side) -> None:
    """One row: its label, a bar for a shown share, and the figure with its n."""
    figure.text(at.x(0.06), y + 0.035, side["label"], fontsize=19, color=MUTED, va="bottom",
                ha=at.ha())  # fmt: skip
    # The scale leaves room on its right for "100 %" and "about 130 answers" side by side.
    left, width, height = 0.06, 0.52, 0.075
    share = side.get("share")
    if not side.get("number"):  # a share's scale; an empty one where too few answered
        figure.add_artist(
            Rectangle((at.x(left, width), y - height), width, height,
                      transform=figure.transFigure, facecolor=SOFT, edgecolor=LINE, linewidth=1)
        )  # fmt: skip
    if share is not None:
        colour, hatch = BAR_STYLES[style]
        filled = width * max(0.0, min(1.0, share))  # from the side the text starts on
        figure.add_artist(
            Rectangle((at.x(left, filled), y - height), filled, height,
                      transform=figure.transFigure, facecolor=colour, edgecolor=INK,
                      hatch=hatch, linewidth=1.2)
        )  # fmt: skip
    if side.get("hidden"):  # said inside the empty scale: why there is no figure
        note = figure.text(at.x(left + 0.015), y - height / 2, "", fontsize=20, color=INK,
                           fontstyle=italic(at.rtl), va="center", ha=at.ha())  # fmt: skip
        _fit(figure, note, side["hidden"], 1, (width - 0.03) * WIDTH, 14)
    shown = share is not None or side.get("number", False)
    figure.text(at.x(0.61), y - height / 2, side["value"], fontsize=34 if shown else 22,
                fontweight="bold", fontstyle="normal" if shown else italic(at.rtl), color=INK,
                va="center", ha=at.ha())  # fmt: skip
    figure.text(at.x(0.94), y - height / 2, side["n"], fontsize=20, color=MUTED, va="center",
                ha=at.ha("right"))  # fmt: skip


#: The card's words that may hold a number range ("Evening (18–22)", a round "2025–2026").
#: Not the period: its dates are a range of words ("1 فبراير 2026 – 31 أغسطس 2026") that reads
#: right only as it is, and isolating "2026 – 31" would set the two days' numbers side by side.
RANGED = ("eyebrow", "title", "label", "empty", "status")
RANGED_SIDE = ("label", "hidden")


def _in_reading_order(card: dict[str, Any]) -> dict[str, Any]:
    """Right to left, every number range in Latin digits of the card as one left-to-right run.

    libraqm keeps an isolated run in its order, as fpdf2 does in the PDF; unmarked, "18–22"
    inside Arabic or Persian words was drawn "22–18".
    """
    if not card.get("rtl"):
        return card

    def ranged(words: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return words | {k: ranges_isolated(words[k]) for k in keys if words.get(k)}

    sides = [(style, ranged(side, RANGED_SIDE)) for style, side in card.get("sides") or []]
    return ranged(card, RANGED) | {"sides": sides}


def render_png(card: dict[str, Any]) -> bytes:
    """Draw a card (see followup.share_card) as a 1200 x 630 PNG."""
    card = _in_reading_order(card)
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    # A dark band on top carries the address, so the picture says where to read more.
    figure.add_artist(Rectangle((0, 0.94), 1, 0.06, transform=figure.transFigure, facecolor=INK))
    at = _Side(bool(card.get("rtl")))
    footer = figure.text(at.x(0.94), 0.97, "", fontsize=16, color="white", ha=at.ha("right"),
                         va="center")  # fmt: skip
    _fit(figure, footer, card["footer"], 1, 0.88 * WIDTH, 10)
    full = 0.88 * WIDTH
    eyebrow = figure.text(at.x(0.06), 0.88, "", fontsize=20, color=MUTED, va="top", ha=at.ha())
    _fit(figure, eyebrow, card["eyebrow"], 1, 0.48 * WIDTH, 14)
    period = figure.text(at.x(0.94), 0.88, "", fontsize=20, color=MUTED, va="top",
                         ha=at.ha("right"))  # fmt: skip
    _fit(figure, period, card["period"], 1, 0.38 * WIDTH, 14)
    title = figure.text(at.x(0.06), 0.82, "", fontsize=36, fontweight="bold", color=INK,
                        va="top", ha=at.ha(), linespacing=1.15,
                        multialignment=at.ha())  # fmt: skip
    _fit(figure, title, card["title"], 2, full, 28)
    label = figure.text(at.x(0.06), 0.595, "", fontsize=24, color=INK, va="top",
                        fontweight="bold", ha=at.ha())  # fmt: skip
    _fit(figure, label, card["label"], 1, full, 18)
    sides = card.get("sides") or []
    for index, (style, side) in enumerate(sides):
        _bar(figure, 0.44 - index * 0.17, side, style, at)
    if not sides:
        empty = figure.text(at.x(0.06), 0.40, "", fontsize=28, color=MUTED, va="center",
                            ha=at.ha(), multialignment=at.ha())  # fmt: skip
        _fit(figure, empty, card["empty"], 2, full, 20)
    # The change with its size, in up to two lines below the bars.
    status = figure.text(at.x(0.06), 0.04, "", fontsize=22, fontweight="bold", color=INK,
                         va="bottom", ha=at.ha(), linespacing=1.1,
                         multialignment=at.ha())  # fmt: skip
    _fit(figure, status, card["status"], 2, full, 16)
    out = io.BytesIO()
    # No bbox_inches: the saved size is exactly the figure's, 1200 x 630.
    figure.savefig(
        out,
        format="png",
        dpi=DPI,
        metadata={"Title": card["title"], "Description": card["alt"], "Software": None},
    )
    return out.getvalue()

"""The dashboard's charts: what each one draws, its entity tag, and a bounded render cache.

A chart's entity tag comes from the key of the picture it is drawn from (area, filters,
language, the data version read from the database) with the chart's name and format, so a
request that revalidates gets its 304 without the picture being built or anything drawn.
The render cache is keyed by a hash of everything a chart is actually drawn from (its slice
of the picture, its words, the format), so a cached image can never be stale and a new data
version that leaves a chart as it was does not redraw it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from survey.i18n import percent
from survey.reports import charts
from survey.reports.figures import protects_others
from survey.reports.pictures import PictureKey

from .summary import problem_rows

#: Bump when the drawing code changes, so that cached images and ETags change with it.
CHART_VERSION = 2
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
CHART_NAMES = ("unsafe", "problems")
#: Rendered images kept per process; charts are tens of kilobytes each.
CACHE_SIZE = 64


def chart_input(name: str, picture: dict[str, Any], locale: str) -> dict[str, Any]:
    """The part of the picture (and the words) that a chart is drawn from, as plain data."""
    if name == "unsafe":
        places = [
            {key: place[key] for key in ("name", "n", "suppressed", "times")}
            for place in picture["places"]
        ]
        shown = {"places": places, "suppress_below": picture.get("suppress_below")}
        return {"picture": shown, "locale": locale}
    if name == "problems":
        return {
            "rows": problem_rows(picture, locale),
            "locale": locale,
            "threshold": picture.get("suppress_below"),
        }
    raise KeyError(name)


def _drawer(name: str) -> Callable[..., bytes]:
    # Looked up at call time, so a test can count the calls of the drawing functions.
    return {"unsafe": charts.unsafe_by_time, "problems": charts.problem_shares}[name]


def chart_etag(name: str, fmt: str, key: PictureKey) -> str:
    """A strong entity tag from the picture's key (no picture needed), the chart and the code."""
    payload = json.dumps([CHART_VERSION, name, fmt, key.token()])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def _content_hash(name: str, fmt: str, inputs: dict[str, Any]) -> str:
    payload = json.dumps(
        [CHART_VERSION, name, fmt, inputs], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class RenderCache:
    """A small thread-safe LRU of rendered images keyed by their content hash."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: str, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = RenderCache(CACHE_SIZE)


def render(name: str, fmt: str, inputs: dict[str, Any]) -> bytes:
    """The image for these inputs, drawn only when the cache does not hold it yet."""
    key = _content_hash(name, fmt, inputs)
    image = CACHE.get(key)
    if image is None:
        image = _drawer(name)(**inputs, fmt=fmt)
        CACHE.put(key, image)
    return image


def alt_text(name: str, picture: dict[str, Any], locale: str) -> str:
    """One sentence stating the chart's main figure."""
    if name == "unsafe":
        return charts.alt_text(picture, locale)
    rows = problem_rows(picture, locale)
    shown = [row for row in rows if not row["suppressed"]]
    if not shown:
        if protects_others(rows, picture.get("suppress_below")):
            return _("Every problem is hidden to protect other cells.")
        return _("Too few answers to show any problem.")
    top = shown[0]  # the rows come largest share first
    return _(
        "Largest problem: %(problem)s, called big by %(share)s (%(answers)s).",
        problem=top["label"],
        share=percent(top["share"]),
        answers=ngettext("%(num)d answer", "%(num)d answers", top["n"]),
    )

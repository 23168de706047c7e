"""Write situation pictures in the format asked for."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import IO, Any

from flask_babel import force_locale
from flask_babel import gettext as _

#: The module that writes each format but JSON, imported when that format is asked for.
WRITERS = {"csv": ".files", "xlsx": ".files", "html": ".html", "pdf": ".pdf"}


def load_writer(fmt: str) -> None:
    """Import the writer of ``fmt`` now (a command loads it with its other modules)."""
    if fmt in WRITERS:
        importlib.import_module(WRITERS[fmt], __package__)


def write_pictures(
    pictures: list[dict[str, Any]], fmt: str, stream: IO[Any], locale: str, demo: bool = False
) -> None:
    """JSON: one object for one area, a list for several; the rest as their writers say.

    ``demo``: the data are the demo's, and the PDF says so on every page.

    Each writer is imported when its format is asked for: a PDF needs neither openpyxl nor
    the HTML templates, and a command that writes one starts that much sooner."""
    if fmt == "json":
        data: Any = pictures[0] if len(pictures) == 1 else pictures
        stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        from .files import write_csv

        write_csv(pictures, stream)
    elif fmt == "xlsx":
        from .files import write_xlsx

        write_xlsx(pictures, stream)
    elif fmt == "html":
        from .html import render_html

        stream.write(render_html(pictures, locale))
    elif fmt == "pdf":
        from .pdf import write_pdf

        write_pdf(pictures, stream, locale, demo)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def report_filename(area: str, day: dt.date, locale: str) -> str:
    """The PDF report's file name in its language: trygghet-rapport-bromma-2026-11-29.pdf."""
    with force_locale(locale):
        # Translators: a word in a file name: lower case, no spaces.
        stem = _("report")
    return f"trygghet-{stem}-{area}-{day.isoformat()}.pdf"

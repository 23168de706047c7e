"""A printable PDF report for a dialogue meeting: real (searchable) text, tables, charts.

A4 portrait, black on white and grayscale-safe, so it prints well and reads on a projector.
Every figure comes from the situation picture as it is; a suppressed figure is printed as
"too few answers", never as a share. The layout is in ``layout``; each area's sections in
``sections``; the closing page on how the figures are made in ``method``.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from flask_babel import force_locale
from flask_babel import gettext as _

from .layout import Report, generated_on
from .method import method_section
from .sections import area_sections

__all__ = ["write_pdf"]


def write_pdf(
    pictures: list[dict[str, Any]], stream: IO[bytes], locale: str = "sv", demo: bool = False
) -> None:
    """Write the report: each area's sections, then how the figures are made."""
    with force_locale(locale):
        names = ", ".join(p["area_name"] for p in pictures)
        made = generated_on(pictures[0]) if pictures else ""
        pdf = Report(f"{_('Local situation picture')} – {names} – {made}", demo=demo)
        pdf.set_title(f"{_('Local situation picture')}: {names}")
        pdf.set_lang(locale)
        pdf.set_creator("Trygghet")
        pdf.set_creation_date(dt.datetime.now(dt.UTC))
        for picture in pictures:
            area_sections(pdf, picture, locale)
        if pictures:
            method_section(pdf, pictures[0], locale)
        stream.write(bytes(pdf.output()))

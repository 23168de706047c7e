"""A printable PDF report: real (searchable) text, tables and the chart, A4 portrait."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

import matplotlib
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from . import charts

# matplotlib ships DejaVu Sans, which has å, ä, ö and the other Nordic letters.
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
TIMES = ("day", "afternoon", "evening", "night")


def _pct(cell: dict[str, Any], key: str = "unsafe_share") -> str:
    if cell["suppressed"]:
        return _("too few answers")
    low, high = cell["ci"]
    return f"{cell[key]:.0%} ({low:.0%}–{high:.0%})"


class _Report(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_font("DejaVu", size=10)
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 8, f"Trygghet – {self.page_no()}", align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font("DejaVu", size=10)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def data_table(self, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.set_font("DejaVu", size=8.5)
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
            table.row(header)
            for row in rows:
                table.row([str(value) for value in row])
        self.set_font("DejaVu", size=10)
        self.ln(3)


def write_pdf(pictures: list[dict[str, Any]], stream: IO[bytes], locale: str = "sv") -> None:
    """Write a report with one section per area."""
    with force_locale(locale):
        pdf = _Report()
        pdf.set_title(_("Local situation picture"))
        for picture in pictures:
            _area(pdf, picture, locale)
        stream.write(bytes(pdf.output()))


def _area(pdf: _Report, p: dict[str, Any], locale: str) -> None:
    times = {
        "day": _("daytime"),
        "afternoon": _("afternoon"),
        "evening": _("evening"),
        "night": _("night"),
    }
    pdf.add_page()
    pdf.heading(f"{_('Local situation picture')}: {p['area_name']}", 16)
    pdf.paragraph(
        _(
            "Made %(when)s from %(n)d answers. Figures from fewer than %(k)d answers are not "
            "shown. Percentages are followed by their 95 %% interval.",
            when=p["generated_at"][:10],
            n=p["n"],
            k=p["suppress_below"],
        )
    )
    pdf.heading(_("Feeling unsafe, by place and time of day"))
    png = charts.unsafe_by_time(p, locale, fmt="png")
    pdf.image(io.BytesIO(png), w=180, alt_text=charts.alt_text(p, locale))
    pdf.paragraph(charts.alt_text(p, locale))
    pdf.data_table(
        [_("Place"), "n", *[times[t].capitalize() for t in TIMES]],
        [
            [place["name"], place["n"], *[_pct(place["times"][t]) for t in TIMES]]
            for place in p["places"]
        ],
        (40, 12, 32, 32, 32, 32),
    )
    pdf.heading(_("Priorities"))
    if p["priorities"]:
        pdf.data_table(
            ["#", _("Why"), _("Score")],
            [
                [i, row["explanation"], f"{row['score']:.2f}"]
                for i, row in enumerate(p["priorities"][:10], start=1)
            ],
            (8, 150, 22),
        )
    else:
        pdf.paragraph(_("Not enough data for priorities yet."))
    pdf.heading(_("Deviations in crime"))
    if p["deviations"]:
        pdf.data_table(
            [_("Month"), _("Category"), _("Count"), _("Expected"), _("Upper limit")],
            [
                [
                    d["month"],
                    d["category"],
                    d["count"],
                    f"{d['expected']:.1f}",
                    f"{d['upper_limit']:.1f}",
                ]
                for d in p["deviations"]
            ],
            (22, 80, 22, 26, 30),
        )
    else:
        pdf.paragraph(_("No month above its expected range."))
    pdf.heading(_("Citizen promises and their follow-up"))
    statuses = {
        "improved": _("improved"),
        "unchanged": _("unchanged"),
        "worse": _("worse"),
        "not enough data": _("not enough data"),
    }
    for item in p["followup"] or []:
        pdf.paragraph(f"{item['promise']['title']}: {statuses.get(item['status'], item['status'])}")
    if not p["followup"]:
        pdf.paragraph(_("No promises recorded."))

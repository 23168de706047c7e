"""The report's last page: how the figures are made, in plain words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import has_app_context
from flask_babel import gettext as _

from analysis import crime_categories

from ... import i18n, labels
from ...extensions import db
from .layout import Report, filters_text, generated_on, weights

if TYPE_CHECKING:
    from fpdf.recorder import FPDFRecorder


def method_section(pdf: Report, p: dict[str, Any], locale: str) -> None:
    """Explain the figures, their intervals, the suppression rule and what was counted."""
    parts = method_parts(p, locale)
    # After the last section when it fits whole on that page, else on a page of its own.
    if not fits(pdf, parts):
        pdf.add_page()
    write_parts(pdf, parts)


def method_parts(p: dict[str, Any], locale: str) -> list[tuple[str, str]]:
    """The section's parts: (title, text)."""
    return [
        (
            _("Where the figures come from"),
            _(
                "From the safety survey, in which people who live, work or spend time in the "
                "area answer questions about one place; from the dialogues and safety walks "
                "that organizers have logged; and from the police's monthly counts of reported "
                "crimes. Those who answer the survey chose to do so themselves: the figures "
                "describe them, not necessarily everyone in the area."
            ),
        ),
        (
            _("Feeling unsafe"),
            _(
                "Someone who feels fairly or very unsafe at a place at a time of day, or who "
                "stays away then out of worry, counts as feeling unsafe. Those who are not "
                "there at that time, or do not know, are left out of that figure."
            ),
        ),
        (
            _("A big problem"),
            _(
                "The share who call a problem fairly big or very big, among those who "
                "answered the question from no problem at all to a very big problem."
            ),
        ),
        (
            _("Answers and the interval"),
            _(
                "Answers is the number of answers a figure rests on. The range in brackets is a "
                "95-percent interval (Wilson): how far the figure may be off by chance "
                "because only some people answered. Few answers give a wide interval. When "
                "the intervals of two figures overlap a lot, the difference between them is "
                "not certain."
            ),
        ),
        (
            _("Too few answers"),
            _(
                "A figure resting on fewer than %(k)d answers is not shown: it would be too "
                "uncertain, and it could reveal how single persons answered. Sometimes another "
                "figure is hidden too, so that a hidden one cannot be worked out by "
                "subtraction.",
                k=p["suppress_below"],
            ),
        ),
        (
            _("Priorities"),
            _(
                "Each place, problem and time of day gets a score from 0 to 1: %(s)s × the "
                "survey (share calling the problem big and share feeling unsafe, pulled toward "
                "the area's average when few answered) + %(d)s × the dialogues (in how many "
                "meetings it was raised) + %(c)s × crime (a deviation or trend in the matching "
                "crime category). The parts are shown beside the score.",
                **weights(p),
            ),
        ),
        (
            _("Deviations"),
            _(
                "A month's count of reported crimes is compared with the same months of the "
                "previous years. It is a deviation when it is above the upper limit of what "
                "those years lead one to expect, and at least 5."
            ),
        ),
        (_categories_title(), _categories_text()),
        (
            _("Follow-up of promises"),
            _(
                "Survey figures are compared between the survey round before and the round "
                "after; crimes as counts per month in the promise's period and in as long a "
                "period before it. A change is called confirmed only when its 95-percent "
                "interval (of the difference in percentage points, or of the ratio of the "
                "crime counts) lies wholly on one side of no change; otherwise the report "
                "says no confirmed change."
            ),
        ),
        (
            _("This report"),
            _(
                "Made %(when)s from %(filters)s. Every figure can be recomputed from the "
                "exported raw answers.",
                when=i18n.long_date(generated_on(p)),
                filters=filters_text(p, locale),
            ),
        ),
    ]


def _categories_title() -> str:
    return _("Crime categories")


def _categories_text() -> str:
    """The mapping in use, compactly: each category with its police event types."""
    # The shipped file with the admins' changes; the shipped file alone outside the app.
    known = crime_categories.read(db.session.connection()) if has_app_context() else None
    listed = "; ".join(
        f"{labels.crime_category(category)} ({', '.join(types)})"
        for category, types in crime_categories.category_types(known)
        if types
    )
    text = _(
        "Police event types are counted in Trygghet's crime categories: %(categories)s. "
        "Types that are not crimes, such as fires, traffic checks and the police's summaries, "
        "are kept with the events for context only: they are never counted as crime and never "
        "give a deviation. Organizers see every type on the page Crime categories.",
        categories=listed,
    )
    rules = [
        f"{rule.name}: {rule.category or _('Not a crime')}"
        for rule in (known.bra_rules if known else ())
    ]
    if rules:
        text += " " + _(
            "A rule on one of Brå's categories also applies to the categories under it, unless "
            "a more specific rule exists. Rules changed by the admins: %(rules)s.",
            rules="; ".join(rules),
        )
    return text


def _space(pdf: Report) -> float:
    return 0 if pdf.get_y() <= pdf.t_margin else 8


def _size(title: str) -> float:
    # The mapping is a long list: smaller, so that the section keeps to one page.
    return 8 if title == _categories_title() else 9.5


def fits(pdf: Report, parts: list[tuple[str, str]]) -> bool:
    """Whether the section fits whole below what the page holds (measured, not drawn: a
    trial rendering copies the whole document twice)."""
    if pdf.heading_breaks():
        return False
    height = pdf.heading_height(_("How the figures are made"), 15, space=_space(pdf))
    for title, body in parts:
        height += pdf.text_height(title, 9.5, "B", 4.75) + pdf.paragraph_height(body, _size(title))
    return pdf.get_y() + height <= pdf.page_break_trigger


def write_parts(pdf: Report | FPDFRecorder, parts: list[tuple[str, str]]) -> None:
    """The section's heading and parts (tests measure them on a trial copy too)."""
    pdf.heading(_("How the figures are made"), 15, space=_space(pdf))
    for title, body in parts:
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.multi_cell(0, 4.75, title, new_x="LMARGIN", new_y="NEXT")
        pdf.paragraph(body, size=_size(title))

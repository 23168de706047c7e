"""The sections of the PDF report: key figures, charts, priorities, dialogues, promises, method."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ... import i18n, labels
from .. import charts
from ..figures import TIMES, hidden_words, problem_rows
from ..weighting import weighting_text
from .coverage import coverage_note
from .crime_yearly import yearly_section
from .invitations import response_rates
from .items import item_sections
from .layout import (
    Report,
    filters_text,
    generated_on,
    hidden,
    number,
    option_names,
    percent,
    public_address,
    quoted,
    share_text,
    weights,
)
from .round_changes import round_changes

#: Rows of the tables that would make a report too long to hand out; the files have them all.
#: Every problem is listed: as a table (not a chart) they fit on the first page.
TOP_PRIORITIES = 8
TOP_MENTIONS = 10


def _n(cell: dict[str, Any] | None) -> str:
    """How many answers a figure rests on; a dash for a hidden one (its count would tell)."""
    if hidden(cell):
        return "–"
    return i18n.format_number(cell["n"]) if cell else "0"


def _answers(n: int) -> str:
    return ngettext("%(num)d answer", "%(num)d answers", n)


def area_sections(pdf: Report, p: dict[str, Any], locale: str) -> None:
    """Every section of one area, starting on a new page."""
    pdf.add_page()
    _title(pdf, p, locale)
    _key_figures(pdf, p, locale)
    _places(pdf, p, locale)
    item_sections(pdf, p, locale)
    round_changes(pdf, p)
    _priorities(pdf, p)
    _deviations(pdf, p)
    yearly_section(pdf, p)  # Brå's yearly counts: year on year, never monthly deviations
    _dialogues(pdf, p, locale)
    _promises(pdf, p, locale)


def _title(pdf: Report, p: dict[str, Any], locale: str) -> None:
    pdf.set_font("DejaVu", size=10)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(0, 5, _("Local situation picture"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font("DejaVu", "B", 22)
    pdf.multi_cell(0, 10, p["area_name"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    filters = filters_text(p, locale)
    weighting, warning = weighting_text(p)
    pdf.paragraph(
        _(
            "Compiled %(when)s from %(n)s answers (%(filters)s). The range in brackets after "
            "a percentage is its margin of error: how far the figure may be off by chance, "
            "because only some people answered. The column Answers says how many answers a "
            "figure rests on. Figures from fewer than %(k)d answers are not shown.",
            when=i18n.long_date(generated_on(p)),
            n=i18n.format_number(p["n"]),
            filters=filters,
            k=p["suppress_below"],
        )
        + " "
        + weighting,
        muted=True,
    )
    if warning:
        pdf.paragraph(warning)
    address = public_address(p)
    pdf.paragraph(
        _(
            "An internal working document: it has exact counts and notes from dialogues, and "
            "its figures change with every new answer. Do not hand it out or show it at a "
            "meeting. For residents, use the published follow-up: %(address)s",
            address=address,
        )
        if address
        else _(
            "An internal working document: it has exact counts and notes from dialogues, and "
            "its figures change with every new answer. Do not hand it out or show it at a "
            "meeting. For residents, use the published follow-up page."
        ),
    )


def _key_figures(pdf: Report, p: dict[str, Any], locale: str) -> None:
    total, k = p["area_total"], p.get("suppress_below")
    response_rates(pdf, p)
    pdf.heading(_("Key figures for the whole area"))
    rows = [
        [
            labels.indicator_name({"kind": "unsafe_share", "time": t}, locale),
            share_text(total["times"][t], "unsafe_share", k),
            _n(total["times"][t]),
        ]
        for t in TIMES
    ]
    rows += [
        [name, share_text(total[key], threshold=k), _n(total[key])]
        for key, name in labels.SHARES.items()
    ]
    header = [_("Figure"), _("Share (margin of error)"), _("Answers")]
    pdf.data_table(header, rows, (105, 55, 20), ("LEFT", "RIGHT", "RIGHT"))

    problems = problem_rows(total["problems"], labels.problems(locale))
    pdf.heading(_("The biggest problems"), 11)
    pdf.data_table(
        [_("Problem"), _("A big problem for (margin of error)"), _("Answers")],
        [[row["label"], share_text(row, threshold=k), _n(row)] for row in problems],
        (105, 55, 20),
        ("LEFT", "RIGHT", "RIGHT"),
    )
    wishes = total["police_priorities"]
    pdf.heading(_("What residents want the police to prioritise"), 11)
    if wishes["suppressed"]:
        pdf.paragraph(hidden_words([wishes], k))
    else:
        options = option_names("police_priority", locale)
        chosen = [o for o in wishes["options"] if o["count"]][:3]
        listed = "; ".join(
            f"{options.get(o['option'], o['option'])} {percent(o['share'])}" for o in chosen
        )
        pdf.paragraph(
            _(
                "Among %(n)s who chose at least one: %(options)s.",
                n=i18n.format_number(wishes["n"]),
                options=listed,
            )
        )


def _places(pdf: Report, p: dict[str, Any], locale: str) -> None:
    heading = _("Feeling unsafe, by place and time of day")
    alt, k = charts.alt_text(p, locale), p.get("suppress_below")
    if any(not place["suppressed"] for place in p["places"]):
        pdf.picture(charts.unsafe_by_time(p, locale, fmt="png"), alt, heading=heading)
    else:
        pdf.heading(heading)
    pdf.paragraph(alt, muted=True)
    pdf.data_table(
        [_("Place"), _("Answers"), *[labels.TIMES[t] for t in TIMES]],
        [
            [
                place["name"],
                _n(place),
                *[share_text(place["times"][t], "unsafe_share", k) for t in TIMES],
            ]
            for place in p["places"]
        ],
        (36, 16, 32, 32, 32, 32),
        ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        size=8.5,
    )


def _priorities(pdf: Report, p: dict[str, Any]) -> None:
    pdf.heading(_("Priorities"))
    if not p["priorities"]:
        pdf.paragraph(_("Not enough data for priorities yet."))
        return
    pdf.paragraph(
        _(
            "The places, problems and times that the survey, the dialogues and the crime "
            "statistics point to together. Score = %(s)s × survey + %(d)s × dialogues + "
            "%(c)s × crime, each part from 0 to 1.",
            **weights(p),
        ),
        muted=True,
    )
    pdf.data_table(
        ["#", _("Why"), _("Score"), _("Survey"), _("Dialogues"), _("Crime")],
        [
            [
                rank,
                row["explanation"],
                number(row["score"]),
                number(row["components"]["survey"]),
                number(row["components"]["dialogue"]),
                number(row["components"]["crime"]),
            ]
            for rank, row in enumerate(p["priorities"][:TOP_PRIORITIES], start=1)
        ],
        (7, 101, 17, 17, 21, 17),
        ("RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        size=8.5,
    )


def _deviations(pdf: Report, p: dict[str, Any]) -> None:
    pdf.heading(_("Deviations in crime"))
    cov = p.get("crime_coverage") or {}
    coverage_note(pdf, cov)
    if not p["deviations"]:
        # Pictures made before months were told full or partial have no months_full.
        if cov.get("data_up_to") and cov.get("months_full", True) == []:
            pdf.paragraph(
                _(
                    "No month of the last twelve has crime data for all its days: deviations"
                    " cannot be looked for."
                )
            )
        elif cov.get("months_judged", True) == [] and cov.get("data_up_to"):
            pdf.paragraph(
                _(
                    "Too little earlier crime data to look for deviations: a month is compared"
                    " with the same months of at least three earlier years, or with at least"
                    " six of the twelve months before it."
                )
            )
        elif cov.get("data_up_to"):
            pdf.paragraph(
                _(
                    "No month with full crime data had clearly more reported crimes than"
                    " earlier years lead one to expect."
                )
            )
        else:
            pdf.paragraph(_("No crime data: deviations cannot be looked for."))
        return
    pdf.paragraph(
        _("Months when reported crimes were above what earlier years lead one to expect."),
        muted=True,
    )
    pdf.data_table(
        [_("Month"), _("Category"), _("Count"), _("Expected"), _("Upper limit")],
        [
            [
                d["month"],
                labels.crime_category(d["category"])
                + (" (" + _("matched by text") + ")" if d.get("matched_by_text") else ""),
                d["count"],
                number(d["expected"], "0.0"),
                number(d["upper_limit"], "0.0"),
            ]
            for d in p["deviations"]
        ],
        (24, 84, 22, 25, 25),
        ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
    )


def _dialogues(pdf: Report, p: dict[str, Any], locale: str) -> None:
    pdf.heading(_("What dialogues raised"))
    d = p["dialogues"]
    mentions = d.get("mentions") or []
    if not d.get("dialogues"):
        pdf.paragraph(_("No dialogues recorded in this period."))
        return
    people = d["participants"]
    pdf.paragraph(
        ngettext(
            "%(num)d dialogue with %(residents)d residents, %(partners)d partners and "
            "%(staff)d police staff.",
            "%(num)d dialogues with %(residents)d residents, %(partners)d partners and "
            "%(staff)d police staff.",
            d["dialogues"],
            residents=people["residents"],
            partners=people["partners"],
            staff=people["staff"],
        ),
        muted=True,
    )
    if not mentions:
        return
    places = {place["place"]: place["name"] for place in p["places"]}
    problems = labels.problems(locale)
    pdf.data_table(
        [_("Place"), _("Problem"), _("Time"), _("Dialogues"), _("Quote")],
        [
            [
                places.get(m.get("place"), m.get("place")) or p["area_name"],
                problems.get(m["problem"], m["problem"]),
                labels.TIMES.get(m.get("time"), "–"),
                m["dialogues"],
                quoted((m.get("quotes") or [""])[0]),
            ]
            for m in mentions[:TOP_MENTIONS]
        ],
        (30, 38, 23, 21, 68),
        ("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
        size=8.5,
    )


def _side(ind: dict[str, Any], side: str, threshold: int | None) -> str:
    cell = ind.get(side)
    if not cell:
        return "–"
    if ind.get("kind") == "crime":
        return ngettext(
            "%(count)s in %(num)d month",
            "%(count)s in %(num)d months",
            cell["months"],
            count=i18n.format_number(cell["count"]),
        )
    if cell.get("suppressed"):
        return hidden_words([cell], threshold)
    return f"{percent(cell['share'])} ({_answers(cell['n'])})"


def _promises(pdf: Report, p: dict[str, Any], locale: str) -> None:
    pdf.heading(_("Citizen promises and their follow-up"))
    if not p["followup"]:
        pdf.paragraph(_("No promises recorded."))
        return
    for item in p["followup"]:
        promise = item["promise"]
        pdf.heading(promise["title"], 11, space=1)
        period = _(
            "%(start)s to %(end)s. Follow-up: %(status)s.",
            start=i18n.long_date(promise["period_start"]),
            end=i18n.long_date(promise["period_end"]),
            status=i18n.result_said(item),
        )
        pdf.paragraph(f"{promise['text']}\n{period}")
        if item["indicators"]:
            pdf.data_table(
                [_("Indicator"), _("Before"), _("After"), _("Change so far")],
                [
                    [
                        labels.indicator_name(ind, locale),
                        _side(ind, "before", p.get("suppress_below")),
                        _side(ind, "after", p.get("suppress_below")),
                        i18n.change(ind)["sentence"],
                    ]
                    for ind in item["indicators"]
                ],
                (50, 36, 36, 58),
                size=8.5,
            )
        rounds = [promise.get("baseline_round"), promise.get("followup_round")]
        if all(rounds):
            pdf.paragraph(
                _(
                    "Survey figures compare the rounds %(before)s and %(after)s.",
                    before=labels.display_name(rounds[0]["name"]) or rounds[0]["id"],
                    after=labels.display_name(rounds[1]["name"]) or rounds[1]["id"],
                ),
                size=8.5,
                muted=True,
            )
        done = item["activities"]
        if done["total"]:
            pdf.paragraph(
                _(
                    "%(n)d activities logged, %(hours)s hours.",
                    n=done["total"],
                    hours=number(done["hours"], "0.#"),
                ),
                size=8.5,
                muted=True,
            )

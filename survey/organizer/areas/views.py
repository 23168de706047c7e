"""The situation picture on screen: every area at a glance, one area's dashboard, its charts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.disclosure import group_too_small
from analysis.survey import Filters
from survey import labels
from survey.extensions import db
from survey.models.alerts import NOTE_MAX
from survey.reports import pictures
from survey.reports.figures import (
    TIMES,
    any_time_compared,
    heat_level,
    hidden_reasons,
    place_ranking,
)
from survey.reports.weighting import weighting_text
from survey.reports.yearly import has_missing, yearly_rows

from .. import bp, menu_item, organizer_required
from .alerts import HandledForm, dashboard_marks
from .charts import CHART_NAMES, FORMATS, alt_text, chart_etag, chart_input, render
from .forms import SUPPRESS_ALL, AreaFilterForm, filter_query, read_filters
from .summary import comment_topics, place_names, problem_rows

menu_item("organizer.areas", _l("Situation picture"))

TEMPLATES = "organizer/areas/"
#: Browsers may reuse a chart this long without asking; after that a 304 is cheap.
CHART_MAX_AGE = 60


def _locale() -> str:
    return str(get_locale())


def _filter_form() -> tuple[AreaFilterForm, Filters, bool | None]:
    """The filter form of this request, its filters and weighting: none when any is invalid."""
    form = read_filters(request.args, _locale())
    if form.validate():
        return form, form.filters(), form.weighted()
    return form, Filters(), None


def _picture_key(
    slug: str, filters: Filters, suppress_below: int = 0, weighted: bool | None = None
) -> pictures.PictureKey:
    """The key of the picture this request shows; reads the data version (one query)."""
    suppress_below = suppress_below or current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    return pictures.picture_key(
        db.session.connection(), slug, filters, suppress_below, weighted, locale=_locale()
    )


def _shown_key(slug: str, filters: Filters, weighted: bool | None) -> pictures.PictureKey:
    """The key of the picture to show: every figure hidden when a filtered group is small."""
    key = _picture_key(slug, filters, weighted=weighted)
    if filters != Filters() and group_too_small(
        True, _picture_or_404(key)["n"], key.suppress_below
    ):
        return _picture_key(slug, filters, SUPPRESS_ALL, weighted)
    return key


def _picture_or_404(key: pictures.PictureKey) -> dict[str, Any]:
    """The picture of the key, from this process's cache or built now (read it, never change it)."""
    try:
        return pictures.cache_of(current_app).picture(db.session.connection(), key)
    except LookupError:
        abort(404)


def _heat_hidden(picture: dict[str, Any]) -> tuple[bool, bool]:
    """Which reasons for a hidden cell the heat table's legend names (too few, protects)."""
    units = [*picture["places"], picture["area_total"]]
    cells = [unit["times"][t] for unit in units for t in TIMES]
    return hidden_reasons(cells, picture.get("suppress_below"))


def _with_query(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


@bp.get("/areas")
@organizer_required
def areas():
    every = pictures.every_area(
        pictures.cache_of(current_app),
        db.session.connection(),
        current_app.config["TRYGGHET_SUPPRESS_BELOW"],
        _locale(),
    )
    return render_template(TEMPLATES + "overview.html", pictures=every)


@bp.get("/areas/<area>")
@organizer_required
def area(area: str):
    form, filters, weighted = _filter_form()
    # Built once here; the chart requests this page makes find it in the cache.
    key = _picture_key(area, filters, weighted=weighted)
    picture = _picture_or_404(key)
    # A small filtered group: the page shows "too few answers" and no figure; its charts
    # and exports hide every figure too.
    too_few = group_too_small(filters != Filters(), picture["n"], key.suppress_below)
    query = filter_query(filters, weighted)
    locale = _locale()
    topics, untagged, area_id = comment_topics(db.session, area, filters)
    base = url_for("organizer.area", area=area)
    yearly = yearly_rows(picture)
    return render_template(
        TEMPLATES + "dashboard.html",
        form=form,
        picture=picture,
        too_few=too_few,
        weighting=weighting_text(picture),
        suppress_below=current_app.config["TRYGGHET_SUPPRESS_BELOW"],
        query=query,
        times=TIMES,
        time_labels=labels.TIMES,
        problems=labels.problems(locale),
        groups=labels.GROUPS,
        statuses=labels.STATUSES,
        round_directions=labels.ROUND_DIRECTIONS,
        round_compared=bool(picture.get("round_changes"))
        and any_time_compared(picture["round_changes"]),
        ranking=place_ranking(picture),
        problem_rows=problem_rows(picture, locale),
        heat_level=heat_level,
        heat_hidden=_heat_hidden(picture),
        place_names=place_names(picture),
        topics=topics,
        untagged=untagged,
        deviation_marks=dashboard_marks(area),
        yearly=yearly,
        yearly_missing=has_missing(yearly),
        handled_form=HandledForm(),
        note_max=NOTE_MAX,
        comments_url=url_for("organizer.comments", area=area_id, **_comment_query(filters)),
        charts={
            name: {
                "url": {
                    fmt: _with_query(
                        url_for("organizer.area_chart", area=area, name=name, fmt=fmt), query
                    )
                    for fmt in FORMATS
                },
                "alt": alt_text(name, picture, locale),
            }
            for name in CHART_NAMES
        },
        # Plain links: the export routes belong to another module and may not exist yet.
        exports={
            "json": _with_query(f"{base}/lagesbild.json", query),
            "csv": _with_query(f"{base}/lagesbild.csv", query),
            "xlsx": _with_query(f"{base}/lagesbild.xlsx", query),
            "pdf": _with_query(f"{base}/report.pdf", query),
        },
    )


def _comment_query(filters: Filters) -> dict[str, str]:
    # The comments page filters by round and dates, not by gender or age.
    values = {
        "round": filters.round_id,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
    }
    return {key: str(value) for key, value in values.items() if value is not None}


@bp.get("/areas/<area>/charts/<name>.<fmt>")
@organizer_required
def area_chart(area: str, name: str, fmt: str):
    if name not in CHART_NAMES or fmt not in FORMATS:
        abort(404)
    form, filters, weighted = _filter_form()
    if form.errors:
        return Response(
            _("The filters are not valid: open the dashboard to correct them."),
            status=400,
            mimetype="text/plain",
        )
    key = _shown_key(area, filters, weighted)
    etag = chart_etag(name, fmt, key)
    headers = {"Cache-Control": f"private, max-age={CHART_MAX_AGE}", "Vary": "Cookie"}
    if request.if_none_match.contains(etag):
        # The tag names the data version: nothing has changed, so nothing is built or drawn.
        response = Response(status=304, headers=headers)
    else:
        inputs = chart_input(name, _picture_or_404(key), key.locale)
        response = Response(render(name, fmt, inputs), mimetype=FORMATS[fmt], headers=headers)
    response.set_etag(etag)
    return response

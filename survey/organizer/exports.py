"""Downloads for organizers: raw answers and dialogues, an area's situation picture and report.

Every file here is the one ``trygghet export`` and ``trygghet lagesbild`` write: the same
writers (survey.reports.raw_data, survey.reports) fed by the same analysis. Nothing is cached on the
way (Cache-Control: no-store), since raw answers and comments are personal data.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from flask import Response, abort, render_template, request, send_file, stream_with_context
from flask import current_app as app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from analysis.disclosure import group_too_small
from analysis.survey import Filters

from .. import clock
from ..extensions import db
from ..models import Area
from ..reports.crime_export import CRIME_COLUMNS, crime_rows, write_crime
from ..reports.files import csv_chunks
from ..reports.pictures import build_pictures
from ..reports.raw_data import (
    added_items,
    dialogue_columns,
    dialogue_records,
    dialogue_rows,
    response_columns,
    response_rows,
    write_dialogues,
    write_responses,
)
from ..reports.writers import report_filename, write_pictures
from ..services import audit
from ..services.status import has_demo_data
from ..web.errors import render_error
from . import admin_required, bp, menu_item, organizer_required
from .areas.forms import read_filters

menu_item("organizer.exports", _l("Exports"))

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _filename(stem: str, fmt: str) -> str:
    return f"trygghet-{stem}-{clock.today().isoformat()}.{fmt}"


def _download(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _stream_csv(header: list[str], rows: Iterator[list[Any]], filename: str) -> Response:
    """Send a CSV row by row while the rows are read (the request context stays open)."""
    chunks = (chunk.encode("utf-8") for chunk in csv_chunks(header, rows))
    response = Response(stream_with_context(chunks), content_type=CONTENT_TYPES["csv"])
    return _download(response, filename)


def _send_xlsx(write: Callable[[IO[bytes]], Any], filename: str) -> Response:
    """Write an XLSX into a temporary file, then send that file.

    An XLSX is a zip archive whose directory comes last, so it cannot go out before it is
    complete; openpyxl's write-only mode keeps memory flat while writing, and the temporary
    file (removed when the response closes it) keeps the finished archive out of memory.
    """
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it after sending)
    try:
        write(spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = send_file(spool, mimetype=CONTENT_TYPES["xlsx"], conditional=False, etag=False)
    return _download(response, filename)


@bp.get("/export")
@organizer_required
def exports():
    areas = db.session.scalars(select(Area).order_by(Area.name))
    return render_template("organizer/exports.html", areas=list(areas))


@bp.get("/export/responses.<any(csv, xlsx):fmt>")
@admin_required
def export_responses(fmt: str):
    # Raw answers hold residents' own words and, row by row, what one person answered: only
    # admins take a copy, and who did, and when, is on record.
    audit.record(db.session, "export.responses", details={"format": fmt})
    db.session.commit()
    filename = _filename("svar", fmt)
    if fmt == "csv":
        added = [item.code for item in added_items(db.session)]
        return _stream_csv(response_columns(added), response_rows(db.session, added), filename)
    return _send_xlsx(lambda out: write_responses(db.session, out, "xlsx"), filename)


@bp.get("/export/dialogues.<any(csv, xlsx):fmt>")
@organizer_required
def export_dialogues(fmt: str):
    audit.record(db.session, "export.dialogues", details={"format": fmt})
    db.session.commit()
    filename = _filename("dialoger", fmt)
    if fmt == "csv":
        records = dialogue_records(db.session)
        return _stream_csv(dialogue_columns(), dialogue_rows(records), filename)
    return _send_xlsx(lambda out: write_dialogues(db.session, out, "xlsx"), filename)


class FilterError(ValueError):
    """A query argument that cannot be used; the message says which and why."""


LANGUAGES = ("sv", "en")


def _area_pictures(area: str) -> tuple[list[dict[str, Any]], str]:
    """The area's picture as the query asks for it, and its language (FilterError if bad).

    The filters are the area dashboard's own form, so its download links carry what it shows.
    """
    if db.session.scalar(select(Area.id).where(Area.slug == area)) is None:
        abort(404)
    lang = request.args.get("lang", "sv")
    if lang not in LANGUAGES:
        raise FilterError(_("lang must be sv or en."))
    form = read_filters(request.args, lang)
    if not form.validate():
        raise FilterError(
            " ".join(
                f"{form[name].label.text}: {' '.join(map(str, errors))}"
                for name, errors in form.errors.items()
            )
        )
    filters, threshold = form.filters(), app.config["TRYGGHET_SUPPRESS_BELOW"]
    with db.engine.connect() as conn:
        pictures = build_pictures(conn, [area], filters, threshold, form.weighted(), lang)
    if group_too_small(filters != Filters(), pictures[0]["n"], threshold):
        # As on the dashboard: a small filtered group gives no figure, not even its count.
        raise FilterError(
            _(
                "Too few answers with these filters: fewer than %(k)d, so nothing is shown."
                " Widen the filters.",
                k=threshold,
            )
        )
    return pictures, lang


def _bad_filter(exc: FilterError):
    return render_error(400, (_("The filter cannot be used"), str(exc)))


@bp.get("/areas/<area>/lagesbild.<any(json, csv, xlsx):fmt>")
@organizer_required
def area_lagesbild(area: str, fmt: str):
    try:
        pictures, lang = _area_pictures(area)
    except FilterError as exc:
        return _bad_filter(exc)
    filename = _filename(f"lagesbild-{area}", fmt)
    if fmt == "xlsx":
        return _send_xlsx(lambda out: write_pictures(pictures, "xlsx", out, lang), filename)
    text = io.StringIO()
    write_pictures(pictures, fmt, text, lang)
    return _download(Response(text.getvalue(), content_type=CONTENT_TYPES[fmt]), filename)


@bp.get("/areas/<area>/crime.<any(csv, xlsx):fmt>")
@organizer_required
def area_crime(area: str, fmt: str):
    """The area's crime counts per month and category, as ``trygghet export crime``."""
    try:
        rows = list(crime_rows(db.session, area))
    except LookupError:
        abort(404)
    filename = _filename(f"brott-{area}", fmt)
    if fmt == "csv":
        return _stream_csv(CRIME_COLUMNS, iter(rows), filename)
    return _send_xlsx(lambda out: write_crime(db.session, out, "xlsx", area), filename)


@bp.get("/areas/<area>/report.pdf")
@organizer_required
def area_report(area: str):
    try:
        pictures, lang = _area_pictures(area)
    except FilterError as exc:
        return _bad_filter(exc)
    out = io.BytesIO()
    write_pictures(pictures, "pdf", out, lang, demo=has_demo_data(db.session))
    response = Response(out.getvalue(), content_type=CONTENT_TYPES["pdf"])
    return _download(response, report_filename(area, clock.today(), lang))

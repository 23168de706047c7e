"""Admin: population margins per area, the targets of the weighting: list, upload, delete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import Optional

from ..extensions import db
from ..i18n import format_number
from ..imports import ImportRefused
from ..imports.population import import_population
from ..models import Area
from ..questionnaire import catalogue_item
from ..questionnaire.model import text
from ..services import audit
from ..services.population import MARGIN_COLUMNS, delete_margins, margin_rows, margins_by_area
from ..services.responses import live_questionnaire
from ..web.fields import WholeNumberField, in_range
from ..web.uploads import MARGINS_UPLOAD, UPLOADS, size_text
from . import admin_required, bp, menu_item, organizer_required
from .exports import _filename, _stream_csv

menu_item("organizer.population", _l("Population"), admin_only=True)


class PopulationUploadForm(FlaskForm):
    file = FileField(
        _l("Population file (CSV)"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "area,gender,age_band,count (and year), or Statistics Sweden's table export"
            " (region, ålder, kön and a column per year)."
        ),
    )
    year = WholeNumberField(
        _l("Year"),
        validators=[Optional(), in_range(1900, 2100)],
        description=_l("Only for a file without a year column."),
    )
    area = SelectField(
        _l("Area"),
        description=_l(
            "Only to add up every row of the file into one area, e.g. the small regions"
            " (DeSO) of a district."
        ),
    )


def _upload_form(posted: bool) -> PopulationUploadForm:
    form = PopulationUploadForm() if posted else PopulationUploadForm(formdata=None)
    areas = db.session.execute(select(Area.slug, Area.name).order_by(Area.name))
    form.area.choices = [("", _("Each row's region"))] + [(slug, name) for slug, name in areas]
    return form


def option_labels(code: str) -> dict[str, str]:
    """The live questionnaire's words for an item's options, in the reader's language
    (version 1's for an item the live version does not ask)."""
    locale = str(get_locale())
    item = catalogue_item(live_questionnaire(db.session), code)
    return {option.value: text(option.label, locale) for option in item.options}


def _page(form: PopulationUploadForm, errors: list[str] | None = None, status: int = 200):
    return render_template(
        "organizer/population.html",
        areas=margins_by_area(db.session),
        form=form,
        delete_form=FlaskForm(),
        import_errors=errors or [],
        max_size=size_text(UPLOADS[MARGINS_UPLOAD].limit),
        gender_labels=option_labels("gender"),
        age_labels=option_labels("age_band"),
    ), status


@bp.get("/population")
@admin_required
def population():
    return _page(_upload_form(posted=False))


@bp.post("/population")
@admin_required
def population_upload():
    form = _upload_form(posted=True)
    if not form.validate_on_submit():
        return _page(form, status=422)
    upload = form.file.data
    try:
        result = import_population(
            db.session,
            upload.read(),
            live_questionnaire(db.session),
            year=form.year.data,
            area_slug=form.area.data or None,
            filename=upload.filename or None,
        )
    except ImportRefused as exc:
        db.session.rollback()
        return _page(form, exc.lines(), status=422)
    db.session.commit()
    flash(
        _(
            "Population imported: %(summary)s. Nothing else was changed.",
            summary=result.summary(format_number),
        ),
        "success",
    )
    return redirect(url_for("organizer.population"), code=303)


@bp.post("/population/<area>/<int:year>/delete")
@admin_required
def population_delete(area: str, year: int):
    found = db.session.scalar(select(Area).where(Area.slug == area))
    if found is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        if delete_margins(db.session, found, year):
            db.session.commit()
            flash(
                _(
                    "The population of %(area)s for %(year)s is deleted.",
                    area=found.name,
                    year=year,
                ),
                "success",
            )
        else:
            flash(_("There was nothing to delete."), "info")
    return redirect(url_for("organizer.population"), code=303)


@bp.get("/export/population.csv")
@organizer_required
def export_population():
    audit.record(db.session, "export.population", details={"format": "csv"})
    db.session.commit()
    rows = iter(margin_rows(db.session))
    return _stream_csv(MARGIN_COLUMNS, rows, _filename("befolkning", "csv"))

"""Admin: places per area: add, rename, retire, import a list, print QR posters."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from ..extensions import db
from ..models import Area, Place
from ..services.places import (
    PlaceError,
    add_place,
    import_places,
    match_events_again,
    rename_place,
    set_retired,
)
from ..web.fields import INVALID_CHOICE, REQUIRED, one_line_text
from . import admin_required, bp, menu_item

menu_item("organizer.places", _l("Places"), admin_only=True)


class PlaceForm(FlaskForm):
    area = SelectField(
        _l("Area"),
        coerce=int,
        validators=[InputRequired(REQUIRED)],
        invalid_choice_message=INVALID_CHOICE,
    )
    slug = StringField(
        _l("Address name"),
        validators=[InputRequired(REQUIRED), Length(max=64)],
        description=_l("Used in links and QR posters, e.g. stora-mossen. It cannot be changed."),
    )
    name = StringField(
        _l("Name"), validators=[InputRequired(REQUIRED), Length(max=200), one_line_text]
    )


class RenameForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[InputRequired(REQUIRED), Length(max=200), one_line_text]
    )


class PlaceImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "Columns area, slug and name, separated by commas or semicolons (UTF-8 or"
            " Windows-1252, as Excel saves CSV). New places are added, names updated."
        ),
    )


def _areas() -> list[Area]:
    return list(
        db.session.scalars(select(Area).options(selectinload(Area.places)).order_by(Area.name))
    )


def _page(
    form: PlaceForm | None = None, import_form: PlaceImportForm | None = None, status: int = 200
):
    areas = _areas()
    form = form or PlaceForm(formdata=None)
    form.area.choices = [SelectChoice(a.id, a.name) for a in areas]
    return render_template(
        "organizer/places.html",
        areas=areas,
        form=form,
        import_form=import_form or PlaceImportForm(formdata=None),
        toggle=FlaskForm(),
    ), status


@bp.get("/places")
@admin_required
def places():
    return _page()


@bp.post("/places")
@admin_required
def place_add():
    form = PlaceForm()
    form.area.choices = [SelectChoice(a.id, a.name) for a in _areas()]
    if form.validate_on_submit():
        area = db.session.get(Area, form.area.data)
        try:
            place = add_place(db.session, area, form.slug.data.strip(), form.name.data)
            match_events_again(db.session, [area])
        except PlaceError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s is added.", name=place.name), "success")
            return redirect(url_for("organizer.places"), code=303)
    return _page(form=form, status=422)


@bp.route("/places/<int:place_id>/edit", methods=["GET", "POST"])
@admin_required
def place_edit(place_id: int):
    place = db.get_or_404(Place, place_id)
    form = RenameForm(obj=place)
    if form.validate_on_submit():
        try:
            before = place.name
            rename_place(db.session, place, form.name.data)
            if place.name != before:
                match_events_again(db.session, [place.area])
        except PlaceError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The name is saved."), "success")
            return redirect(url_for("organizer.places"), code=303)
    return render_template("organizer/place_edit.html", place=place, form=form), (
        422 if form.errors else 200
    )


@bp.post("/places/<int:place_id>/retire")
@admin_required
def place_retire(place_id: int):
    place = db.get_or_404(Place, place_id)
    if FlaskForm().validate_on_submit():
        set_retired(db.session, place, not place.retired)
        db.session.commit()
        flash(
            _("%(name)s is retired: it keeps its answers but takes no new ones.", name=place.name)
            if place.retired
            else _("%(name)s takes answers again.", name=place.name),
            "success",
        )
    return redirect(url_for("organizer.places"), code=303)


@bp.post("/places/import")
@admin_required
def place_import():
    import_form = PlaceImportForm()
    if import_form.validate_on_submit():
        try:
            result = import_places(db.session, import_form.file.data.read())
        except PlaceError as exc:
            db.session.rollback()
            import_form.file.errors.extend(str(exc).split("\n"))
        else:
            db.session.commit()
            added = ngettext("%(num)d place added", "%(num)d places added", result.added)
            renamed = ngettext("%(num)d renamed", "%(num)d renamed", result.renamed)
            flash(_("%(added)s, %(renamed)s.", added=added, renamed=renamed), "success")
            return redirect(url_for("organizer.places"), code=303)
    return _page(import_form=import_form, status=422)

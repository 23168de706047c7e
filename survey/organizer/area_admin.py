"""Admin: areas and the names crime feeds use for them (add, rename, aliases, district of)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, Optional

from ..extensions import db
from ..imports.crime_rows import COUNTY, unusable_alias
from ..models import Area
from ..services.areas import (
    AreaError,
    add_alias,
    add_area,
    list_areas,
    remove_alias,
    rename_area,
    set_municipality,
)
from ..web.fields import REQUIRED, one_line_text
from . import admin_required, bp, menu_item

menu_item("organizer.area_names", _l("Areas and feed names"), admin_only=True)

MUNICIPALITY_HINT = _l(
    "Only for a district of a larger municipality, e.g. Stockholm for Bromma. Police events"
    " there then count for this area when their text names it, an alias or one of its places."
)


def _name_field(label: Any, description: Any = "") -> StringField:
    return StringField(
        label,
        validators=[InputRequired(REQUIRED), Length(max=200), one_line_text],
        description=description,
    )


class AreaForm(FlaskForm):
    slug = StringField(
        _l("Address name"),
        validators=[InputRequired(REQUIRED), Length(max=64)],
        description=_l("Used in links, e.g. bromma. It cannot be changed."),
    )
    name = _name_field(_l("Name"))
    municipality = StringField(
        _l("District of the municipality"),
        validators=[Optional(), Length(max=200), one_line_text],
        description=MUNICIPALITY_HINT,
    )


class RenameAreaForm(FlaskForm):
    name = _name_field(_l("Name"))


class DistrictForm(FlaskForm):
    municipality = StringField(
        _l("District of the municipality"),
        validators=[Optional(), Length(max=200), one_line_text],
        description=MUNICIPALITY_HINT,
    )


class AliasForm(FlaskForm):
    alias = _name_field(
        _l("Another name"),
        _l("A name crime feeds use for this area: a municipality, a district or a place."),
    )


@bp.get("/area-names")
@admin_required
def area_names():
    return _list_page()


def _list_page(form: AreaForm | None = None, status: int = 200):
    return render_template(
        "organizer/area_admin.html",
        areas=list_areas(db.session),
        form=form or AreaForm(formdata=None),
    ), status


@bp.post("/area-names")
@admin_required
def area_names_add():
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = add_area(
                db.session, form.slug.data or "", form.name.data or "", form.municipality.data
            )
        except AreaError as exc:
            db.session.rollback()
            field = getattr(form, exc.field)
            field.errors = [*field.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("%(name)s is added.", name=area.name), "success")
            return redirect(url_for("organizer.area_names"), code=303)
    return _list_page(form, 422)


def _unusable_text(reason: str) -> str:
    """Why an alias stored by an earlier version is ignored (add_alias refuses it now)."""
    if reason == COUNTY:
        return _("Not used: a county (every police event there would count for this area).")
    return _(
        "Not used: the municipality this area is a district of (every police event there would"
        " count for it)."
    )


def _edit_page(area: Area, status: int = 200, **forms: FlaskForm):
    return render_template(
        "organizer/area_admin_edit.html",
        area=area,
        rename=forms.get("rename") or RenameAreaForm(formdata=None, name=area.name),
        district=forms.get("district")
        or DistrictForm(formdata=None, municipality=area.municipality or ""),
        alias=forms.get("alias") or AliasForm(formdata=None),
        remove=FlaskForm(),
        unusable={
            a.id: _unusable_text(reason)
            for a in area.aliases
            if (reason := unusable_alias(a.name, area.municipality))
        },
    ), status


@bp.get("/area-names/<int:area_id>")
@admin_required
def area_names_edit(area_id: int):
    return _edit_page(db.get_or_404(Area, area_id))


def _apply(area: Area, form: FlaskForm, field: Any, change: Any, done: str, key: str):
    if form.validate_on_submit():
        try:
            change()
        except AreaError as exc:
            db.session.rollback()
            field.errors = [*field.errors, str(exc)]
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("organizer.area_names_edit", area_id=area.id), code=303)
    return _edit_page(db.get_or_404(Area, area.id), 422, **{key: form})


@bp.post("/area-names/<int:area_id>/rename")
@admin_required
def area_names_rename(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = RenameAreaForm()
    return _apply(
        area,
        form,
        form.name,
        lambda: rename_area(db.session, area, form.name.data or ""),
        _("The name is saved."),
        "rename",
    )


@bp.post("/area-names/<int:area_id>/district")
@admin_required
def area_names_district(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = DistrictForm()
    return _apply(
        area,
        form,
        form.municipality,
        lambda: set_municipality(db.session, area, form.municipality.data or None),
        _("Saved. Stored police events are matched to the areas again."),
        "district",
    )


@bp.post("/area-names/<int:area_id>/aliases")
@admin_required
def area_names_alias(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = AliasForm()
    return _apply(
        area,
        form,
        form.alias,
        lambda: add_alias(db.session, area, form.alias.data or ""),
        _("%(name)s is added.", name=form.alias.data or ""),
        "alias",
    )


@bp.post("/area-names/<int:area_id>/aliases/<int:alias_id>/remove")
@admin_required
def area_names_unalias(area_id: int, alias_id: int):
    area = db.get_or_404(Area, area_id)
    alias = next((a for a in area.aliases if a.id == alias_id), None)
    if alias is None:
        return _edit_page(area, 404)
    if FlaskForm().validate_on_submit():
        name = alias.name
        remove_alias(db.session, area, name)
        db.session.commit()
        flash(_("%(name)s is removed.", name=name), "success")
    return redirect(url_for("organizer.area_names_edit", area_id=area.id), code=303)

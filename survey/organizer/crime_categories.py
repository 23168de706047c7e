"""The crime category mapping: every entry shown to organizers, changed by admins."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, Length, Optional

from analysis import crime_categories as shipped

from .. import labels
from ..extensions import db
from ..models import CategoryOverride
from ..services.categories import (
    CategoryError,
    current_mapping,
    known_police_type,
    list_overrides,
    remove_override,
    seen_bra_categories,
    set_override,
    unreviewed_types,
)
from ..web.fields import REQUIRED, CheckboxGroupField, choice_field, one_line_text
from . import admin_required, bp, menu_item, organizer_required

menu_item("organizer.crime_categories", _l("Crime categories"))

SOURCE_NAMES = {"police": _l("Police event type"), "bra": _l("Brå category, code or path")}


class OverrideForm(FlaskForm):
    source = choice_field(
        RadioField,
        _l("Source"),
        required=_l("Choose police or Brå."),
        choices=[SelectChoice(key, label) for key, label in SOURCE_NAMES.items()],
        default="police",
    )
    name = StringField(
        _l("Type or Brå category"),
        validators=[InputRequired(REQUIRED), Length(max=200), one_line_text],
        description=_l("As the source writes it, e.g. Rån, försök."),
    )
    category = StringField(
        _l("Trygghet's crime category"),
        validators=[Optional(), Length(max=120), one_line_text],
        description=_l(
            "An existing category, or a new name. Not a crime: leave it empty and tick Not a crime."
        ),
    )
    not_crime = BooleanField(_l("Not a crime: keep for context, never count it"))
    problems = choice_field(
        CheckboxGroupField,
        _l("Survey problems"),
        description=_l("For a new category or a type that is not a crime."),
    )

    def __init__(self, *args: Any, locale: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems.choices = [
            SelectChoice(k, label) for k, label in labels.survey_problems(locale).items()
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: the category's Optional() stops its own checks when it is empty.
        message = None
        if not self.category.data and not self.not_crime.data:
            message = _("Write a category, or tick Not a crime.")
        elif self.category.data and self.not_crime.data:
            message = _("Either a category or Not a crime, not both.")
        if message:
            self.category.errors = [*self.category.errors, message]
            return False
        return valid


def _page(form: OverrideForm | None = None, status: int = 200):
    locale = str(get_locale())
    known = current_mapping(db.session)
    overridden = {folded for source, folded in known.overridden if source == "police"}
    return render_template(
        "organizer/crime_categories.html",
        categories=[
            (name, known.categories[name], types) for name, types in shipped.category_types(known)
        ],
        context=[(n, known.context_types[shipped.fold(n)]) for n in shipped.context_names(known)],
        overridden=overridden,
        fold=shipped.fold,
        # A rule's problems as used: its category's (the same for every type in it).
        known=known,
        overrides=list_overrides(db.session),
        unreviewed=unreviewed_types(db.session),
        bra_seen=seen_bra_categories(db.session),
        problems=labels.survey_problems(locale),
        source_names=SOURCE_NAMES,
        form=(form or OverrideForm(formdata=None, locale=locale))
        if current_user.role == "admin"
        else None,
        remove=FlaskForm(),
    ), status


@bp.get("/crime-categories")
@organizer_required
def crime_categories():
    return _page()


@bp.post("/crime-categories")
@admin_required
def crime_categories_set():
    form = OverrideForm(locale=str(get_locale()))
    if form.validate_on_submit():
        try:
            override = set_override(
                db.session,
                form.source.data or "",
                form.name.data or "",
                None if form.not_crime.data else form.category.data,
                list(form.problems.data or ()),
            )
        except CategoryError as exc:
            db.session.rollback()
            field = getattr(form, exc.field)
            field.errors = [*field.errors, str(exc)]
        else:
            db.session.commit()
            done = (
                _("%(name)s is saved. Police events are counted again.", name=override.name)
                if override.source == "police"
                # Brå's counts are stored as published; the rule applies when they are read.
                else _("%(name)s is saved.", name=override.name)
            )
            flash(done, "success")
            if override.source == "police" and not known_police_type(db.session, override.name):
                flash(
                    _(
                        "No stored police event has the type %(name)s, and the shipped file"
                        " does not name it: check the spelling.",
                        name=override.name,
                    ),
                    "info",
                )
            return redirect(url_for("organizer.crime_categories"), code=303)
    return _page(form, 422)


@bp.post("/crime-categories/<int:override_id>/remove")
@admin_required
def crime_categories_remove(override_id: int):
    override = db.get_or_404(CategoryOverride, override_id)
    if FlaskForm().validate_on_submit():
        name = override.name
        remove_override(db.session, override)
        db.session.commit()
        flash(_("%(name)s follows the shipped file again.", name=name), "success")
    return redirect(url_for("organizer.crime_categories"), code=303)

"""The organizers' start page."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from . import bp, menu_item, organizer_required

menu_item("organizer.home", _l("Start"))


@bp.get("/")
@organizer_required
def home():
    return render_template("organizer/home.html")

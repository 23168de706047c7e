"""The organizers' start page: what needs attention now (open rounds, answers, deviations)."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..services.status import status
from . import bp, menu_item, organizer_required

menu_item("organizer.home", _l("Start"))


@bp.get("/")
@organizer_required
def home():
    return render_template("organizer/home.html", status=status(db.session, clock.today()))

"""Publishing from the dashboard: a preview of exactly what will be public, then "Publicera"."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from survey import clock, labels
from survey.extensions import db
from survey.i18n import change, local_datetime, result_said
from survey.public.followup_services import listed_followups
from survey.reports.weighting import weighting_text
from survey.services import releases
from survey.services.release_hidden import escalated, hidden_too
from survey.services.release_refusals import round_closed, unresolved_text
from survey.services.release_rises import RECENT_DAYS, Rise, quick_rises

from .. import bp, organizer_required
from ..population import option_labels

TEMPLATE = "organizer/areas/publish.html"


class PublishForm(FlaskForm):
    """The button under the preview; ``version`` is the data the preview was made from."""

    version = HiddenField()


def _round_arg() -> int | None:
    value = request.values.get("round") or None
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and 0 < int(value) < 2**31):
        abort(404)
    return int(value)


def _prepare_checks(area_slug: str, round_id: int | None) -> tuple[Any, Any]:
    """The area and round asked for; 404 when either is unknown."""
    try:
        area = releases.find_area(db.session, area_slug)
        threshold = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
        return area, releases.choose_round(db.session, area, round_id, clock.today(), threshold)
    except releases.PublishRefused:
        abort(404)


def _prepare(area_slug: str, round_id: int | None) -> releases.Prepared:
    area, survey_round = _prepare_checks(area_slug, round_id)
    threshold = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    return releases.prepare(db.session, area, survey_round, threshold, clock.today())


def _shown(public: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the preview's table: the area and each place, with what is shown."""
    area = {"name": public.get("area_name"), **public.get("area_total", {})}
    return [area, *public.get("places", [])]


def _unchanged_text(previous: Any) -> str:
    return _(
        "Nothing has changed on the public side since the release of %(date)s: publishing now"
        " would show exactly the same figures, so no new release is made.",
        date=local_datetime(previous.created_at),
    )


@bp.get("/areas/<area>/publish")
@organizer_required
def publish_preview(area: str):
    prepared = _prepare(area, _round_arg())
    db.session.rollback()  # a preview stores nothing
    round_key = prepared.round.id if prepared.round else 0
    earlier = releases.releases_of(db.session, prepared.area)
    latest = next((r for r in earlier if r.round_key == round_key), None)
    form = PublishForm(version=prepared.version)
    return render_template(
        TEMPLATE,
        form=form,
        prepared=prepared,
        public=prepared.public,
        weighting=weighting_text(prepared.audited),
        rows=_shown(prepared.public),
        promises=listed_followups(prepared.public),
        result_said=result_said,
        change=change,
        payload=json.dumps(prepared.public, ensure_ascii=False, indent=2, sort_keys=True),
        earlier=earlier,
        time_labels=labels.TIMES,
        unchanged=_unchanged_text(prepared.same_as) if prepared.same_as else None,
        refused=(
            unresolved_text(
                prepared.unresolved,
                prepared.place_names,
                round_closed(prepared.round, clock.today()),
            )
            if prepared.unresolved
            else None
        ),
        empty=not prepared.counted,
        too_few=0 < prepared.counted < prepared.audit_summary["threshold"],
        other_rounds=[
            r
            for r in releases.area_rounds(db.session, prepared.area)
            if r.opens_on <= clock.today() and (prepared.round is None or r.id != prepared.round.id)
        ],
        hidden_too=hidden_too(prepared.audited, prepared.audit_summary["threshold"]),
        recent_days=RECENT_DAYS,
        rises=[
            (_rise_name(rise), rise)
            for rise in quick_rises(
                db.session,
                prepared.area.id,
                round_key,
                prepared.public,
                latest,
                prepared.audit_summary["threshold"],
                clock.today(),
            )
        ],
        escalated=escalated(prepared.audit_summary["audit"], prepared.audited),
    )


def _rise_name(rise: Rise) -> str:
    """A place by its name, a group as "Gender: Other" in the reader's language."""
    if rise.group is None:
        return labels.display_name(rise.name)
    kind = _("Gender") if rise.group == "gender" else _("Age")
    return _(
        "%(kind)s: %(group)s", kind=kind, group=option_labels(rise.group).get(rise.name, rise.name)
    )


@bp.post("/areas/<area>/publish")
@organizer_required
def publish(area: str):
    round_id = _round_arg()
    _prepare_checks(area, round_id)
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("The form had expired: look at the preview again and publish."), "error")
        return redirect(url_for("organizer.publish_preview", area=area, round=round_id))
    try:
        release = releases.publish(
            db.session,
            area,
            round_id,
            current_app.config["TRYGGHET_SUPPRESS_BELOW"],
            clock.today(),
            user=current_user._get_current_object(),
            expect_version=form.version.data or "",
        )
    except (releases.Unchanged, releases.Unresolved):
        db.session.rollback()  # the preview says so, in place of the button
        return redirect(url_for("organizer.publish_preview", area=area, round=round_id))
    except releases.StalePreview:
        db.session.rollback()
        flash(
            _("New data arrived after the preview: check the preview again before publishing."),
            "error",
        )
        return redirect(url_for("organizer.publish_preview", area=area, round=round_id))
    db.session.commit()
    flash(_("Published. The public page now shows these figures."), "success")
    return redirect(url_for("public.followup_area", slug=area, release=release.id))

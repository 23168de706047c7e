"""Deviations that reach people: each new one mailed once to those who asked, and posted.

``record_new`` stores every deviation of the last few months not seen before (area,
category, month: unique). ``deliver`` mails each opted-in, active organizer one digest of
the pending ones (Swedish first, then English) and posts them as one JSON request to
``TRYGGHET_ALERT_WEBHOOK_URL`` if set. A deviation counts as mailed only once every
recipient's server accepted its digest (``DeviationMail`` remembers who already has it, so a
retry never mails anyone twice); one that failed stays pending, with the error (never an
address) recorded, and the next run tries again. ``mark_handled`` records what was done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from analysis.deviations import deviations, shift_month

from .. import clock
from ..imports.crime_rows import FIRST_YEAR
from ..models import Area, User
from ..models.accounts import utcnow
from ..models.alerts import NOTE_MAX, DeviationAlert, DeviationMail
from . import audit
from .alert_texts import as_json, digest
from .mail import MailError, SmtpSettings, compose, send, smtp_settings
from .outbound import OutboundError, exchange

#: Deviations are looked for in this month and the months before it, this many in all.
RECENT_MONTHS = 3
#: Seconds the webhook may take to answer.
WEBHOOK_TIMEOUT = 10.0
#: The header with the HMAC-SHA256 of the body when TRYGGHET_ALERT_WEBHOOK_SECRET is set.
SIGNATURE_HEADER = "X-Trygghet-Signature"


class AlertError(ValueError):
    """A handled mark that cannot be stored (the message says why)."""


class AlertConfigError(RuntimeError):
    """A webhook setting that cannot work."""


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str | None = None
    timeout: float = WEBHOOK_TIMEOUT


def webhook_settings(config: Mapping[str, Any]) -> WebhookSettings | None:
    """The webhook in the config (TRYGGHET_ALERT_WEBHOOK_URL, _SECRET), or None if unset."""
    url = (config.get("TRYGGHET_ALERT_WEBHOOK_URL") or "").strip()
    if not url:
        return None
    if not url.startswith(("https://", "http://")):
        raise AlertConfigError("TRYGGHET_ALERT_WEBHOOK_URL must start with https:// or http://")
    return WebhookSettings(url, config.get("TRYGGHET_ALERT_WEBHOOK_SECRET") or None)


@dataclass
class Delivery:
    """What one run did, for its one-line summary."""

    new: int = 0
    digests: int = 0
    mail_failed: int = 0
    mail: bool = False
    webhook_state: str = "off"
    pending: int = 0
    #: Deviations the webhook accepted.
    sent: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        mail = f"e-mail digests sent {self.digests}, failed {self.mail_failed}"
        return (
            f"deviations: {self.new} new; {mail if self.mail else 'mail not configured'};"
            f" webhook {self.webhook_state}; {self.pending} still pending"
        )


def record_new(session: Session, today: dt.date) -> list[DeviationAlert]:
    """Store the deviations of the recent months that were not seen before; the new ones."""
    this_month = today.replace(day=1)
    first = shift_month(this_month, 1 - RECENT_MONTHS)
    found = deviations(session.connection(), None, months=(first, this_month), today=today)
    areas = {area.slug: area for area in session.scalars(select(Area))}
    seen = {
        tuple(row)
        for row in session.execute(
            select(DeviationAlert.area_id, DeviationAlert.category, DeviationAlert.month).where(
                DeviationAlert.month >= first
            )
        )
    }
    new = []
    for alarm in found:
        area = areas.get(alarm["area"])
        month = dt.date.fromisoformat(alarm["month"] + "-01")
        if area is None or (area.id, alarm["category"], month) in seen:
            continue
        seen.add((area.id, alarm["category"], month))
        new.append(_alert(area, alarm["category"], month, alarm))
    session.add_all(new)
    session.flush()
    return new


#: Read from the environment when the app's config does not hold them.
WEBHOOK_VARIABLES = ("TRYGGHET_ALERT_WEBHOOK_URL", "TRYGGHET_ALERT_WEBHOOK_SECRET")


def alert_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The app's config, with the webhook's settings from the environment where it has none."""
    settings = dict(config)
    for name in WEBHOOK_VARIABLES:
        if not settings.get(name) and os.environ.get(name):
            settings[name] = os.environ[name]
    return settings


def record_and_deliver(session: Session, config: Mapping[str, Any], today: dt.date) -> Delivery:
    """Store the new deviations (committed: seen once, even if a send fails), then send the
    pending ones and commit what went out. After every crime import and fetch, and on a timer.

    Raises AlertConfigError (rolled back) for a webhook setting that cannot work.
    """
    settings = alert_settings(config)
    try:
        new = record_new(session, today)
        session.commit()
        result = deliver(session, settings)
    except AlertConfigError:
        session.rollback()
        raise
    session.commit()
    result.new = len(new)
    return result


def _alert(area: Area, category: str, month: dt.date, alarm: Mapping[str, Any]) -> DeviationAlert:
    figures = {key: alarm[key] for key in ("count", "expected", "upper_limit", "score")}
    by_text = bool(alarm.get("matched_by_text"))
    return DeviationAlert(
        area=area, category=category, month=month, matched_by_text=by_text, attempts=0, **figures
    )


def _pending(session: Session, column: Any) -> list[DeviationAlert]:
    return list(
        session.scalars(
            select(DeviationAlert)
            .options(joinedload(DeviationAlert.area))
            .where(column.is_(None), DeviationAlert.handled_at.is_(None))
            .order_by(DeviationAlert.month, DeviationAlert.id)
        )
    )


def deliver(session: Session, config: Mapping[str, Any]) -> Delivery:
    """Mail and post the pending deviations; mark sent only what was accepted."""
    result = Delivery()
    failed: dict[int, str] = {}
    started = utcnow()
    smtp = smtp_settings(config)
    if smtp is not None:
        result.mail = True
        _mail(session, smtp, config["TRYGGHET_BASE_URL"], result, failed)
    hook = webhook_settings(config)
    if hook is not None:
        _post(session, hook, config.get("TRYGGHET_BASE_URL") or "", result, failed)
    if failed:
        for alert in session.scalars(select(DeviationAlert).where(DeviationAlert.id.in_(failed))):
            alert.attempts += 1
            alert.last_error = failed[alert.id][:500]
    waiting: set[int] = set()
    for column, configured in (
        (DeviationAlert.mail_sent_at, smtp),
        (DeviationAlert.webhook_sent_at, hook),
    ):
        if configured is not None:
            waiting.update(alert.id for alert in _pending(session, column))
    result.pending = len(waiting)
    # Sent by this run on every channel it still waited for: its earlier failure is history
    # (attempts keeps the count). One never sent (no channel set, or handled meanwhile) keeps
    # the error that says why.
    sent_now = or_(
        DeviationAlert.mail_sent_at >= started, DeviationAlert.webhook_sent_at >= started
    )
    for alert in session.scalars(
        select(DeviationAlert).where(
            DeviationAlert.last_error.is_not(None),
            sent_now,
            DeviationAlert.id.not_in(waiting | set(failed)),
        )
    ):
        alert.last_error = None
    session.flush()
    return result


def _mail(
    session: Session,
    smtp: SmtpSettings,
    base_url: str,
    result: Delivery,
    failed: dict[int, str],
) -> None:
    pending = _pending(session, DeviationAlert.mail_sent_at)
    recipients = list(
        session.scalars(
            select(User)
            .where(User.notify_deviations.is_(True), User.active.is_(True))
            .order_by(User.id)
        )
    )
    if not pending or not recipients:
        return
    ids = [alert.id for alert in pending]
    had = {
        (row.alert_id, row.user_id)
        for row in session.execute(
            select(DeviationMail.alert_id, DeviationMail.user_id).where(
                DeviationMail.alert_id.in_(ids)
            )
        )
    }
    for user in recipients:
        todo = [alert for alert in pending if (alert.id, user.id) not in had]
        if not todo:
            continue
        subject, body = digest(todo, base_url)
        try:
            send(smtp, compose(smtp, user.email, subject, body))
        except MailError as exc:
            result.mail_failed += 1
            result.errors.append(f"mail: {exc}")
            failed.update({alert.id: f"mail: {exc}" for alert in todo})
            continue
        result.digests += 1
        session.add_all(DeviationMail(alert_id=a.id, user_id=user.id) for a in todo)
        had.update((alert.id, user.id) for alert in todo)
    now = utcnow()
    for alert in pending:
        if all((alert.id, user.id) in had for user in recipients):
            alert.mail_sent_at = now


def _post(
    session: Session, hook: WebhookSettings, base: str, result: Delivery, failed: dict[int, str]
) -> None:
    pending = _pending(session, DeviationAlert.webhook_sent_at)
    if not pending:
        result.webhook_state = "has nothing to send"
        return
    payload = {"deviations": [as_json(alert, base) for alert in pending]}
    error = post_json(hook, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    if error is not None:
        result.webhook_state = "failed"
        result.errors.append(error)
        for alert in pending:
            failed[alert.id] = f"{failed[alert.id]}; {error}" if alert.id in failed else error
        return
    now = utcnow()
    for alert in pending:
        alert.webhook_sent_at = now
    result.sent = len(pending)
    result.webhook_state = f"sent {len(pending)}"


def post_json(hook: WebhookSettings, body: bytes) -> str | None:
    """POST the body, signed if a secret is set; None when a 2xx came back, else the error."""
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "trygghet"}
    if hook.secret:
        signature = hmac.new(hook.secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        headers[SIGNATURE_HEADER] = f"sha256={signature}"
    request = urllib.request.Request(hook.url, body, headers, method="POST")  # noqa: S310
    try:  # the scheme is checked in webhook_settings; a redirect is no acceptance
        status = exchange(request, hook.timeout, 3 * hook.timeout).status
    except OutboundError as exc:
        return f"webhook: {exc}"
    return None if 200 <= status < 300 else f"webhook: HTTP {status}"


def marks(session: Session, area: Area) -> dict[tuple[str, str], DeviationAlert]:
    """The area's stored deviations by (category, YYYY-MM), with who handled them."""
    alerts = session.scalars(
        select(DeviationAlert)
        .options(joinedload(DeviationAlert.handled_by))
        .where(DeviationAlert.area_id == area.id)
    )
    return {(a.category, a.month.strftime("%Y-%m")): a for a in alerts}


def mark_handled(
    session: Session, area: Area, category: str, month: dt.date, note: str, user: User
) -> DeviationAlert:
    """Record that the deviation was handled, with a note; audited.

    Only a month the check flags now (or flagged when stored) can be marked; one not stored
    yet is stored now, already handled, so that it is not mailed afterwards.
    """
    note = (note or "").strip()
    if not note:
        raise AlertError(gettext("Write what was done, and with which partners."))
    if len(note) > NOTE_MAX:
        raise AlertError(gettext("Write at most %(max)d characters.", max=NOTE_MAX))
    # NUL and other control characters (PostgreSQL refuses NUL); lines and tabs are text.
    if any(ord(c) < 32 and c not in "\n\r\t" for c in note):
        raise AlertError(gettext("The text contains characters that cannot be saved."))
    # A month outside the years crime data may have (0001-01, 9999-12) has no reference
    # months to compute; a month to come is no deviation yet.
    if not dt.date(FIRST_YEAR, 1, 1) <= month <= clock.today().replace(day=1):
        raise AlertError(gettext("That month is not a deviation (any more)."))
    alert = session.scalar(
        select(DeviationAlert).where(
            DeviationAlert.area_id == area.id,
            DeviationAlert.category == category,
            DeviationAlert.month == month,
        )
    )
    if alert is None:
        found = deviations(session.connection(), area.slug, months=(month, month))
        alarm = next((a for a in found if a["category"] == category), None)
        if alarm is None:
            raise AlertError(gettext("That month is not a deviation (any more)."))
        alert = _alert(area, category, month, alarm)
        session.add(alert)
    if alert.handled_at is not None:
        raise AlertError(gettext("This deviation was already marked as handled."))
    alert.handled_at = utcnow()
    alert.handled_by = user
    alert.note = note
    session.flush()
    details = {"area": area.slug, "category": category, "month": month.strftime("%Y-%m")}
    audit.record(session, "deviation.handled", alert, details | {"note": note}, actor=user)
    return alert


def set_notify(session: Session, user: User, on: bool) -> bool:
    """Turn the user's digest of new deviations on or off; audited. Whether it changed."""
    if user.notify_deviations == on:
        return False
    user.notify_deviations = on
    audit.record(session, "user.notify_deviations", user, {"on": on}, actor=user)
    session.flush()
    return True

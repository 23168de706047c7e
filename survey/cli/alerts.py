"""``trygghet alerts send``: mail and post new crime deviations (also run after every fetch
and crime import), and retry what failed before. For a timer: e.g. every hour."""

from __future__ import annotations

import click

from .common import with_app


@click.group("alerts")
def alerts_group() -> None:
    """Tell organizers about new deviations in crime (e-mail digest, webhook)."""


@alerts_group.command("send")
@with_app
def alerts_send() -> None:
    """Store new deviations and send the pending ones: each deviation once.

    Mail goes to every active user who turned the digest on, through the TRYGGHET_SMTP_*
    server; the webhook (TRYGGHET_ALERT_WEBHOOK_URL) gets one JSON POST. A failed send is
    retried by the next run. Prints a one-line summary; exit code 1 when a send failed.
    """
    if not run_alerts(quiet=False):
        raise click.exceptions.Exit(1)


def run_alerts(quiet: bool = True) -> bool:
    """Record and deliver the deviations inside a command's app; print the summary line.

    Whether every send went through. Called at the end of ``fetch events`` and ``import
    crime`` too (``quiet``: the line only when something was new, sent or failed): the data
    are committed before, so a failed send never undoes an import.
    """
    from flask import current_app

    from .. import clock
    from ..extensions import db
    from ..services import alerts

    try:
        result = alerts.record_and_deliver(db.session, current_app.config, clock.today())
    except alerts.AlertConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if not quiet or result.new or result.digests or result.errors or result.sent:
        click.echo(result.summary())
    for error in result.errors:
        click.echo(error, err=True)
    return not result.errors

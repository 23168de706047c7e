"""``trygghet publish``: make a release, the snapshot the public page and the API serve."""

from __future__ import annotations

import click
from flask import current_app

from .. import clock
from ..extensions import db
from .common import expected_errors, with_app


@click.command("publish")
@click.option("--area", "area_slug", required=True, help="Slug of the area to publish.")
@click.option(
    "--round",
    "round_id",
    type=click.IntRange(1, 2**31 - 1),
    help="Survey round to publish [default: the area's newest round that has opened].",
)
@with_app
def publish(area_slug: str, round_id: int | None) -> None:
    """Publish the area's situation picture and promise follow-ups as a new release."""
    from ..services.releases import PublishRefused
    from ..services.releases import publish as publish_release

    with expected_errors(PublishRefused):
        release = publish_release(
            db.session,
            area_slug,
            round_id,
            current_app.config["TRYGGHET_SUPPRESS_BELOW"],
            clock.today(),
        )
        db.session.commit()
    round_text = f"round {release.round_id}" if release.round_id else "all answers"
    click.echo(
        f"published release {release.id} of {area_slug} ({round_text}, "
        f"number {release.sequence} of its round)"
    )

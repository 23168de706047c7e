"""``trygghet publish``: make a release, the snapshot the public page and the API serve."""

from __future__ import annotations

import click

from .common import expected_errors, with_app


@click.command("publish")
@click.option("--area", "area_slug", help="Slug of the area to publish.")
@click.option(
    "--round",
    "round_id",
    type=click.IntRange(1, 2**31 - 1),
    help="Survey round to publish [default: the area's newest round that has opened].",
)
@click.option(
    "--closed-rounds",
    is_flag=True,
    help="Publish the final release of every round that has closed and has none yet "
    "(for a daily timer).",
)
@with_app
def publish(area_slug: str | None, round_id: int | None, closed_rounds: bool) -> None:
    """Publish the area's situation picture and promise follow-ups as a new release."""
    from flask import current_app

    from .. import clock
    from ..extensions import db
    from ..services.releases import PublishRefused, Unchanged, publish_closed_rounds
    from ..services.releases import publish as publish_release

    if closed_rounds == bool(area_slug):
        raise click.UsageError("give either --area SLUG or --closed-rounds")
    if closed_rounds:
        if round_id is not None:
            raise click.UsageError("--round goes with --area")
        with expected_errors(PublishRefused):
            made = publish_closed_rounds(
                db.session, current_app.config["TRYGGHET_SUPPRESS_BELOW"], clock.today()
            )
            db.session.commit()
        for release in made:
            click.echo(
                f"published release {release.id} of {release.area.slug} "
                f"(final release of round {release.round_id})"
            )
        click.echo(f"{len(made)} closed round release(s) published")
        return
    with expected_errors(PublishRefused):
        try:
            release = publish_release(
                db.session,
                area_slug,
                round_id,
                current_app.config["TRYGGHET_SUPPRESS_BELOW"],
                clock.today(),
            )
        except Unchanged as unchanged:  # not an error: a daily timer may find nothing new
            db.session.rollback()
            click.echo(f"{unchanged}; no new release made")
            return
        db.session.commit()
    round_text = f"round {release.round_id}" if release.round_id else "all answers"
    click.echo(
        f"published release {release.id} of {area_slug} ({round_text}, "
        f"number {release.sequence} of its round)"
    )

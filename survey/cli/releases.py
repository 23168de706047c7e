"""``trygghet publish``: make a release, the snapshot the public page and the API serve."""

from __future__ import annotations

import click

from .common import IntRange, expected_errors, lang_option, with_app


@click.command("publish")
@click.option("--area", "area_slug", help="Slug of the area to publish.")
@click.option(
    "--round",
    "round_id",
    type=IntRange(1, 2**31 - 1),
    help="Survey round to publish [default: the area's newest round that has opened].",
)
@click.option(
    "--closed-rounds",
    is_flag=True,
    help="Publish the final release of every round that has closed and has none yet "
    "(for a daily timer).",
)
@lang_option("Language of a refusal by the disclosure audit.")
@with_app
def publish(area_slug: str | None, round_id: int | None, closed_rounds: bool, lang: str) -> None:
    """Publish the area's situation picture and promise follow-ups as a new release.

    Refused, with a message and exit code 1, where the disclosure audit finds a hidden figure
    that could still be worked out.
    """
    from flask import current_app
    from flask_babel import force_locale

    from .. import clock
    from ..extensions import db
    from ..services.release_refusals import Unresolved, unresolved_text
    from ..services.releases import PublishRefused, Unchanged, publish_closed_rounds
    from ..services.releases import publish as publish_release

    if closed_rounds == bool(area_slug):
        raise click.UsageError("give either --area SLUG or --closed-rounds")
    if closed_rounds:
        if round_id is not None:
            raise click.UsageError("--round goes with --area")
        refused: list[tuple[str, int, Unresolved]] = []
        with expected_errors(PublishRefused):
            made = publish_closed_rounds(
                db.session,
                current_app.config["TRYGGHET_SUPPRESS_BELOW"],
                clock.today(),
                refused=refused,
            )
            db.session.commit()
        for release in made:
            click.echo(
                f"published release {release.id} of {release.area.slug} "
                f"(final release of round {release.round_id})"
            )
        click.echo(f"{len(made)} closed round release(s) published")
        for slug, refused_round, refusal in refused:
            with force_locale(lang):  # only the message: the releases are made as in English
                text = unresolved_text(refusal.cells, refusal.place_names, refusal.closed)
            click.echo(f"{slug} (round {refused_round}): {text}", err=True)
        if refused:
            raise click.exceptions.Exit(1)
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
        except Unresolved as refusal:
            with force_locale(lang):
                raise PublishRefused(
                    unresolved_text(refusal.cells, refusal.place_names, refusal.closed)
                ) from None
        db.session.commit()
    round_text = f"round {release.round_id}" if release.round_id else "all answers"
    click.echo(
        f"published release {release.id} of {area_slug} ({round_text}, "
        f"number {release.sequence} of its round)"
    )

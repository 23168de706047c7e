"""``trygghet lagesbild``: the local situation picture as a file, as the organizer pages give it."""

from __future__ import annotations

import sys

import click

from ..loading import loading
from .common import IsoDate, out_option, output_file, progress, with_app

LAGESBILD_FORMATS = ("json", "csv", "xlsx", "html", "pdf")


@click.command()
@click.argument("area", required=False, metavar="[AREA]")
@click.option("--area", "area_slug", help="Area slug (or AREA); every area if left out.")
@click.option("--round", "round_id", type=int, help="Only answers from this survey round.")
@click.option("--from", "date_from", type=IsoDate(), help="First answer date (YYYY-MM-DD).")
@click.option("--to", "date_to", type=IsoDate(), help="Last answer date (YYYY-MM-DD).")
@click.option(
    "--weighted/--unweighted",
    default=None,
    help="Weight answers to the area's population by age and gender, or not [default:"
    " weighted where the area has population margins, else unweighted].",
)
@click.option(
    "--format", "fmt", type=click.Choice(LAGESBILD_FORMATS), default="json", show_default=True
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of explanations and reports.",
)
@out_option
@with_app
def lagesbild(area, area_slug, round_id, date_from, date_to, weighted, fmt, lang, out) -> None:
    """Compute the local situation picture and write it as JSON, CSV, XLSX, HTML or PDF."""
    if area and area_slug and area != area_slug:
        raise click.UsageError(f"two areas given ({area} and --area {area_slug}): give one")
    area_slug = area_slug or area
    # The analysis (numpy, scipy) and the writers (matplotlib, openpyxl, fpdf) load only here.
    from flask import current_app

    with loading():
        from analysis.picture import area_slugs
        from analysis.survey import Filters

        from ..extensions import db
        from ..models import SurveyRound
        from ..reports.pictures import build_pictures
        from ..reports.writers import load_writer, write_pictures
        from ..services.status import has_demo_data

        load_writer(fmt)

    if out == "-" and fmt in ("xlsx", "pdf") and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is a binary format: give --out FILE")
    if date_from and date_to and date_from > date_to:
        raise click.UsageError("--from is after --to")
    filters = Filters(round_id=round_id, date_from=date_from, date_to=date_to)
    suppress_below = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    if round_id is not None and db.session.get(SurveyRound, round_id) is None:
        raise click.UsageError(f"there is no survey round {round_id}")
    binary = fmt in ("xlsx", "pdf")
    demo = has_demo_data(db.session)
    with db.engine.connect() as conn:
        slugs = [area_slug] if area_slug else area_slugs(conn)
        # One step per area, and one for writing the file (the charts of HTML and PDF).
        with progress(len(slugs) + 1, "Situation picture") as update:
            pictures = []
            for slug in slugs:
                try:
                    # The organizer pages' downloads use the same builder: the same files.
                    pictures += build_pictures(
                        conn, [slug], filters, suppress_below, weighted, lang
                    )
                except (LookupError, ValueError) as exc:
                    raise click.ClickException(str(exc.args[0] if exc.args else exc)) from exc
                update(1)
            for picture in pictures:
                # A raking that did not converge is always said; how each area is weighted
                # goes with the summary of a file written.
                if warning := weighting_warning(picture):
                    click.echo(warning, err=True)
            if out == "-":
                stdout = sys.stdout.buffer if binary else sys.stdout
                write_pictures(pictures, fmt, stdout, lang, demo)
                return
            with output_file(out, binary) as stream:
                write_pictures(pictures, fmt, stream, lang, demo)
            update(1)
    for picture in pictures:
        click.echo(weighting_line(picture), err=True)
    click.echo(f"situation picture of {len(pictures)} area(s) written to {out}", err=True)


def weighting_line(picture: dict) -> str:
    """How an area's figures are weighted, in one line; a raking that failed is a warning."""
    area, weighting = picture["area"], picture.get("weighting") or {}
    if not weighting.get("applied"):
        if weighting.get("reason") == "no_margins":
            return f"{area}: unweighted (no population margins for this area)"
        return f"{area}: unweighted (as asked)"
    return (
        f"{area}: weighted to the population of {weighting['year']}:"
        f" design effect {weighting['design_effect']:.2f},"
        f" effective n {weighting['n_eff']:.0f} of {picture['n']}"
        + (" (raking did not converge)" if not weighting["converged"] else "")
    )


def weighting_warning(picture: dict) -> str | None:
    """The warning for a raking that did not converge, else None."""
    area, weighting = picture["area"], picture.get("weighting") or {}
    if not weighting.get("applied") or weighting.get("converged", True):
        return None
    return (
        f"warning: {area}: raking did not converge in {weighting['max_iterations']} iterations:"
        " the weighted figures do not match the population margins by age"
    )

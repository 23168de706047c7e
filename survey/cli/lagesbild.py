"""``trygghet lagesbild``: the local situation picture as a file, as the organizer pages give it."""

from __future__ import annotations

import sys

import click
from flask import current_app

from ..extensions import db
from .common import out_option, with_app

LAGESBILD_FORMATS = ("json", "csv", "xlsx", "html", "pdf")


@click.command()
@click.option("--area", "area_slug", help="Area slug; every area if left out.")
@click.option("--round", "round_id", type=int, help="Only answers from this survey round.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First answer date.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last answer date.")
@click.option("--weighted", is_flag=True, help="Weight answers to the area's population.")
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
def lagesbild(area_slug, round_id, date_from, date_to, weighted, fmt, lang, out) -> None:
    """Compute the local situation picture and write it as JSON, CSV, XLSX, HTML or PDF."""
    # The analysis (numpy, scipy) and the writers (matplotlib, openpyxl, fpdf) load only here.
    from analysis.picture import area_slugs
    from analysis.survey import Filters

    from ..models import SurveyRound
    from ..reports.pictures import build_pictures
    from ..reports.writers import write_pictures

    if out == "-" and fmt in ("xlsx", "pdf") and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is a binary format: give --out FILE")
    if date_from and date_to and date_from > date_to:
        raise click.UsageError("--from is after --to")
    filters = Filters(
        round_id=round_id,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
    )
    suppress_below = current_app.config["TRYGGHET_SUPPRESS_BELOW"]
    if round_id is not None and db.session.get(SurveyRound, round_id) is None:
        raise click.UsageError(f"there is no survey round {round_id}")
    with db.engine.connect() as conn:
        slugs = [area_slug] if area_slug else area_slugs(conn)
        try:
            # The same builder as the organizer pages' downloads, so the files are the same.
            pictures = build_pictures(conn, slugs, filters, suppress_below, weighted, lang)
        except (LookupError, ValueError) as exc:
            raise click.ClickException(str(exc.args[0] if exc.args else exc)) from exc
    if out == "-":
        binary = fmt in ("xlsx", "pdf")
        write_pictures(pictures, fmt, sys.stdout.buffer if binary else sys.stdout, lang)
        return
    with open(
        out,
        "wb" if fmt in ("xlsx", "pdf") else "w",
        **({} if fmt in ("xlsx", "pdf") else {"encoding": "utf-8", "newline": ""}),
    ) as stream:
        write_pictures(pictures, fmt, stream, lang)
    click.echo(f"situation picture of {len(pictures)} area(s) written to {out}", err=True)

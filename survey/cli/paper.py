"""``trygghet paper``: the printable paper questionnaire of a place or an area, as a PDF."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import click

from .common import lang_option, out_option, output_file, with_app


@click.command()
@lang_option("Language of the form; ar and fa print right to left.")
@click.option("--place", "place_slug", help="Place slug: the form for one place.")
@click.option("--area", "area_slug", help="Area slug: one form for the area's places.")
@click.option(
    "--round",
    "round_id",
    type=int,
    help="Survey round printed on the form [default: the round open today, else the next].",
)
@out_option
@with_app(web=True)
def paper(lang, place_slug, area_slug, round_id, out) -> None:
    """Write the paper questionnaire (A4 PDF) with a QR code to the web form."""
    # fpdf, segno and the questionnaire load only here: `trygghet --help` stays quick.
    from flask import current_app
    from flask_babel import force_locale

    from .. import clock
    from ..extensions import db
    from ..public.about import about
    from ..reports.paper import Cover, PaperError, find_target, form_url, write_paper
    from ..services.responses import live_questionnaire

    if bool(place_slug) == bool(area_slug):
        raise click.UsageError("give either --place SLUG or --area SLUG")
    if out == "-" and sys.stdout.isatty():
        raise click.UsageError("a PDF is a binary file: give --out FILE.pdf")
    base = current_app.config.get("TRYGGHET_BASE_URL") or ""
    host = urlsplit(base).netloc
    if not host:
        raise click.UsageError(
            "set TRYGGHET_BASE_URL to the site's address (e.g. https://trygghet.example.se):"
            " the form's QR code leads there"
        )
    try:
        target = find_target(db.session, clock.today(), place_slug, area_slug, round_id)
    except PaperError as exc:
        raise click.ClickException(str(exc)) from exc
    # url_for needs a request; only the path is taken from it (TRYGGHET_BASE_URL is the rest).
    with current_app.test_request_context(base_url=f"http://{host}"), force_locale(lang):
        info = about()
        cover = Cover.of(target, info.asked_by, info.contact, form_url(target))
    questionnaire = live_questionnaire(db.session)
    if out == "-":
        write_paper(questionnaire, cover, sys.stdout.buffer, lang)
        return
    with output_file(out, binary=True) as stream:
        write_paper(questionnaire, cover, stream, lang)
    click.echo(f"paper questionnaire for {target.slug} ({lang}) written to {out}", err=True)

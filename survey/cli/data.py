"""Data in and out: ``trygghet export``, ``import``, ``demo``, ``backup`` and ``retention``.

The importers, writers and the demo are imported inside the commands that use them: they
load openpyxl, numpy and scipy, which `trygghet --help` must not wait for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .common import (
    IntRange,
    check_database,
    expected_errors,
    lang_option,
    make_app,
    out_option,
    output_file,
    progress,
    with_app,
)
from .db import upgrade_database

#: The formats of survey.reports.raw_data.FORMATS, written out so that the option can be
#: built without loading the writers (tests/cli checks that the two agree).
EXPORT_FORMATS = ("csv", "json", "xlsx")
#: Files from this size on show progress bars (smaller ones are done before a bar would draw).
IMPORT_PROGRESS_FROM_BYTES = 1_000_000


@click.group("export")
def export_group() -> None:
    """Export stored data."""


def _writer(noun: str) -> Callable[..., int]:
    from ..reports.raw_data import write_dialogues, write_responses

    return {"responses": write_responses, "dialogues": write_dialogues}[noun]


def _text_export(noun: str) -> Callable[..., None]:
    """An export command: --format csv|json|xlsx, --out FILE (or '-' for standard output).

    The files are those of the organizer pages' downloads: CSV with a byte-order mark and
    formula-like text neutralised, XLSX with text kept as text.
    """

    @click.option(
        "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True
    )
    @out_option
    @with_app
    def command(fmt: str, out: str) -> None:
        from ..extensions import db

        writer = _writer(noun)
        binary = fmt == "xlsx"
        if out == "-":
            if binary and sys.stdout.isatty():
                raise click.UsageError("xlsx is a binary format: give --out FILE")
            sys.stdout.flush()
            writer(db.session, sys.stdout.buffer if binary else sys.stdout, fmt)
            return
        with output_file(out, binary) as stream:
            count = writer(db.session, stream, fmt)
        click.echo(f"{count} {noun} written to {out}", err=True)

    return command


export_group.command("responses", help="Write every stored answer, one row per response.")(
    _text_export("responses")
)
export_group.command(
    "dialogues", help="Write every dialogue with its issues (CSV: one row per issue)."
)(_text_export("dialogues"))


@export_group.command("population")
@out_option
@with_app
def export_population(out: str) -> None:
    """Write the stored population margins as CSV (area,year,gender,age_band,count)."""
    from ..extensions import db
    from ..reports.files import csv_chunks
    from ..services.population import MARGIN_COLUMNS, margin_rows

    rows = margin_rows(db.session)
    if out == "-":
        for chunk in csv_chunks(MARGIN_COLUMNS, rows):
            sys.stdout.write(chunk)
        return
    with output_file(out, binary=False) as stream:
        for chunk in csv_chunks(MARGIN_COLUMNS, rows):
            stream.write(chunk)
    click.echo(f"{len(rows)} population margins written to {out}", err=True)


@export_group.command("crime")
@click.option("--area", "area_slug", help="Only this area (its slug); all areas by default.")
@click.option(
    "--format", "fmt", type=click.Choice(("csv", "xlsx")), default="csv", show_default=True
)
@out_option
@with_app
def export_crime(area_slug: str | None, fmt: str, out: str) -> None:
    """Write the crime counts per area, month and category that every figure reads."""
    from ..extensions import db
    from ..reports.crime_export import crime_rows, write_crime

    try:
        rows = list(crime_rows(db.session, area_slug))  # an unknown area: nothing written
    except LookupError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    binary = fmt == "xlsx"
    if out == "-":
        if binary and sys.stdout.isatty():
            raise click.UsageError("xlsx is a binary format: give --out FILE")
        write_crime(db.session, sys.stdout.buffer if binary else sys.stdout, fmt, area_slug)
        return
    with output_file(out, binary) as stream:
        write_crime(db.session, stream, fmt, area_slug)
    click.echo(f"{len(rows)} crime counts written to {out}", err=True)


@click.group("import")
def import_group() -> None:
    """Import data from files."""


def _progressbar(label: str, length: int) -> Any:
    return click.progressbar(length=length, label=label, file=sys.stderr)


@import_group.command("responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@lang_option("Language of the messages.")
@with_app
def import_responses(file: str, lang: str) -> None:
    """Import answers from a responses CSV, all or nothing.

    Separated by ',' or ';' (Swedish Excel) or tabs, found from the header. Required
    columns: submitted_on (YYYY-MM-DD) and place (slug). Optional: the questionnaire's item
    codes (';' or '|' between the choices of a multi-choice item) and the export's
    questionnaire_version, source, round, round_name, round_opens_on and round_closes_on
    (another database's rounds are matched by name and dates). An answer to a round by
    invitation needs invitation_code, the code from its letter (unused, of the place's area;
    marked used by the import). Every error is listed as
    "line N, column NAME: ...", the same error on many rows once with its lines; the same
    file is imported only once ('trygghet import undo BATCH_ID' takes a batch out again).
    """
    from flask import current_app
    from flask_babel import force_locale, ngettext

    from .. import clock
    from ..extensions import db
    from ..imports.responses import import_responses as import_file

    big = Path(file).stat().st_size >= IMPORT_PROGRESS_FROM_BYTES
    with force_locale(lang):
        with expected_errors(file=file):
            batch = import_file(
                db.session,
                file,
                progress=_progressbar if big else None,
                today=clock.today(),
                secret=current_app.config["SECRET_KEY"],
            )
        db.session.commit()
        click.echo(
            ngettext(
                "imported %(num)d response from %(file)s (batch %(batch)d)",
                "imported %(num)d responses from %(file)s (batch %(batch)d)",
                batch.rows,
                file=file,
                batch=batch.id,
            )
        )


@import_group.command("population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--year",
    type=IntRange(1900, 2100),
    default=None,
    help="The year of a file without a year column (with year columns: import only this one).",
)
@click.option(
    "--area",
    "area_slug",
    default=None,
    help="Add every row into this area (e.g. the DeSO regions of a district), whatever its region.",
)
@lang_option("Language of the messages.")
@with_app
def import_population(file: str, year: int | None, area_slug: str | None, lang: str) -> None:
    """Import population margins (age band x gender per area), all or nothing.

    Reads the simple CSV area,gender,age_band,count[,year] (',' or ';', UTF-8 with or
    without BOM) and Statistics Sweden's table export (region, ålder, kön and a column per
    year; comma, semicolon or tab separated; UTF-8 or Latin-1). Ages are summed into the live
    questionnaire's age bands. The file replaces the margins of each area and year it holds.
    """
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from ..extensions import db
    from ..imports.population import import_population as import_file
    from ..services.responses import live_questionnaire

    raw = Path(file).read_bytes()
    with force_locale(lang):
        with expected_errors(file=file):
            result = import_file(
                db.session,
                raw,
                live_questionnaire(db.session),
                year=year,
                area_slug=area_slug,
                filename=Path(file).name,
            )
        db.session.commit()
        click.echo(
            _(
                "imported population margins from %(file)s: %(summary)s",
                file=file,
                summary=result.summary(),
            )
        )


@import_group.command("crime")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "events", "bra-open", "bra-db", "bra-months"]),
    default=None,
    help="csv (month;area;category;count), events (a police event list, JSON), bra-open"
    " (Kommun;Antal;Per 100 000 inv.), bra-db (a Brå statistics database export) or"
    " bra-months (months in columns) [default: events for a .json file, else from the header].",
)
@click.option(
    "--year",
    type=IntRange(1950, 2100),
    default=None,
    help="The year of a Brå file whose name does not hold it (bra-open, bra-months).",
)
@with_app
def import_crime(file: str, fmt: str | None, year: int | None) -> None:
    """Import crime data, all or nothing.

    A CSV of monthly counts replaces the months it holds. Brå's files (the open
    per-municipality file, statistics database exports, months in columns) replace the
    months or years they hold; rows for places outside every area are skipped and
    summarised. A police event list stores each event once by its id (a later list updates
    it) and counts the months again from every stored event; events outside every area are
    stored too (an area or alias added later counts them) and summarised.
    """
    from flask import current_app

    from .. import clock
    from ..extensions import db
    from ..imports.crime import import_crime as import_file

    with expected_errors(file=file):
        result = import_file(
            db.session,
            file,
            fmt,
            today=clock.today(),
            timezone=current_app.config["TRYGGHET_TIMEZONE"],
            year=year,
        )
    db.session.commit()
    for line in result.report(file):
        click.echo(line)
    from .alerts import run_alerts

    run_alerts()  # tell organizers of new deviations (a failed send waits for the next run)


@click.command()
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--answers",
    type=IntRange(200, 50_000),
    default=1500,
    show_default=True,
    help="Survey answers over both demo rounds.",
)
@with_app(creates=True)
def demo(seed: int, answers: int) -> None:
    """Fill an EMPTY database with SYNTHETIC demo data, to see a full situation picture."""
    from flask import current_app

    from .. import clock
    from ..demo import DemoRefused, load_demo, report
    from ..extensions import db

    upgrade_database()
    with expected_errors(DemoRefused), progress(answers, "Inventing answers") as update:
        summary = load_demo(db.session, clock.today(), seed=seed, answers=answers, progress=update)
    db.session.commit()
    with db.engine.connect() as conn:
        lines = report(summary, conn, current_app.config["TRYGGHET_SUPPRESS_BELOW"])
    for line in lines:
        click.echo(line)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def backup(file: str, force: bool) -> None:
    """Copy the SQLite database to FILE while the app runs (PostgreSQL: shows pg_dump)."""
    from ..backup import BackupRefused
    from ..backup import backup as make_backup

    # A PostgreSQL URL is answered without building the app, which would ask for SECRET_KEY.
    url = os.environ.get("DATABASE_URL")
    if not url:
        # The data folder's database, refused when missing before the app creates the folder.
        check_database(creates=False)
        url = make_app().config["DATABASE_URL"]
    with expected_errors(BackupRefused):
        result = make_backup(url, file, force=force)
    click.echo(result.summary())


def _period_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    from ..services.retention import parse_period

    try:
        return parse_period(value) if value is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command()
@click.option(
    "--older-than",
    callback=_period_option,
    help="Age as Nm (months) or Nd (days), e.g. 24m"
    " [default: TRYGGHET_COMMENT_RETENTION_MONTHS, for comments only].",
)
@click.option("--whole-answers", is_flag=True, help="Delete whole answers, not only comments.")
@click.option("--dry-run", is_flag=True, help="Only print what would be deleted.")
@with_app
def retention(older_than: Any, whole_answers: bool, dry_run: bool) -> None:
    """Delete comments (or whole answers) dated before today minus the given age."""
    from flask import current_app

    from .. import clock
    from ..db import checkpoint
    from ..extensions import db
    from ..services.retention import Period, apply_retention, summary

    promised = Period(current_app.config["TRYGGHET_COMMENT_RETENTION_MONTHS"], "m")
    if older_than is None:
        if whole_answers:
            raise click.UsageError("--whole-answers needs --older-than, e.g. --older-than 60m")
        older_than = promised
    today = clock.today()
    cutoff = older_than.cutoff(today)
    if not whole_answers and cutoff < promised.cutoff(today):
        click.echo(
            f"warning: the privacy notice promises to delete comments after {promised}", err=True
        )
    result = apply_retention(db.session, cutoff, whole_answers=whole_answers, dry_run=dry_run)
    db.session.commit()
    if not dry_run:
        checkpoint(db.engine)  # the deleted text leaves the -wal file too
    click.echo(summary(result, older_than))

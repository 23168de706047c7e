"""``trygghet invitations``: letters with personal codes for an invitation round, and reminders.

``create`` makes N codes for an area of a round and writes their letters (A4 PDF), optionally
with addresses from a CSV file that is read for printing only: it is neither stored nor
logged. ``remind`` writes reminder letters (and a CSV of the numbers) for the letters whose
code has not answered.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from .common import expected_errors, lang_option, output_file, with_app


@click.group("invitations")
def invitations_group() -> None:
    """Invitation rounds: letters with personal codes, and reminders."""


def _pdf_out(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    folder = Path(value).parent
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.BadParameter(f"cannot write in the folder {folder}")
    return value


_round = click.option("--round", "round_id", type=int, required=True, help="Survey round id.")
_area = click.option("--area", "area_slug", required=True, help="Area slug.")
_lang = lang_option("Language of the letters; ar and fa print right to left.")
_out = click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    callback=_pdf_out,
    help="The PDF file to write.",
)
_addresses = click.option(
    "--addresses",
    "address_file",
    type=click.Path(exists=True, dir_okay=False, readable=True),
    help="CSV of addresses to print in the envelope window (read only, never stored).",
)


def _base_host() -> str:
    from flask import current_app

    host = urlsplit(current_app.config.get("TRYGGHET_BASE_URL") or "").netloc
    if not host:
        raise click.UsageError(
            "set TRYGGHET_BASE_URL to the site's address (e.g. https://trygghet.example.se):"
            " the letters print it and their QR codes lead there"
        )
    return host


def _target(round_id: int, area_slug: str):
    from ..extensions import db
    from ..models import SurveyRound
    from ..services.invitations import invitation_area

    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None:
        raise click.ClickException(f"there is no survey round {round_id}")
    return survey_round, invitation_area(db.session, survey_round, area_slug)


def _read_addresses(path: str | None, limit: int, need_numbers: bool):
    """The addresses of a file, or None; a refused file ends the command, naming lines only."""
    from ..imports.addresses import read_addresses

    if path is None:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_addresses(data, limit, need_numbers=need_numbers)


def _sender(survey_round, area, lang: str, host: str):
    from flask import current_app

    from ..extensions import db
    from ..i18n import questionnaire_languages
    from ..reports.letters import sender_for
    from ..services.responses import live_questionnaire

    languages = sorted(questionnaire_languages(live_questionnaire(db.session)))
    with current_app.test_request_context(base_url=f"http://{host}"):
        return sender_for(survey_round, area.name, languages, lang)


def _write_then(out: str, data: bytes, commit) -> None:
    """Write ``data`` to a temporary file beside ``out``, commit, then move it into place.

    So that letters are never printed from codes that were not stored, nor codes stored whose
    letters could not be written.
    """
    with output_file(out, binary=True, then=commit) as stream:
        stream.write(data)


@invitations_group.command("create")
@_round
@_area
@click.option("--count", type=int, required=True, help="How many codes (letters) to make.")
@_out
@_addresses
@_lang
@with_app(web=True)
def create(round_id, area_slug, count, out, address_file, lang) -> None:
    """Make COUNT codes for an area of an invitation round and write their letters (PDF)."""
    from flask import current_app

    from ..extensions import db
    from ..imports.addresses import AddressError
    from ..reports.letters import code_url, write_letters
    from ..services.invitations import InvitationError, check_count, create_codes

    host = _base_host()
    with expected_errors(InvitationError, AddressError):
        check_count(count)
        survey_round, area = _target(round_id, area_slug)
        addresses = _read_addresses(address_file, count, need_numbers=False)
        if addresses is not None and len(addresses) != count:
            raise InvitationError(
                f"--count is {count}, the address file has {len(addresses)}: one letter per address"
            )
        letters = create_codes(
            db.session, current_app.config["SECRET_KEY"], survey_round, area, count
        )
        sender = _sender(survey_round, area, lang, host)
        pdf = io.BytesIO()
        with current_app.test_request_context(base_url=f"http://{host}"):
            write_letters(sender, letters, code_url, pdf, addresses, lang)
        _write_then(out, pdf.getvalue(), db.session.commit)
    first, last = letters[0].number, letters[-1].number
    made = f"{count} letters" if count > 1 else "1 letter"
    numbers_made = f"numbers {first}-{last}" if count > 1 else f"number {first}"
    click.echo(f"{made} for {area.slug} ({numbers_made}) written to {out}", err=True)


@invitations_group.command("remind")
@_round
@_area
@_out
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Also write the unused letter numbers as CSV ('-' for standard output).",
)
@_addresses
@_lang
@with_app(web=True)
def remind(round_id, area_slug, out, csv_out, address_file, lang) -> None:
    """Write reminder letters for the letters whose code has not answered, by number.

    The codes are stored only as hashes, so a reminder names the first letter by its
    number ("use the code in letter 17"); with --addresses (a file with a number column,
    as the mailing house keeps it) each reminder gets its letter's address.
    """
    from ..extensions import db
    from ..imports.addresses import AddressError
    from ..reports.letters import write_reminders
    from ..services.invitations import MAX_COUNT, InvitationError, reseal, unused_numbers

    host = _base_host()
    with expected_errors(InvitationError, AddressError):
        survey_round, area = _target(round_id, area_slug)
        numbers = unused_numbers(db.session, survey_round.id, area.id)
        addresses = _read_addresses(address_file, MAX_COUNT, need_numbers=True)
        by_number = {a.number: a for a in addresses if a.number} if addresses else None
        if by_number is not None:
            missing = [n for n in numbers if n not in by_number]
            if missing:
                shown = ", ".join(str(n) for n in missing[:10])
                raise InvitationError(
                    f"the address file has no address for {len(missing)} unused letter"
                    f" number(s): {shown}"
                )
        sender = _sender(survey_round, area, lang, host)
        pdf = io.BytesIO()
        write_reminders(sender, numbers, pdf, by_number, lang)
        # No code keeps the transaction that marked it used (see services.invitations.reseal).
        reseal(db.session, survey_round.id)
        _write_then(out, pdf.getvalue(), db.session.commit)
    if csv_out:
        rows = [["round", "area", "number"]] + [[survey_round.id, area.slug, n] for n in numbers]
        if csv_out == "-":
            csv.writer(sys.stdout).writerows(rows)
        else:
            with output_file(csv_out, binary=False) as stream:
                csv.writer(stream).writerows(rows)
    made = "1 reminder" if len(numbers) == 1 else f"{len(numbers)} reminders"
    click.echo(f"{made} for {area.slug} written to {out}", err=True)


@invitations_group.command("withdraw")
@_round
@_area
@click.option(
    "--first", type=click.IntRange(1, 9_999_999), required=True, help="The first letter number."
)
@click.option(
    "--last", type=click.IntRange(1, 9_999_999), required=True, help="The last letter number."
)
@with_app
def withdraw(round_id, area_slug, first, last) -> None:
    """Withdraw the newest letters, FIRST to LAST, that were never mailed (a batch made twice).

    Their codes stop working and they leave the letters sent, so the response rate counts
    only letters that went out; refused when one of them has answered (it was mailed) or the
    range does not end at the newest letter. Their numbers are not given again.
    """
    from ..extensions import db
    from ..services.invitations import InvitationError, withdraw_codes

    with expected_errors(InvitationError):
        survey_round, area = _target(round_id, area_slug)
        count = withdraw_codes(db.session, survey_round, area, first, last)
        db.session.commit()
    made = "1 letter" if count == 1 else f"{count} letters"
    click.echo(f"{made} withdrawn for {area.slug} (numbers {first}-{last})")

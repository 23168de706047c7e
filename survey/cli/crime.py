"""``trygghet fetch events`` (the police's event list, for cron or a systemd timer) and
``trygghet area add|rename|alias|unalias|district|list`` (the names crime feeds use)."""

from __future__ import annotations

import os

import click

from .common import expected_errors, with_app

#: The police's public event list: the latest ~500 events of the whole country.
DEFAULT_EVENTS_URL = "https://polisen.se/api/events"
#: A response larger than this is not an event list (the real ones are about 200 kB).
MAX_DOWNLOAD_BYTES = 20_000_000
#: The longest wait for one read, and for the whole download.
DOWNLOAD_TIMEOUT_SECONDS, DOWNLOAD_DEADLINE_SECONDS = 60, 180


@click.group("fetch")
def fetch_group() -> None:
    """Download crime data from the feeds."""


def _download(url: str) -> bytes:
    # urllib.request (http.client, email, ssl) is for this command only: not for --help.
    import urllib.request

    from ..services.outbound import OutboundError, exchange

    if not url.startswith(("https://", "http://")):
        raise click.UsageError(f"the events URL must start with https:// or http://: {url}")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"User-Agent": "trygghet", "Accept": "application/json"}
    )
    try:
        answer = exchange(
            request, DOWNLOAD_TIMEOUT_SECONDS, DOWNLOAD_DEADLINE_SECONDS, MAX_DOWNLOAD_BYTES
        )
    except OutboundError as exc:
        raise click.ClickException(f"cannot download {url}: {exc}") from exc
    if not 200 <= answer.status < 300:
        raise click.ClickException(f"cannot download {url}: HTTP {answer.status} {answer.reason}")
    if len(answer.body) > MAX_DOWNLOAD_BYTES:
        raise click.ClickException(f"cannot download {url}: more than 20 MB, not an event list")
    if answer.content_type == "text/html":
        raise click.ClickException(
            f"cannot use {url}: the server answered with a web page (text/html), not the"
            " police's list of events (JSON)"
        )
    return answer.body


@fetch_group.command("events")
@click.option(
    "--url",
    default=None,
    help=f"The event list to download [default: TRYGGHET_EVENTS_URL, else {DEFAULT_EVENTS_URL}].",
)
@with_app
def fetch_events(url: str | None) -> None:
    """Download the police's event list and store its events (each once, by id).

    Run it every few hours (cron, a systemd timer): the list only holds the latest events,
    and downloads that overlap keep the months complete.
    """
    from flask import current_app

    from .. import clock
    from ..imports.crime import import_crime_data

    url = url or os.environ.get("TRYGGHET_EVENTS_URL") or DEFAULT_EVENTS_URL
    data = _download(url)
    with expected_errors(file=url):
        result = import_crime_data(
            _session(),
            data,
            url,
            "events",
            today=clock.today(),
            timezone=current_app.config["TRYGGHET_TIMEZONE"],
        )
    _session().commit()
    for line in result.report(url):
        click.echo(line)
    from .alerts import run_alerts

    run_alerts()  # tell organizers of new deviations (a failed send waits for the next run)


def _session():  # type: ignore[no-untyped-def]
    # Imported when a command runs: `trygghet --help` does not load Flask or SQLAlchemy.
    from ..extensions import db

    return db.session


@click.group("area")
def area_group() -> None:
    """Areas and the names crime feeds use for them (municipalities, districts)."""


def _change(change, done: str) -> None:  # type: ignore[no-untyped-def]
    from ..services.areas import AreaError

    with expected_errors(AreaError):
        change()
    _session().commit()
    click.echo(done)


@area_group.command("list")
@with_app
def area_list() -> None:
    """List every area: address name, name, municipality (for a district) and aliases."""
    from ..services.areas import list_areas

    for area in list_areas(_session()):
        district = f"district of {area.municipality}" if area.municipality else "municipality"
        aliases = ", ".join(area.aliases) or "-"
        click.echo(f"{area.slug}\t{area.name}\t{district}\taliases: {aliases}")


@area_group.command("add")
@click.argument("slug")
@click.argument("name")
@click.option(
    "--district-of",
    "municipality",
    default=None,
    help="The municipality the area is a district of (e.g. Stockholm for Bromma).",
)
@with_app
def area_add(slug: str, name: str, municipality: str | None) -> None:
    """Add an area SLUG (its address name, e.g. bromma) called NAME."""
    from ..services.areas import add_area

    _change(lambda: add_area(_session(), slug, name, municipality), f"added area {slug}")


@area_group.command("rename")
@click.argument("slug")
@click.argument("name")
@with_app
def area_rename(slug: str, name: str) -> None:
    """Give the area SLUG the name NAME (its address name stays)."""
    from ..services.areas import find_area, rename_area

    _change(lambda: rename_area(_session(), find_area(_session(), slug), name), f"renamed {slug}")


@area_group.command("alias")
@click.argument("slug")
@click.argument("name")
@with_app
def area_alias(slug: str, name: str) -> None:
    """Let the area SLUG answer to NAME too (a municipality, district or place name)."""
    from ..services.areas import add_alias, find_area

    _change(
        lambda: add_alias(_session(), find_area(_session(), slug), name),
        f"{slug} answers to {name}",
    )


@area_group.command("unalias")
@click.argument("slug")
@click.argument("name")
@with_app
def area_unalias(slug: str, name: str) -> None:
    """Take the alias NAME away from the area SLUG."""
    from ..services.areas import find_area, remove_alias

    _change(
        lambda: remove_alias(_session(), find_area(_session(), slug), name),
        f"{slug} no longer answers to {name}",
    )


@area_group.command("district")
@click.argument("slug")
@click.argument("municipality", required=False)
@with_app
def area_district(slug: str, municipality: str | None) -> None:
    """Mark the area SLUG as a district of MUNICIPALITY (leave it out: not a district)."""
    from ..services.areas import find_area, set_municipality

    _change(
        lambda: set_municipality(_session(), find_area(_session(), slug), municipality),
        f"{slug} is a district of {municipality}" if municipality else f"{slug} is no district",
    )

"""How each environment variable is read: its type, and the values it may take.

A parser returns the value for the config, or raises ValueError with what is allowed;
survey.config names the variable and stops the app at start, before anything is written.
A value that only fails later (a rate limit nobody can parse, a webhook address) would pass
the start and then break every request, or a command after it committed its work.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

#: The spellings of a yes/no setting; anything else is refused, not read as one of them.
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
#: The smallest TRYGGHET_SUPPRESS_BELOW: residents are promised that no published figure
#: rests on fewer answers than this (README, Privacy and disclosure control), and the burst
#: hold (TRYGGHET_BURST_ANSWERS, 5) is half of it. A higher threshold is always allowed.
MIN_SUPPRESS_BELOW = 10
#: A rough shape of an e-mail address: something, @, a domain with a dot, no spaces.
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
#: A host name as a Host header carries it: letters, digits, dots, hyphens (or an IPv6 in []).
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")


def flag(value: str) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off, in any case."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("write true or false (also 1/0, yes/no, on/off)")


def whole_number(low: int, high: int | None = None, unit: str = "") -> Callable[[str], int]:
    """A whole number from ``low`` up to ``high`` (None: no upper limit)."""
    what = f" of {unit}" if unit else ""
    allowed = (
        f"a whole number{what} of at least {low}"
        if high is None
        else f"a whole number{what} from {low} to {high}"
    )

    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise ValueError(f"must be {allowed}") from None
        if number < low or (high is not None and number > high):
            raise ValueError(f"must be {allowed}")
        return number

    return parse


def suppress_below(value: str) -> int:
    """The disclosure threshold: at least MIN_SUPPRESS_BELOW answers."""
    try:
        return whole_number(MIN_SUPPRESS_BELOW)(value)
    except ValueError as exc:
        raise ValueError(
            f"{exc}: no published figure may rest on fewer than {MIN_SUPPRESS_BELOW} answers"
            " (a higher threshold is allowed)"
        ) from None


def seconds(value: str) -> float:
    """A number of seconds above 0 (a decimal point allowed)."""
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise ValueError("must be a number of seconds above 0, e.g. 10 or 2.5")
    return number


def web_address(value: str) -> str:
    """An http:// or https:// address with a host name."""
    address = value.strip()
    refused = ValueError(
        "must be an address starting with https:// or http:// and a host name,"
        " e.g. https://trygghet.example.se"
    )
    try:
        parts = urlsplit(address)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        raise refused from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in address:
        raise refused
    return address


def base_url(value: str) -> str:
    """The public address of the site: scheme and host, a path at most (no ? or #)."""
    address = web_address(value)
    parts = urlsplit(address)
    if parts.query or parts.fragment or parts.username:
        raise ValueError(
            "must be the site's address only, e.g. https://trygghet.example.se (no user, ? or #)"
        )
    return address


def mail_address(value: str) -> str:
    """An e-mail address (name@domain.se)."""
    address = value.strip()
    if not _ADDRESS.fullmatch(address):
        raise ValueError("must be an e-mail address, e.g. trygghet@kommun.se")
    return address


def iso_date(value: str) -> str:
    """A date written YYYY-MM-DD (kept as text: the config holds it as written)."""
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD, e.g. 2026-11-29") from None
    return value.strip()


def host_names(value: str) -> list[str]:
    """Comma-separated host names, as a Host header carries them (no scheme, no path)."""
    hosts = [h.strip() for h in value.split(",") if h.strip()]
    bad = [h for h in hosts if not _HOST.fullmatch(h)]
    if bad:
        raise ValueError(
            f"{bad[0]!r} is no host name: write names only, comma-separated, e.g."
            " trygghet.example.se,www.trygghet.example.se (no https://, no path)"
        )
    return hosts


def rate_limit(value: str) -> str:
    """Limits as Flask-Limiter reads them, e.g. ``10 per minute; 60 per hour``."""
    # Imported here: commands without pages never load the limiter's library.
    from limits import parse_many

    try:
        items = parse_many(value)
    except ValueError:
        items = []
    if not items or any(item.amount < 1 for item in items):
        raise ValueError(
            "must be one or more limits of at least 1 separated by ';',"
            " e.g. '10 per minute; 60 per hour'"
        )
    return value.strip()


#: What DATABASE_URL may be, for the messages.
_DATABASE_URLS = (
    "write sqlite:////full/path/to/trygghet.db or postgresql://USER@HOST/DATABASE"
    " (leave it unset for trygghet.db in the data folder)"
)


def database_url(value: str) -> str:
    """A SQLite or PostgreSQL URL; ``postgres://`` and ``postgresql://`` (as hosting
    services write them) become ``postgresql+psycopg://``, the driver of the postgresql extra.

    A SQLite file's folder must exist: SQLite creates the file, never its folder.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value.strip())
    except ArgumentError:
        raise ValueError(f"it is not a database URL: {_DATABASE_URLS}") from None
    if url.drivername in ("postgres", "postgresql"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"Trygghet runs on SQLite or PostgreSQL only: {_DATABASE_URLS}")
    path = sqlite_file(value)
    if path is not None and not path.parent.is_dir():
        raise ValueError(f"the folder {path.parent} of the SQLite file does not exist")
    return value


def sqlite_file(value: str) -> Path | None:
    """The file of a SQLite URL (None: another database, or one in memory)."""
    from sqlalchemy.engine import make_url

    url = make_url(value)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).absolute()

"""Configuration in layers: safe defaults here, secrets and URLs from the environment."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from . import values

# A file name, not a secret (ruff S105 and bandit B105 take it for one).
SECRET_KEY_FILE = "secret_key"  # noqa: S105  # nosec B105
MIN_SECRET_KEY_LENGTH = 32
#: The SQLite database in the data folder (unless DATABASE_URL names another).
DATABASE_FILE = "trygghet.db"
#: The rate limiter's storage scheme (survey.web.limits registers it) and its counters' file
#: in the instance folder when RATELIMIT_STORAGE_URI is not set.
LIMITER_SCHEME = "trygghet-sqlite"
LIMITER_FILE = "ratelimit.sqlite"
#: The data folder (database, secret key, rate-limit counters); TRYGGHET_INSTANCE is its
#: older name, still read.
DATA_DIR_VARIABLES = ("TRYGGHET_DATA_DIR", "TRYGGHET_INSTANCE")


def data_dir() -> Path:
    """The data folder: TRYGGHET_DATA_DIR if set, else ./instance in the working directory.

    Never inside the Python environment or the package, so that reinstalling (or deleting
    .venv) keeps every answer, and an editable and a normal install use the same files.
    """
    chosen = next((os.environ[v] for v in DATA_DIR_VARIABLES if os.environ.get(v)), "instance")
    return Path(os.path.abspath(os.path.expanduser(chosen)))


#: The folder holding the package: site-packages, or the checkout of an editable install.
PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def legacy_data_dirs() -> list[Path]:
    """Where earlier versions kept the data by default: Flask's instance folder."""
    var = Path(sys.prefix) / "var"
    # Installed: inside the virtualenv; editable: beside the package, in the checkout.
    return [var / "survey.app-instance", var / "survey-instance", PACKAGE_PARENT / "instance"]


def moved_database(folder: Path) -> Path | None:
    """An earlier default folder holding a database when ``folder`` (the default) has none."""
    if any(os.environ.get(v) for v in DATA_DIR_VARIABLES) or (folder / DATABASE_FILE).exists():
        return None  # a folder chosen on purpose is used as it is
    for old in legacy_data_dirs():
        if (old / DATABASE_FILE).is_file() and old.resolve() != folder.resolve():
            return old
    return None


def refuse_moved_database(folder: Path) -> None:
    """Raise RuntimeError rather than start an empty database beside a moved one."""
    old = moved_database(folder)
    if old is not None:
        raise RuntimeError(
            f"no database in {folder}, but there is one in {old}, where earlier versions kept"
            " it by default. Move it here with 'trygghet db move-legacy' (stop the app"
            f" first), or keep using it there with TRYGGHET_DATA_DIR={old}"
        )


class Defaults:
    TRYGGHET_SUPPRESS_BELOW = 10
    #: Who is responsible for the answers, as told in the privacy notice.
    TRYGGHET_CONTROLLER = "Polisen, lokalpolisområde Vällingby"
    TRYGGHET_CONTACT = "registrator@polisen.se"
    #: Who asks the questions: shown at the top of the survey, on posters and in the notice.
    TRYGGHET_ASKED_BY = "Polisen i lokalpolisområde Vällingby och Stockholms stad"
    #: The data protection officer (dataskyddsombud) of the controller.
    TRYGGHET_DPO_CONTACT = "dataskyddsombud@polisen.se"
    #: The legal basis in the privacy notice; empty: the built-in text (GDPR art. 6.1 e).
    TRYGGHET_LEGAL_BASIS = ""
    #: Where to report accessibility problems; empty: TRYGGHET_CONTACT.
    TRYGGHET_ACCESSIBILITY_CONTACT = ""
    #: When the accessibility of the public pages was last assessed (YYYY-MM-DD).
    TRYGGHET_ACCESSIBILITY_ASSESSED = "2026-11-29"
    #: Months after which free-text comments are deleted, as told in the privacy notice.
    TRYGGHET_COMMENT_RETENTION_MONTHS = 24
    #: Used for QR posters so they point at the public address, not the one you browse by.
    TRYGGHET_BASE_URL: str | None = None
    #: How many reverse proxies in front of the app may set X-Forwarded-* headers.
    TRUSTED_PROXIES = 0

    RATELIMIT_ENABLED = True
    #: Unset: a SQLite file in the instance folder, shared by the workers of one server
    #: (memory in TESTING apps). Several servers: redis://host:6379.
    RATELIMIT_STORAGE_URI: str | None = None
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is down, count in memory for a while instead of failing every answer.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Host names the app answers to (comma-separated in the environment); any if empty.
    TRUSTED_HOSTS: list[str] | None = None
    #: Residents' answers are dated in this time zone.
    TRYGGHET_TIMEZONE = "Europe/Stockholm"
    SURVEY_RATE_LIMIT = "10 per minute; 60 per hour"
    #: Per address at the places of an area an organizer opened for a meeting (a room on one
    #: network; survey.web.meetings).
    SURVEY_MEETING_RATE_LIMIT = "60 per minute; 600 per hour"
    #: The burst hold: more than TRYGGHET_BURST_ANSWERS answers to one place within
    #: TRYGGHET_BURST_MINUTES are held back from every figure until an organizer reviews
    #: them. 5 is half the suppression threshold, so no place can be padded up to it in one
    #: burst; a place with posters gets its answers spread over days. 0 turns it off.
    TRYGGHET_BURST_ANSWERS = 5
    TRYGGHET_BURST_MINUTES = 15
    #: An organizer's session ends after this many minutes without a request.
    ORGANIZER_IDLE_MINUTES = 30

    # A whole answer is a few kB; anything much larger is not a survey answer.
    MAX_CONTENT_LENGTH = 64 * 1024
    # A resident may leave the form open a while before sending it.
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    BABEL_DEFAULT_LOCALE = "sv"
    JSON_SORT_KEYS = False
    #: werkzeug's name of the password hash. Only the test suite may pick a cheaper one
    #: (with TESTING on): scrypt costs ~120 ms a hash, three in every logged-in test.
    #: A method name, not a secret (ruff S105 and bandit B105 take it for one).
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  # nosec B105


_ENV_PARSERS: dict[str, Any] = {
    # Checked after the overrides too (database_url below); never echoed: it may hold a password.
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "TRYGGHET_SUPPRESS_BELOW": values.suppress_below,
    "TRYGGHET_CONTROLLER": str,
    # Free text: an address, a phone number or both, shown as written.
    "TRYGGHET_CONTACT": str,
    "TRYGGHET_ASKED_BY": str,
    "TRYGGHET_DPO_CONTACT": str,
    "TRYGGHET_LEGAL_BASIS": str,
    "TRYGGHET_ACCESSIBILITY_CONTACT": str,
    "TRYGGHET_ACCESSIBILITY_ASSESSED": values.iso_date,
    "TRYGGHET_BASE_URL": values.base_url,
    "TRUSTED_PROXIES": values.whole_number(0, 10, "proxies"),
    "RATELIMIT_ENABLED": values.flag,
    "RATELIMIT_STORAGE_URI": str,
    "SURVEY_RATE_LIMIT": values.rate_limit,
    "SURVEY_MEETING_RATE_LIMIT": values.rate_limit,
    "TRYGGHET_BURST_ANSWERS": values.whole_number(0, values.MIN_SUPPRESS_BELOW - 1, "answers"),
    "TRYGGHET_BURST_MINUTES": values.whole_number(1, 24 * 60, "minutes"),
    "ORGANIZER_IDLE_MINUTES": values.whole_number(1, 24 * 60, "minutes"),
    "TRUSTED_HOSTS": values.host_names,
    "TRYGGHET_TIMEZONE": str,
    # Read by the crime commands; checked here so that a bad one stops every command at
    # start, not an import after it has committed.
    "TRYGGHET_EVENTS_URL": values.web_address,
    "TRYGGHET_ALERT_WEBHOOK_URL": values.web_address,
    "TRYGGHET_ALERT_WEBHOOK_SECRET": str,
}


# --- Mail (SMTP) --------------------------------------------------------------------------
# Password-reset links (and later digests) go out through this server; checked at start by
# survey/services/mail.py. No TRYGGHET_SMTP_HOST: mail is off and admins print reset links
# with `trygghet user reset-link`. The port defaults to 25, 587 with STARTTLS, 465 with SSL.
_ENV_PARSERS.update(
    {
        "TRYGGHET_SMTP_HOST": str,
        "TRYGGHET_SMTP_PORT": values.whole_number(1, 65535),
        "TRYGGHET_SMTP_USER": str,
        "TRYGGHET_SMTP_PASSWORD": str,
        "TRYGGHET_SMTP_STARTTLS": values.flag,
        "TRYGGHET_SMTP_SSL": values.flag,
        "TRYGGHET_SMTP_TIMEOUT": values.seconds,
        "TRYGGHET_MAIL_FROM": values.mail_address,
    }
)


def _check_mail(app: Flask) -> None:
    from ..services.mail import MailConfigError, smtp_settings

    try:
        smtp_settings(app.config)
    except MailConfigError as exc:
        raise RuntimeError(str(exc)) from exc


# --- end of mail ----------------------------------------------------------------------------


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Load defaults, then environment variables, then the caller's overrides."""
    app.config.from_object(Defaults)
    for name, parse in _ENV_PARSERS.items():
        raw = os.environ.get(name)
        if raw is not None and raw != "":
            try:
                app.config[name] = parse(raw)
            except ValueError as exc:
                raise RuntimeError(
                    f"environment variable {name}={raw!r} is not valid: {exc}"
                ) from exc
    app.config.update(overrides or {})
    refuse_unusable_data_dir(Path(app.instance_path))
    if not app.config.get("DATABASE_URL"):
        folder = Path(app.instance_path)
        refuse_moved_database(folder)
        make_data_dir(folder)
        app.config["DATABASE_URL"] = f"sqlite:///{folder / DATABASE_FILE}"
    try:
        app.config["DATABASE_URL"] = values.database_url(app.config["DATABASE_URL"])
    except ValueError as exc:
        raise RuntimeError(f"DATABASE_URL is not valid: {exc}") from exc
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        # Tests get fresh counters per app; a server shares its file among its workers.
        # (Named here, not by importing the limiter: a command without pages never loads it.)
        shared = f"{LIMITER_SCHEME}://{Path(app.instance_path) / LIMITER_FILE}"
        app.config["RATELIMIT_STORAGE_URI"] = "memory://" if app.testing else shared
    if not app.config.get("SECRET_KEY"):
        if not app.config["DATABASE_URL"].startswith("sqlite"):
            # Several servers share one PostgreSQL; each generating its own key would make
            # forms fail whenever a request lands on another server.
            raise RuntimeError("set SECRET_KEY: it is required with a database server")
        database = values.sqlite_file(app.config["DATABASE_URL"])
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path), database)
    elif len(app.config["SECRET_KEY"]) < MIN_SECRET_KEY_LENGTH:
        # A short key can be guessed offline from one signed session cookie.
        raise RuntimeError(
            f"SECRET_KEY is too short: use at least {MIN_SECRET_KEY_LENGTH} random characters, "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    if not app.config["PASSWORD_HASH_METHOD"].startswith("scrypt") and not app.testing:
        raise RuntimeError(
            f"PASSWORD_HASH_METHOD={app.config['PASSWORD_HASH_METHOD']!r} is for tests only: "
            "passwords are hashed with scrypt"
        )
    try:
        ZoneInfo(app.config["TRYGGHET_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuntimeError(
            f"TRYGGHET_TIMEZONE={app.config['TRYGGHET_TIMEZONE']!r} is unknown"
        ) from exc
    _check_mail(app)  # the mail block above
    base_url = app.config.get("TRYGGHET_BASE_URL")
    if base_url:
        try:
            values.base_url(base_url)  # the overrides' too: every request depends on it
        except ValueError as exc:
            raise RuntimeError(f"TRYGGHET_BASE_URL={base_url!r} is not valid: {exc}") from exc
    if base_url and not app.config.get("TRUSTED_HOSTS") and not app.testing:
        from ..web.urls import base_url_host

        # Answer only to the public address: a forged Host header gets 400, not pages and
        # links (password resets, invitations) built on the attacker's domain.
        app.config["TRUSTED_HOSTS"] = [base_url_host(base_url)]
    if (
        base_url
        and base_url.startswith("https://")
        and "SESSION_COOKIE_SECURE" not in (overrides or {})
    ):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"


def data_dir_variable() -> str:
    """How the data folder was chosen, to name it in a message."""
    chosen = next((v for v in DATA_DIR_VARIABLES if os.environ.get(v)), None)
    return f"{chosen}={os.environ[chosen]}" if chosen else "the data folder ./instance"


def refuse_unusable_data_dir(folder: Path) -> None:
    """Raise RuntimeError when the data folder is something else than a folder (a file)."""
    if folder.exists() and not folder.is_dir():
        raise RuntimeError(
            f"{data_dir_variable()}: {folder} is a file, not a folder. Set TRYGGHET_DATA_DIR"
            " to the folder that holds (or is to hold) the data; it is created if missing"
        )


def make_data_dir(folder: Path) -> None:
    """Create the data folder, or raise RuntimeError saying why it cannot be."""
    refuse_unusable_data_dir(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RuntimeError(
            f"{data_dir_variable()}: cannot create the folder {folder}: {exc.strerror or exc}"
        ) from exc


#: Appended to the message about a missing key file: what a new key costs.
NEW_KEY_COSTS = (
    "A new key logs everyone out; forms open in browsers, password-reset links and links to"
    " comments stop working; and the unused codes of invitation letters already sent no"
    " longer match any letter (they are stored as keyed hashes under the key)."
)


def instance_secret_key(instance: Path, database: Path | None = None) -> str:
    """Read the instance's secret key, creating a random one readable by the owner only.

    No key is created beside a ``database`` that already holds data: its key was most likely
    not restored with it, and a new one would silently break what the old one signed.
    """
    path = instance / SECRET_KEY_FILE
    if (
        not path.exists()
        and database is not None
        and database.is_file()
        and database.stat().st_size > 0
    ):
        raise RuntimeError(
            f"the secret key {path} is missing, but the database {database} holds data: the"
            " key was probably not restored with the database. Copy secret_key back from the"
            " backup of the data folder (or set SECRET_KEY to the key used before). Only if"
            " the old key is lost, make a new one with 'trygghet db new-secret-key'. "
            + NEW_KEY_COSTS
        )
    make_data_dir(instance)
    return _read_or_create_key(path)


def _read_or_create_key(path: Path) -> str:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text("ascii").strip()
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(
                f"{path} holds no usable secret key; delete it to make a new one"
            ) from None
        return key
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def new_secret_key(instance: Path) -> Path:
    """Create the key file for an existing database whose key is lost; its path.

    Raises RuntimeError if there is one already: a key is never replaced by a command.
    """
    make_data_dir(instance)
    path = instance / SECRET_KEY_FILE
    if path.exists():
        raise RuntimeError(f"{path} exists: nothing changed (a key is never replaced)")
    _read_or_create_key(path)
    return path

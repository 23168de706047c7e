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
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "TRYGGHET_SUPPRESS_BELOW": int,
    "TRYGGHET_CONTROLLER": str,
    "TRYGGHET_CONTACT": str,
    "TRYGGHET_ASKED_BY": str,
    "TRYGGHET_DPO_CONTACT": str,
    "TRYGGHET_LEGAL_BASIS": str,
    "TRYGGHET_ACCESSIBILITY_CONTACT": str,
    "TRYGGHET_ACCESSIBILITY_ASSESSED": str,
    "TRYGGHET_BASE_URL": str,
    "TRUSTED_PROXIES": int,
    "RATELIMIT_ENABLED": lambda v: v.strip().lower() not in {"0", "false", "no", "off"},
    "RATELIMIT_STORAGE_URI": str,
    "SURVEY_RATE_LIMIT": str,
    "SURVEY_MEETING_RATE_LIMIT": str,
    "TRYGGHET_BURST_ANSWERS": int,
    "TRYGGHET_BURST_MINUTES": int,
    "ORGANIZER_IDLE_MINUTES": int,
    "TRUSTED_HOSTS": lambda v: [h.strip() for h in v.split(",") if h.strip()],
    "TRYGGHET_TIMEZONE": str,
}


# --- Mail (SMTP) --------------------------------------------------------------------------
# Password-reset links (and later digests) go out through this server; checked at start by
# survey/services/mail.py. No TRYGGHET_SMTP_HOST: mail is off and admins print reset links
# with `trygghet user reset-link`. The port defaults to 25, 587 with STARTTLS, 465 with SSL.
def _flag(value: str) -> bool:
    word = value.strip().lower()
    if word not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ValueError(value)
    return word in {"1", "true", "yes", "on"}


_ENV_PARSERS.update(
    {
        "TRYGGHET_SMTP_HOST": str,
        "TRYGGHET_SMTP_PORT": int,
        "TRYGGHET_SMTP_USER": str,
        "TRYGGHET_SMTP_PASSWORD": str,
        "TRYGGHET_SMTP_STARTTLS": _flag,
        "TRYGGHET_SMTP_SSL": _flag,
        "TRYGGHET_SMTP_TIMEOUT": float,
        "TRYGGHET_MAIL_FROM": str,
    }
)


def _check_mail(app: Flask) -> None:
    from .services.mail import MailConfigError, smtp_settings

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
                raise RuntimeError(f"environment variable {name}={raw!r} is not valid") from exc
    app.config.update(overrides or {})
    if not app.config.get("DATABASE_URL"):
        folder = Path(app.instance_path)
        refuse_moved_database(folder)
        folder.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{folder / DATABASE_FILE}"
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
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
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
    if base_url and not app.config.get("TRUSTED_HOSTS") and not app.testing:
        from .web.urls import base_url_host

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


def instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating a random one readable by the owner only."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / SECRET_KEY_FILE
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

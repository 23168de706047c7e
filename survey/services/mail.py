"""Outgoing mail through the configured SMTP server, from a request or from the CLI.

The settings come from the app config (environment variables ``TRYGGHET_SMTP_*`` and
``TRYGGHET_MAIL_FROM``, see config.py). Without ``TRYGGHET_SMTP_HOST`` mail is not
configured: callers then offer another way (an admin prints a reset link with the CLI).

``send`` talks to the server and raises ``MailError``; ``send_logged`` logs a failure instead;
``send_in_background`` does that in a thread, so that a web response never waits for the
server (a reset request takes as long whether or not a mail goes out). Logs name the
recipient's domain only, never the part before the @.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

log = logging.getLogger(__name__)

#: The ports used when TRYGGHET_SMTP_PORT is not set.
PORT_PLAIN, PORT_STARTTLS, PORT_SSL = 25, 587, 465
#: Seconds to wait for the server at each step (connect, each command).
DEFAULT_TIMEOUT = 10.0
#: Where a user name and password may go without TLS: they never leave the machine.
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class MailError(Exception):
    """A message that could not be handed to the SMTP server."""


class MailConfigError(RuntimeError):
    """Mail settings that do not fit together (raised when the app starts)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = DEFAULT_TIMEOUT


def smtp_settings(config: Mapping[str, Any]) -> SmtpSettings | None:
    """The SMTP settings in the app config, or None when mail is not configured."""
    host = (config.get("TRYGGHET_SMTP_HOST") or "").strip()
    if not host:
        return None
    use_ssl = bool(config.get("TRYGGHET_SMTP_SSL"))
    starttls = bool(config.get("TRYGGHET_SMTP_STARTTLS"))
    if use_ssl and starttls:
        raise MailConfigError(
            "set TRYGGHET_SMTP_SSL or TRYGGHET_SMTP_STARTTLS, not both (SSL: port 465, "
            "STARTTLS: port 587)"
        )
    sender = (config.get("TRYGGHET_MAIL_FROM") or "").strip()
    if "@" not in sender:
        raise MailConfigError(
            "set TRYGGHET_MAIL_FROM to the sender's address, e.g. trygghet@kommun.se"
        )
    user = config.get("TRYGGHET_SMTP_USER") or None
    if user and not (use_ssl or starttls) and host not in LOOPBACK:
        raise MailConfigError(
            "TRYGGHET_SMTP_USER needs TRYGGHET_SMTP_STARTTLS or TRYGGHET_SMTP_SSL: "
            "the password would travel unencrypted"
        )
    if not config.get("TRYGGHET_BASE_URL"):
        # Else links in mails would be built from the Host header, which anyone can forge
        # to send a reset link pointing at their own site.
        raise MailConfigError(
            "TRYGGHET_SMTP_HOST is set but TRYGGHET_BASE_URL is not: links in mails need the "
            "site's public address, e.g. https://trygghet.kommun.se"
        )
    default_port = PORT_SSL if use_ssl else PORT_STARTTLS if starttls else PORT_PLAIN
    timeout = float(config.get("TRYGGHET_SMTP_TIMEOUT") or DEFAULT_TIMEOUT)
    if timeout <= 0:
        raise MailConfigError("TRYGGHET_SMTP_TIMEOUT must be a number of seconds above 0")
    return SmtpSettings(
        host=host,
        port=int(config.get("TRYGGHET_SMTP_PORT") or default_port),
        sender=sender,
        user=user,
        password=config.get("TRYGGHET_SMTP_PASSWORD") or None,
        starttls=starttls,
        ssl=use_ssl,
        timeout=timeout,
    )


def compose(settings: SmtpSettings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=domain_of(settings.sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand the message to the SMTP server; raise MailError if it is not accepted."""
    context = ssl.create_default_context()
    try:
        if settings.ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.starttls:
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:  # SSL and socket errors are OSErrors
        raise MailError(describe(exc)) from None


def send_logged(settings: SmtpSettings, message: EmailMessage) -> bool:
    """Send the message; log a failure (without addresses) and return whether it went."""
    try:
        send(settings, message)
    except MailError as exc:
        log.warning(
            "mail to %s via %s:%s failed: %s",
            redact(str(message["To"])),
            settings.host,
            settings.port,
            exc,
        )
        return False
    log.info("mail to %s sent", redact(str(message["To"])))
    return True


_pending: set[threading.Thread] = set()
_pending_lock = threading.Lock()


def in_background(work: Callable[[], None], what: str) -> threading.Thread:
    """Run ``work`` (mail to send) in a thread of its own; the caller does not wait. An error
    is logged with ``what`` (e.g. "mail not sent"); ``wait_for_background`` waits for it."""

    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 (a thread's error would otherwise go unseen)
            log.exception("%s", what)
        finally:
            with _pending_lock:
                _pending.discard(thread)

    thread = threading.Thread(target=run, name="trygghet-mail", daemon=True)
    with _pending_lock:
        _pending.add(thread)
    thread.start()
    return thread


def send_in_background(
    settings: SmtpSettings, make: Callable[[], EmailMessage | None]
) -> threading.Thread:
    """Make the message and send it from a thread of its own; the caller does not wait.

    ``make`` runs in the thread (composing a message takes a few milliseconds); when it
    returns None nothing is sent, so a caller can do the same work whether or not a mail
    goes out.
    """

    def work() -> None:
        message = make()
        if message is not None:
            send_logged(settings, message)

    return in_background(work, "mail not sent")


def wait_for_background(timeout: float = DEFAULT_TIMEOUT) -> bool:
    """Wait until the background sends have ended; whether they all did within the timeout."""
    with _pending_lock:
        threads = list(_pending)
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip(" >") or "localhost"


def redact(address: str) -> str:
    """The address without its local part, for logs: ``…@example.se``."""
    return "…@" + domain_of(address) if "@" in address else "…"


def describe(exc: BaseException) -> str:
    """What went wrong, without the addresses an SMTP error may quote."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(reply[0]) for reply in exc.recipients.values()})
        return f"{type(exc).__name__} ({', '.join(codes)})"
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPResponseException):
        return f"{type(exc).__name__} ({code})"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return type(exc).__name__

"""A real SMTP server for the mail tests: aiosmtpd on a free local port, in a thread.

``smtp_server`` (a fixture: import it into the test module, or into a conftest) starts one
per test and gives a ``MailServer``: its ``settings`` (config overrides that point the app at
it), the messages it received, and ``wait_for`` to wait for mail sent from a background thread.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"
SENDER = "trygghet@kommun.test"
BASE_URL = "http://trygghet.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content().replace("\r\n", "\n")


@dataclass
class MailServer:
    port: int
    received: list[Received] = field(default_factory=list)
    #: Replies the server gives to RCPT TO, e.g. "550 no such user"; None accepts all.
    refuse_recipients: str | None = None
    #: The (user, password) the server accepts with AUTH, if any was asked for.
    logins: list[tuple[str, str]] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def settings(self) -> dict[str, Any]:
        """Config overrides that send the app's mail here."""
        return {
            "TRYGGHET_SMTP_HOST": HOST,
            "TRYGGHET_SMTP_PORT": self.port,
            "TRYGGHET_MAIL_FROM": SENDER,
            "TRYGGHET_BASE_URL": BASE_URL,
            "TRYGGHET_SMTP_TIMEOUT": 5,
        }

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """The messages once at least ``count`` have arrived; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.received)} of {count} messages arrived"
                self._arrived.wait(left)
            return list(self.received)

    # aiosmtpd's handler hooks
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.refuse_recipients:
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.received.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), message)
            )
            self._arrived.notify_all()
        return "250 Message accepted"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        # handled=False: aiosmtpd then replies 535 itself to a wrong password.
        return AuthResult(success=login == ("mailer", "mail-password"), handled=False)


def start_server(**controller_options: Any) -> tuple[MailServer, Controller]:
    """An aiosmtpd server on a free port, running; stop it with ``controller.stop()``."""
    server = MailServer(port=free_port())
    controller = Controller(
        server,
        hostname=HOST,
        port=server.port,
        authenticator=server.authenticate,
        # Loopback only: the tests' password never leaves the machine.
        auth_require_tls=False,
        **controller_options,
    )
    controller.start()
    return server, controller


@pytest.fixture
def smtp_server() -> Iterator[MailServer]:
    """A running SMTP server that records what it receives."""
    from survey.services import mail

    server, controller = start_server()
    try:
        yield server
    finally:
        mail.wait_for_background()
        controller.stop()

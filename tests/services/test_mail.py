"""Outgoing mail: settings from the config, a real SMTP server, failures logged without names."""

from __future__ import annotations

import logging
import socket
import ssl
import subprocess
import time

import pytest

from survey import create_app
from survey.services import mail
from tests.common.apps import SECRET_KEY
from tests.common.smtp import HOST, SENDER, smtp_server, start_server  # noqa: F401 (fixture)


def _settings(**overrides) -> mail.SmtpSettings:
    config = {
        "TRYGGHET_SMTP_HOST": HOST,
        "TRYGGHET_MAIL_FROM": SENDER,
        "TRYGGHET_BASE_URL": "https://trygghet.kommun.se",
    } | overrides
    settings = mail.smtp_settings(config)
    assert settings is not None
    return settings


def test_without_a_host_mail_is_not_configured():
    assert mail.smtp_settings({}) is None
    assert mail.smtp_settings({"TRYGGHET_SMTP_HOST": " ", "TRYGGHET_MAIL_FROM": SENDER}) is None


@pytest.mark.parametrize(
    ("overrides", "port"),
    [({}, 25), ({"TRYGGHET_SMTP_STARTTLS": True}, 587), ({"TRYGGHET_SMTP_SSL": True}, 465)],
)
def test_the_port_follows_the_kind_of_connection(overrides, port):
    assert _settings(**overrides).port == port
    assert _settings(**overrides, TRYGGHET_SMTP_PORT=2525).port == 2525


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TRYGGHET_SMTP_SSL": True, "TRYGGHET_SMTP_STARTTLS": True}, "not both"),
        ({"TRYGGHET_MAIL_FROM": ""}, "TRYGGHET_MAIL_FROM"),
        ({"TRYGGHET_BASE_URL": None}, "TRYGGHET_BASE_URL"),
        ({"TRYGGHET_SMTP_HOST": "mail.kommun.se", "TRYGGHET_SMTP_USER": "u"}, "unencrypted"),
        ({"TRYGGHET_SMTP_TIMEOUT": -1}, "above 0"),
    ],
)
def test_settings_that_do_not_fit_together_are_refused(overrides, message):
    with pytest.raises(mail.MailConfigError, match=message):
        _settings(**overrides)


def test_the_app_reads_mail_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TRYGGHET_SMTP_HOST", "mail.kommun.se")
    monkeypatch.setenv("TRYGGHET_SMTP_STARTTLS", "yes")
    monkeypatch.setenv("TRYGGHET_SMTP_USER", "trygghet")
    monkeypatch.setenv("TRYGGHET_SMTP_PASSWORD", "secret-password")
    monkeypatch.setenv("TRYGGHET_MAIL_FROM", SENDER)
    monkeypatch.setenv("TRYGGHET_BASE_URL", "https://trygghet.kommun.se")
    app = create_app({"SECRET_KEY": SECRET_KEY, "TESTING": True})
    settings = mail.smtp_settings(app.config)
    assert settings == mail.SmtpSettings(
        host="mail.kommun.se",
        port=587,
        sender=SENDER,
        user="trygghet",
        password="secret-password",  # noqa: S106
        starttls=True,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TRYGGHET_SMTP_STARTTLS", "maybe", "TRYGGHET_SMTP_STARTTLS='maybe' is not valid"),
        ("TRYGGHET_SMTP_PORT", "smtp", "TRYGGHET_SMTP_PORT='smtp' is not valid"),
        ("TRYGGHET_SMTP_HOST", "mail.kommun.se", "TRYGGHET_BASE_URL"),
    ],
)
def test_the_app_refuses_to_start_with_broken_mail_settings(
    monkeypatch, tmp_path, name, value, message
):
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TRYGGHET_MAIL_FROM", SENDER)
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=message):
        create_app({"SECRET_KEY": SECRET_KEY, "TESTING": True})


def test_a_message_reaches_the_server(smtp_server):  # noqa: F811
    settings = _settings(TRYGGHET_SMTP_PORT=smtp_server.port)
    message = mail.compose(settings, "kim@example.se", "Hej", "Första raden\nåäö")
    mail.send(settings, message)
    (received,) = smtp_server.wait_for(1)
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ["kim@example.se"]
    assert received.message["Subject"] == "Hej"
    assert received.message["Message-ID"].endswith("@kommun.test>")
    assert received.body.strip() == "Första raden\nåäö"


def test_a_login_is_sent_when_a_user_is_configured(smtp_server):  # noqa: F811
    settings = _settings(
        TRYGGHET_SMTP_PORT=smtp_server.port,
        TRYGGHET_SMTP_USER="mailer",
        TRYGGHET_SMTP_PASSWORD="mail-password",  # noqa: S106
    )
    mail.send(settings, mail.compose(settings, "kim@example.se", "Hej", "text"))
    assert smtp_server.logins == [("mailer", "mail-password")]
    assert len(smtp_server.wait_for(1)) == 1


def _failures(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == mail.log.name]


def test_a_wrong_password_fails_and_is_logged_without_the_local_part(
    smtp_server,  # noqa: F811
    caplog,
):
    settings = _settings(
        TRYGGHET_SMTP_PORT=smtp_server.port,
        TRYGGHET_SMTP_USER="mailer",
        TRYGGHET_SMTP_PASSWORD="wrong",  # noqa: S106
    )
    message = mail.compose(settings, "kim.svensson@example.se", "Hej", "text")
    with pytest.raises(mail.MailError, match="SMTPAuthenticationError"):
        mail.send(settings, message)
    with caplog.at_level(logging.INFO, logger=mail.log.name):
        assert mail.send_logged(settings, message) is False
    (line,) = _failures(caplog)
    assert "…@example.se" in line
    assert "kim" not in line
    assert smtp_server.received == []


def test_a_refused_recipient_is_logged_with_the_code_only(smtp_server, caplog):  # noqa: F811
    smtp_server.refuse_recipients = "550 5.1.1 <kim.svensson@example.se>: no such user"
    settings = _settings(TRYGGHET_SMTP_PORT=smtp_server.port)
    message = mail.compose(settings, "kim.svensson@example.se", "Hej", "text")
    with caplog.at_level(logging.INFO, logger=mail.log.name):
        assert mail.send_logged(settings, message) is False
    (line,) = _failures(caplog)
    assert "SMTPRecipientsRefused (550)" in line
    assert "kim" not in line


def test_starttls_is_never_skipped_when_the_server_does_not_offer_it(smtp_server):  # noqa: F811
    settings = _settings(TRYGGHET_SMTP_PORT=smtp_server.port, TRYGGHET_SMTP_STARTTLS=True)
    with pytest.raises(mail.MailError, match="SMTPNotSupportedError"):
        mail.send(settings, mail.compose(settings, "kim@example.se", "Hej", "text"))
    assert smtp_server.received == []


def test_a_server_certificate_that_is_not_trusted_is_refused(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(  # noqa: S603 (fixed arguments)
        ["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server, controller = start_server(ssl_context=context)
    try:
        settings = _settings(TRYGGHET_SMTP_PORT=server.port, TRYGGHET_SMTP_SSL=True)
        with pytest.raises(mail.MailError, match="SSLCertVerificationError"):
            mail.send(settings, mail.compose(settings, "kim@example.se", "Hej", "text"))
    finally:
        controller.stop()
    assert server.received == []


def test_nothing_listening_fails_at_once():
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    settings = _settings(TRYGGHET_SMTP_PORT=port)
    with pytest.raises(mail.MailError, match="ConnectionRefusedError"):
        mail.send(settings, mail.compose(settings, "kim@example.se", "Hej", "text"))


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:  # accepts connections (the backlog), never greets
        silent.bind((HOST, 0))
        silent.listen()
        settings = _settings(TRYGGHET_SMTP_PORT=silent.getsockname()[1], TRYGGHET_SMTP_TIMEOUT=0.3)
        started = time.monotonic()
        with pytest.raises(mail.MailError, match="timed out"):
            mail.send(settings, mail.compose(settings, "kim@example.se", "Hej", "text"))
    assert time.monotonic() - started < 5


def test_a_background_send_is_made_and_sent_in_a_thread(smtp_server):  # noqa: F811
    settings = _settings(TRYGGHET_SMTP_PORT=smtp_server.port)
    mail.send_in_background(settings, lambda: mail.compose(settings, "a@example.se", "1", "x"))
    mail.send_in_background(settings, lambda: None)  # nothing to send
    assert mail.wait_for_background(5)
    assert [r.rcpt_tos for r in smtp_server.wait_for(1)] == [["a@example.se"]]


def test_an_error_making_a_background_message_is_logged(caplog):
    def broken():
        raise ValueError("no template")

    with caplog.at_level(logging.ERROR, logger=mail.log.name):
        mail.send_in_background(_settings(), broken)
        assert mail.wait_for_background(5)
    assert [r.getMessage() for r in caplog.records] == ["mail not sent"]

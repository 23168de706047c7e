"""`trygghet alerts send`, and the alerts after `trygghet import crime`, with a real SMTP server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analysis.deviations import shift_month
from survey.extensions import db
from survey.models import DeviationAlert
from tests.common import factories
from tests.common.smtp import free_port, smtp_server  # noqa: F401 (fixture)
from tests.common.web import local_today
from tests.services.test_alerts_webhook import Hook


def smtp_env(server) -> dict[str, str]:
    return {name: str(value) for name, value in server.settings.items()}


def this_month() -> str:
    return local_today().replace(day=1).strftime("%Y-%m")


@pytest.fixture
def deviation(app):
    """Two a month in Bromma for a year, then 14 this month; an organizer who asked for mail."""
    month = local_today().replace(day=1)
    counts = {shift_month(month, -back): 2 for back in range(1, 13)} | {month: 14}
    with app.app_context():
        factories.crime_counts(counts, "bromma", "Misshandel")
        factories.user("organizer", "ann@kommun.test").notify_deviations = True
        db.session.commit()


def test_alerts_send_mails_each_deviation_once(app, cli, deviation, smtp_server):  # noqa: F811
    env = smtp_env(smtp_server)
    result = cli("alerts", "send", env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "deviations: 1 new; e-mail digests sent 1, failed 0; webhook off; 0 still pending\n"
    )
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["ann@kommun.test"]
    again = cli("alerts", "send", env=env)
    assert again.stdout == (
        "deviations: 0 new; e-mail digests sent 0, failed 0; webhook off; 0 still pending\n"
    )
    assert len(smtp_server.received) == 1


def test_a_failed_send_exits_1_and_the_next_run_sends(app, cli, deviation, smtp_server):  # noqa: F811
    down = smtp_env(smtp_server) | {"TRYGGHET_SMTP_PORT": str(free_port())}
    failed = cli("alerts", "send", env=down)
    assert failed.exit_code == 1
    assert "failed 1" in failed.stdout
    assert "1 still pending" in failed.stdout
    assert failed.stderr.startswith("mail: ConnectionRefusedError")
    assert "ann@" not in failed.stderr
    assert "Traceback" not in failed.stderr
    retried = cli("alerts", "send", env=smtp_env(smtp_server))
    assert retried.exit_code == 0
    assert retried.stdout.startswith("deviations: 0 new; e-mail digests sent 1, failed 0")
    smtp_server.wait_for(1)


def test_importing_crime_data_sends_the_new_deviations(app, cli, tmp_path, smtp_server):  # noqa: F811
    with app.app_context():
        factories.user("organizer", "ann@kommun.test").notify_deviations = True
        db.session.commit()
    # Last month: a month still going on has no month's count yet.
    month = shift_month(local_today().replace(day=1), -1)
    rows = [f"{shift_month(month, -back):%Y-%m};Bromma;Misshandel;2" for back in range(1, 13)]
    path = tmp_path / "brott.csv"
    path.write_text(
        "\n".join(["month;area;category;count", *rows, f"{month:%Y-%m};Bromma;Misshandel;14"])
    )
    result = cli("import", "crime", str(path), env=smtp_env(smtp_server))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("imported 13 monthly counts")
    assert lines[-1].startswith("deviations: 1 new; e-mail digests sent 1")
    [mail] = smtp_server.wait_for(1)
    assert "misshandel" in mail.body
    assert "/organizer/areas/bromma#deviations" in mail.body
    # The same file again: the import runs, the deviation is not told twice.
    assert "deviations:" not in cli("import", "crime", str(path), env=smtp_env(smtp_server)).stdout
    assert len(smtp_server.received) == 1


def test_an_import_without_new_deviations_prints_no_alert_line(app, cli, tmp_path):
    path = tmp_path / "brott.csv"
    path.write_text("month;area;category;count\n2020-01;Bromma;Misshandel;3\n")
    result = cli("import", "crime", str(path))
    assert result.stdout.splitlines()[-1].startswith("imported 1 monthly count ")


def test_the_webhook_comes_from_the_environment(app, cli, deviation):
    hook = Hook()
    hook.thread.start()
    try:
        env = {"TRYGGHET_ALERT_WEBHOOK_URL": hook.url, "TRYGGHET_ALERT_WEBHOOK_SECRET": "s3cret"}
        result = cli("alerts", "send", env=env)
    finally:
        hook.server.shutdown()
        hook.server.server_close()
        hook.thread.join()
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "deviations: 1 new; mail not configured; webhook sent 1; 0 still pending\n"
    )
    [(headers, body)] = hook.requests
    assert this_month() in body.decode()
    assert headers["X-Trygghet-Signature"].startswith("sha256=")
    with app.app_context():
        alert = db.session.scalar(select(DeviationAlert))
        assert alert.webhook_sent_at is not None
        assert alert.mail_sent_at is None


def test_a_webhook_address_that_cannot_work_is_a_message(app, cli, deviation):
    result = cli("alerts", "send", env={"TRYGGHET_ALERT_WEBHOOK_URL": "ftp://hooks.kommun.se"})
    assert result.exit_code == 1
    # Refused at start, as every command is: never after an import it would follow.
    assert "TRYGGHET_ALERT_WEBHOOK_URL='ftp://hooks.kommun.se' is not valid" in result.stderr
    assert "must be an address starting with https:// or http://" in result.stderr
    assert "Traceback" not in result.stderr

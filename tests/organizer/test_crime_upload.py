"""The crime imports page: an admin imports a crime data file as `trygghet import crime` does,
all or nothing, on the police's REAL responses (../shared/data/real/) and Brå-shaped files."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from analysis.deviations import shift_month
from survey.extensions import db
from survey.models import CrimeCount, DeviationAlert
from survey.models.crime import CrimeEvent, CrimeYearCount
from survey.models.crime_imports import CrimeImportRun
from survey.services import mail
from tests.common import factories
from tests.common.smtp import free_port, smtp_server  # noqa: F401 (fixture)
from tests.common.web import Auth, csrf_token, local_today, post_files
from tests.imports.test_bra import DATA as BRA
from tests.imports.test_crime_events import AUGUST_2026, MARCH_2023, REAL, real

PAGE = "/organizer/crime-imports"


@pytest.fixture
def admin(auth):
    auth.login("admin")
    return auth.client


def _upload(client, content: bytes, name: str, **fields: str):
    data = {"csrf_token": csrf_token(client, PAGE), "format": "", "year": "", **fields}
    data["file"] = (io.BytesIO(content), name)
    # Buffered: the test client then closes the response, as a server does once it has sent
    # it, which is when the alerts go out.
    return post_files(client, PAGE, data, buffered=True)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _messages(page: str, kind: str) -> list[str]:
    """The flashed messages of a kind (success, info, error) on a page, as read."""
    found = re.findall(rf'<p class="flash flash-{kind}"[^>]*>(.*?)</p>', page, re.S)
    return [unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", "", text))).strip() for text in found]


def _import_errors(page: str) -> list[str]:
    # The file's errors: the last error summary on the page (the form's own comes first).
    summary = page.rsplit('<div class="error-summary"', 1)[1].split("</ul>", 1)[0]
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def test_the_real_police_response_imports_each_event_once(app, admin):
    admin.get(PAGE + "?lang=en")
    content = (REAL / AUGUST_2026).read_bytes()  # as the police served it
    events = {e["id"] for e in real(AUGUST_2026)}
    response = _upload(admin, content, AUGUST_2026)
    assert response.status_code == 303
    page = admin.get(PAGE).get_data(as_text=True)
    [done] = _messages(page, "success")
    assert done.startswith(f"Imported {len(events)} events ({len(events)} new, 0 updated, 0 ")
    assert " in 1 area (Bromma) over 1 month" in done  # by name, as the page names areas
    assert _count(app, CrimeEvent) == len(events) == 500
    assert f'<td class="file-name">{AUGUST_2026}</td>' in page
    assert "police events (JSON)" in page
    # The same download again (a timer that ran twice): nothing counted twice.
    assert _upload(admin, content, AUGUST_2026).status_code == 303
    [again] = _messages(admin.get(PAGE).get_data(as_text=True), "success")
    assert f"(0 new, 0 updated, {len(events)} unchanged" in again
    assert _count(app, CrimeEvent) == 500
    assert _count(app, CrimeImportRun) == 2


def test_a_malformed_event_is_named_and_nothing_is_stored(app, admin):
    admin.get(PAGE + "?lang=en")
    events = real(MARCH_2023)
    broken = dict(events[41])
    del broken["datetime"]
    content = json.dumps([*events[:41], broken, *events[42:]], ensure_ascii=False).encode()
    response = _upload(admin, content, "handelser.json")
    assert response.status_code == 422
    errors = _import_errors(response.get_data(as_text=True))
    assert len(errors) == 1
    assert "42" in errors[0]
    assert str(broken["id"]) in errors[0]
    assert "datetime" in errors[0]
    assert _count(app, CrimeEvent) == 0
    assert _count(app, CrimeImportRun) == 0


def test_a_json_file_given_as_a_csv_says_so(app, admin):
    admin.get(PAGE + "?lang=en")
    content = (REAL / MARCH_2023).read_bytes()
    response = _upload(admin, content, "handelser.json", format="csv")
    assert response.status_code == 422
    [error] = _import_errors(response.get_data(as_text=True))
    assert error.startswith(
        "line 1: this file is JSON, not of the shape “CSV file”: a police event"
    )
    assert _count(app, CrimeEvent) == 0


def test_a_bra_file_without_the_year_in_its_name_takes_it_from_the_year_field(app, admin):
    admin.get(PAGE + "?lang=en")
    content = (BRA / "anmalda_brott_kommuner_2021.csv").read_bytes()
    refused = _upload(admin, content, "brott.csv")
    assert refused.status_code == 422
    [error] = _import_errors(refused.get_data(as_text=True))
    assert "year" in error
    assert _count(app, CrimeYearCount) == 0
    for year in ("21", "9" * 400, "-" + "9" * 400):  # 400 digits overflowed a float: a 500
        wrong = _upload(admin, content, "brott.csv", year=year)
        assert wrong.status_code == 422
        assert "Enter a number from 1950 to 2100." in wrong.get_data(as_text=True)
    assert _upload(admin, content, "brott.csv", year="2021").status_code == 303
    with app.app_context():
        years = set(db.session.scalars(select(CrimeYearCount.year)))
    assert years == {2021}


def test_an_admin_reads_the_page_and_the_file_s_errors_in_swedish(app, admin):
    admin.get(PAGE + "?lang=sv")
    assert "Fil med brottsdata" in admin.get(PAGE).get_data(as_text=True)
    content = (BRA / "anmalda_brott_kommuner_2021.csv").read_bytes()
    refused = _upload(admin, content, "brott.csv").get_data(as_text=True)
    assert "Filen importerades inte, inget ändrades:" in refused
    assert _import_errors(refused) == [
        "året står inte i filnamnet (som i anmalda_brott_kommuner_2023.csv): ange det i fältet År"
    ]
    assert _upload(admin, content, "brott.csv", year="2021").status_code == 303
    [done] = _messages(admin.get(PAGE).get_data(as_text=True), "success")
    assert done.startswith("Importerade ")


def test_the_file_name_is_listed_without_its_path_or_control_characters(app, admin):
    admin.get(PAGE + "?lang=en")
    content = b"month;area;category;count\n2020-01;Bromma;Misshandel;3\n"
    assert _upload(admin, content, "../../etc/brott\x07 jan.csv").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(CrimeImportRun.origin)) == "brott jan.csv"
        assert db.session.scalar(select(CrimeCount.count)) == 3


def test_an_organizer_cannot_import(app, client, users):
    Auth(client).login("organizer")
    assert client.get(PAGE).status_code == 403


def _deviating_counts() -> str:
    """Two a month in Bromma for a year, then 14 last month (a month still going on has no
    month's count yet)."""
    month = shift_month(local_today().replace(day=1), -1)
    rows = [f"{shift_month(month, -back):%Y-%m};Bromma;Misshandel;2" for back in range(1, 13)]
    return "\n".join(["month;area;category;count", *rows, f"{month:%Y-%m};Bromma;Misshandel;14"])


def _admin_with_a_reader(app):
    """An admin's client, in English, and an organizer who asked for the alerts by mail."""
    with app.app_context():
        factories.user("organizer", "ann@kommun.test").notify_deviations = True
        db.session.commit()
    client = app.test_client()
    Auth(client).login("admin")
    client.get(PAGE + "?lang=en")
    return client


def test_new_deviations_are_mailed_after_an_upload(make_app, smtp_server, users):  # noqa: F811
    app = make_app(**smtp_server.settings)
    client = _admin_with_a_reader(app)
    content = _deviating_counts()
    assert _upload(client, content.encode(), "brott.csv").status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    assert _messages(page, "info") == [
        "1 new deviation in the crime figures. The e-mail alerts go out now."
    ]
    [digest] = smtp_server.wait_for(1)
    assert digest.rcpt_tos == ["ann@kommun.test"]
    assert "misshandel" in digest.body
    # The same file again: imported again, the deviation is not told twice.
    assert _upload(client, content.encode(), "brott.csv").status_code == 303
    assert _messages(client.get(PAGE).get_data(as_text=True), "info") == []
    assert mail.wait_for_background()
    assert len(smtp_server.received) == 1


def test_a_mail_server_that_is_down_keeps_the_import_and_the_alert_waits(
    make_app,
    smtp_server,  # noqa: F811
    users,
    caplog,
):
    app = make_app(**smtp_server.settings | {"TRYGGHET_SMTP_PORT": free_port()})
    client = _admin_with_a_reader(app)
    assert _upload(client, _deviating_counts().encode(), "brott.csv").status_code == 303
    assert mail.wait_for_background()
    assert "alert not sent: mail: ConnectionRefusedError" in caplog.text
    assert "ann@" not in caplog.text
    with app.app_context():
        [alert] = db.session.scalars(select(DeviationAlert))
        assert alert.mail_sent_at is None  # the next alert run sends it
        assert db.session.scalar(select(func.count()).select_from(CrimeCount)) == 13


def test_a_webhook_address_that_cannot_work_is_said_and_the_import_kept(make_app, users):
    app = make_app(TRYGGHET_ALERT_WEBHOOK_URL="ftp://hooks.kommun.se")
    client = _admin_with_a_reader(app)
    assert _upload(client, _deviating_counts().encode(), "brott.csv").status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    [error] = _messages(page, "error")
    assert error.startswith("No alert was sent: TRYGGHET_ALERT_WEBHOOK_URL must start with")
    assert _messages(page, "info") == [
        "1 new deviation in the crime figures. E-mail is not set up: the deviations are on the"
        " dashboard."
    ]
    assert _count(app, CrimeCount) == 13

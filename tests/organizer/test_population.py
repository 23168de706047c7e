"""The population page: margins per area and year, upload of the same files, delete, audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, PopulationMargin
from tests.common.web import csrf_token

PAGE = "/organizer/population"
DATA = Path(__file__).parents[1] / "imports" / "data" / "population"


@pytest.fixture
def admin(auth):
    auth.login("admin")
    return auth.client


def _upload(client, content: bytes, name: str, **fields: str):
    data = {"csrf_token": csrf_token(client, PAGE), "year": "", "area": "", **fields}
    data["file"] = (io.BytesIO(content), name)
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PopulationMargin)) or 0


def test_upload_lists_per_area_and_year_then_delete(app, admin):
    page = admin.get(PAGE + "?lang=en").get_data(as_text=True)
    assert page.count("No population figures: the figures of this area are not weighted.") == 3
    content = (DATA / "scb_stadsdelsomraden_2024.txt").read_bytes()
    response = _upload(admin, content, "folkmangd.txt")
    assert response.status_code == 303
    page = admin.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "2024: 83,134 residents" in page  # Bromma, as the CLI sums it
    assert "2024: 72,334 residents" in page
    assert "16–24" in page  # the questionnaire's own label of the band
    assert _count(app) == 16
    delete = f"{PAGE}/bromma/2024/delete"
    response = admin.post(delete, data={"csrf_token": csrf_token(admin, PAGE)})
    assert response.status_code == 303
    assert _count(app) == 8
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["population.import", "population.import", "population.delete"]
    log = admin.get("/organizer/audit?lang=en").get_data(as_text=True)
    assert "Population figures imported" in log
    assert "Population figures deleted" in log


def test_a_bad_upload_lists_its_lines_and_stores_nothing(app, admin):
    bad = "area;gender;age_band;count\nAtlantis;man;16-24;10\nBromma;man;15-19;4\n"
    response = _upload(admin, bad.encode(), "bad.csv", year="2024")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "line 2: unknown area &#39;Atlantis&#39;" in page
    assert "line 3: ages 15-19 do not fit" in page
    assert _count(app) == 0


def test_an_upload_without_a_file_or_with_a_bad_year_is_refused(app, admin):
    data = {"csrf_token": csrf_token(admin, PAGE), "year": "tvåtusen", "area": ""}
    response = admin.post(PAGE, data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _count(app) == 0


def test_margins_download_as_csv(app, admin):
    _upload(admin, (DATA / "scb_stadsdelsomraden_2024.txt").read_bytes(), "f.txt")
    response = admin.get("/organizer/export/population.csv")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).removeprefix("\ufeff").splitlines()
    assert lines[0] == "area,year,gender,age_band,count"
    assert len(lines) == 1 + 16
    assert "bromma,2024,man,16-24,4911" in lines


def test_organizers_may_not_change_margins(auth):
    auth.login("organizer")
    assert auth.client.get(PAGE).status_code == 403

"""The population page: margins per area and year, upload of the same files, delete, audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, PopulationMargin
from tests.common.web import csrf_token, post_files

PAGE = "/organizer/population"
DATA = Path(__file__).parents[1] / "imports" / "data" / "population"


@pytest.fixture
def admin(auth):
    auth.login("admin")
    return auth.client


def _upload(client, content: bytes, name: str, **fields: str):
    data = {"csrf_token": csrf_token(client, PAGE), "year": "", "area": "", **fields}
    data["file"] = (io.BytesIO(content), name)
    return post_files(client, PAGE, data)


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
    admin.get(PAGE + "?lang=en")
    bad = "area;gender;age_band;count\nAtlantis;man;16-24;10\nBromma;man;15-19;4\n"
    response = _upload(admin, bad.encode(), "bad.csv", year="2024")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "line 2: unknown area &#39;Atlantis&#39;" in page
    # The page's own way to name the file's one area, not the command line's --area.
    assert "or choose the area the whole file is for under Area)" in page
    assert "--area" not in page
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


def _deso_export(regions: int) -> bytes:
    """Statistics Sweden's table for a district's small regions (DeSO), by single year of age
    and five years, tab separated: the shape and size of a real export, invented counts."""
    years = range(2020, 2025)
    lines = ["Folkmängden efter region, ålder, kön och år", ""]
    lines.append("\t".join(["region", "ålder", "kön", *map(str, years)]))
    for region in range(regions):
        for age in [f"{a} år" for a in range(100)] + ["100+ år"]:
            for gender in ("män", "kvinnor"):
                counts = [str(5 + (region + len(age) + y) % 20) for y in years]
                lines.append("\t".join([f"0180C{1010 + region} Bromma", age, gender, *counts]))
    return ("\n".join(lines) + "\n").encode()


def test_a_real_sized_statistics_sweden_export_is_imported(app, admin):
    content = _deso_export(60)
    assert 400_000 < len(content) < 2 * 1024 * 1024  # far above the 64 kB of other forms
    response = _upload(admin, content, "deso.txt", area="bromma")
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    expected = 0
    for line in content.decode().splitlines()[3:]:
        region, age, _gender, *counts = line.split("\t")
        if int(age.removesuffix(" år").removesuffix("+")) >= 16:
            expected += int(counts[-1])
    with app.app_context():
        total = db.session.scalar(
            select(func.sum(PopulationMargin.population)).where(PopulationMargin.year == 2024)
        )
    assert total == expected
    assert _count(app) == 5 * 8  # five years of 4 age bands x 2 genders, all in Bromma


def test_a_file_above_the_limit_gets_a_clear_message_and_stores_nothing(app, admin):
    admin.get(PAGE + "?lang=en")
    content = _deso_export(60) * 6
    assert len(content) > 2 * 1024 * 1024
    response = _upload(admin, content, "deso.txt", area="bromma")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large" in page
    assert "This page takes files of at most 2 MB." in page
    assert _count(app) == 0
    # The page says the limit before anyone tries.
    assert "Files of at most 2 MB" in admin.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("lang", ["sv", "fa"])
def test_the_errors_are_in_the_page_s_language_with_their_lines(app, admin, lang):
    admin.get(f"{PAGE}?lang={lang}")
    bad = "area;gender;age_band;count\nBromma;man;16-24;-3\n"
    response = _upload(admin, bad.encode(), "bad.csv", year="2024")
    assert response.status_code == 422
    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()  # the app's domain: Swedish behind a catalog that lacks a text
        said = gettext("line %(n)d: count %(count)d is negative", n=2, count=-3)
    assert f"<li>{said}</li>" in response.get_data(as_text=True)
    assert _count(app) == 0


@pytest.mark.parametrize(
    ("lang", "said", "younger"),
    [
        ("sv", "Bromma 2024: 83\N{NO-BREAK SPACE}134 invånare;", "(54\N{NO-BREAK SPACE}000 yngre"),
        ("en", "Bromma 2024: 83,134 residents;", "(54,000 younger"),
    ],
)
def test_the_upload_s_message_groups_counts_as_the_page_s_language(admin, lang, said, younger):
    # The command line prints the same summary with plain digits (tests/imports).
    admin.get(f"{PAGE}?lang={lang}")
    content = (DATA / "scb_stadsdelsomraden_2024.txt").read_bytes()
    response = _upload(admin, content, "folkmangd.txt")
    assert response.status_code == 303
    page = admin.get(PAGE).get_data(as_text=True)
    assert said in page
    assert younger in page
    assert "83134" not in page


def test_a_live_version_without_gender_and_age_keeps_version_1s_bands(app, admin):
    """The README's example version 2 asks neither gender nor age: the page was a 500
    (KeyError 'gender') and every margins import failed (KeyError 'age_band')."""
    from tests.common.item_data import record_version_2

    with app.app_context():
        record_version_2()
    response = admin.get(PAGE + "?lang=en")
    assert response.status_code == 200
    content = (DATA / "scb_stadsdelsomraden_2024.txt").read_bytes()
    assert _upload(admin, content, "folkmangd.txt").status_code == 303
    page = admin.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "2024: 83,134 residents" in page
    assert "16–24" in page  # version 1's label of the band

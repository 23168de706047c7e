"""`trygghet export crime` and the organizer download: the counts every crime figure reads."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import delete

from analysis.crime_series import read_series
from survey.extensions import db
from survey.models import CrimeCount
from tests.common import factories

BOM = "\ufeff"


def _counts(app) -> None:
    with app.app_context():
        factories.crime_counts({dt.date(2025, 1, 1): 12, dt.date(2025, 2, 1): None})
        # The event list counts January too: one count per month, the CSV's (read_series).
        factories.crime_counts({dt.date(2025, 1, 1): 3}, source="events")
        factories.crime_counts({dt.date(2025, 1, 1): 4}, category="Rån")
        factories.crime_counts({dt.date(2025, 1, 1): 99}, "ekero")
        db.session.commit()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_export_crime_writes_the_counts_the_figures_read(app, cli, tmp_path):
    _counts(app)
    result = cli("export", "crime", "--area", "bromma")
    assert result.exit_code == 0, result.stderr
    rows = _rows(result.stdout)
    assert rows[0] == ["month", "area", "category", "count"]
    assert rows[1:] == [
        ["2025-01", "bromma", "Misshandel", "12"],
        ["2025-02", "bromma", "Misshandel", ".."],  # suppressed by the source: missing, not 0
        ["2025-01", "bromma", "Rån", "4"],
    ]
    with app.app_context(), db.engine.connect() as conn:
        series = read_series(conn, "bromma", dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    assert series[("bromma", "Misshandel")] == {dt.date(2025, 1, 1): 12, dt.date(2025, 2, 1): None}
    everything = _rows(cli("export", "crime").stdout)
    assert ["2025-01", "ekero", "Misshandel", "99"] in everything
    out = tmp_path / "crime.xlsx"
    written = cli("export", "crime", "--format", "xlsx", "--out", str(out))
    assert written.exit_code == 0, written.stderr
    assert out.read_bytes()[:2] == b"PK"
    assert "4 crime counts written to" in written.stderr


def test_an_unknown_area_is_refused_and_nothing_is_written(app, cli, tmp_path):
    out = tmp_path / "crime.csv"
    result = cli("export", "crime", "--area", "atlantis", "--out", str(out))
    assert result.exit_code == 1
    assert "unknown area 'atlantis'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_the_export_imports_back(app, cli, tmp_path):
    source = tmp_path / "source.csv"
    source.write_text(
        "month;area;category;count\n2025-01;bromma;Misshandel;12\n2025-02;bromma;Misshandel;..\n"
        '2025-01;bromma;Rån;4\n2025-01;bromma;=HYPERLINK("x");1\n',
        encoding="utf-8",
    )
    assert cli("import", "crime", str(source)).exit_code == 0
    exported = cli("export", "crime", "--area", "bromma").stdout
    # February is covered by the file without a robbery: 0 robberies, not missing.
    assert ["2025-02", "bromma", "Rån", "0"] in _rows(exported)
    with app.app_context():
        db.session.execute(delete(CrimeCount))
        db.session.commit()
    path = tmp_path / "crime.csv"
    path.write_text(exported, encoding="utf-8")
    imported = cli("import", "crime", str(path))
    assert imported.exit_code == 0, imported.stderr
    again = _rows(cli("export", "crime", "--area", "bromma").stdout)
    assert again == _rows(exported)
    # A formula-like category is exported with an apostrophe, and imported without it.
    assert ["2025-01", "bromma", '\'=HYPERLINK("x")', "1"] in again


def test_organizers_download_an_areas_crime_counts(app, auth):
    _counts(app)
    auth.login("organizer")
    response = auth.client.get("/organizer/areas/bromma/crime.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="trygghet-brott-bromma-'
    )
    assert _rows(response.get_data(as_text=True))[1] == ["2025-01", "bromma", "Misshandel", "12"]
    assert auth.client.get("/organizer/areas/atlantis/crime.csv").status_code == 404
    page = auth.client.get("/organizer/export?lang=en").get_data(as_text=True)
    assert 'href="/organizer/areas/bromma/crime.csv"' in page

"""Population margins in: the simple CSV and Statistics Sweden's export, all or nothing.

The files under data/population/ are shaped like Statistics Sweden's exports; their figures
are invented (see its README).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from survey.extensions import db
from survey.models import Area, AuditEvent, PopulationMargin

DATA = Path(__file__).parent / "data" / "population"
BANDS = {"16-24": (16, 24), "25-44": (25, 44), "45-64": (45, 64), "65+": (65, 200)}


def stored(app) -> dict[tuple[str, int, str, str], int]:
    """Every stored margin: (area slug, year, age band, gender) -> population."""
    with app.app_context():
        rows = db.session.execute(
            select(
                Area.slug,
                PopulationMargin.year,
                PopulationMargin.age_band,
                PopulationMargin.gender,
                PopulationMargin.population,
            ).join(Area, Area.id == PopulationMargin.area_id)
        ).all()
    return {(a, y, b, g): p for a, y, b, g, p in rows}


def import_margins(cli, *args: str):
    """`trygghet import population` with its messages in English."""
    return cli("import", "population", "--lang", "en", *args)


def write(tmp_path: Path, text: str, name: str = "margins.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def expected_from_scb(path: Path, year_column: int) -> dict[tuple[str, str], int]:
    """The fixture's counts summed by hand into the bands, from its own text (ages '16 år')."""
    text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    header = next(i for i, row in enumerate(rows) if row[:1] == ["region"])
    sums: dict[tuple[str, str], int] = {}
    for row in rows[header + 1 :]:
        if len(row) < 4 or not re.match(r"\d+", row[1]):
            continue
        age = int(re.match(r"\d+", row[1])[0])
        gender = {"män": "man", "kvinnor": "woman"}[row[2]]
        for band, (low, high) in BANDS.items():
            if low <= age <= high:
                sums[(band, gender)] = sums.get((band, gender), 0) + int(row[year_column])
    return sums


def test_statistics_sweden_single_years_latin1(app, cli):
    path = DATA / "scb_be0101_ekero_2023_2024.csv"
    result = import_margins(cli, str(path))
    assert result.exit_code == 0, result.output
    margins = stored(app)
    for year, column in ((2023, 3), (2024, 4)):
        expected = expected_from_scb(path, column)
        got = {(b, g): p for (a, y, b, g), p in margins.items() if a == "ekero" and y == year}
        assert got == expected
    assert len(margins) == 16  # 4 bands x 2 genders x 2 years, one area
    # Ages 0-15 are left out and said so.
    assert "younger than the youngest age band left out" in result.output


def test_a_live_version_without_the_age_question_sums_into_version_1s_bands(app, cli):
    """The README's example version 2 does not ask the age: the import stopped with a
    KeyError traceback instead of using version 1's bands, which the answers hold."""
    from tests.common.item_data import record_version_2

    with app.app_context():
        record_version_2()
    result = import_margins(cli, str(DATA / "scb_stadsdelsomraden_2024.txt"))
    assert result.exit_code == 0, result.output
    assert stored(app)[("bromma", 2024, "16-24", "man")] == 2437 + 2474


def test_statistics_sweden_districts_tab_separated_five_year_bands(app, cli):
    result = import_margins(cli, str(DATA / "scb_stadsdelsomraden_2024.txt"))
    assert result.exit_code == 0, result.output
    margins = stored(app)
    # Read from the fixture: Bromma's men 16-19 år 2 437 and 20-24 år 2 474.
    assert margins[("bromma", 2024, "16-24", "man")] == 2437 + 2474
    assert {a for a, *_ in margins} == {"bromma", "hasselby-vallingby"}
    assert all(y == 2024 for _a, y, _b, _g in margins)
    text = (DATA / "scb_stadsdelsomraden_2024.txt").read_text("utf-8-sig")
    over_65 = 0
    for line in text.splitlines():
        cells = line.split("\t")
        if cells[0] == "Bromma" and cells[2] == "kvinnor":
            low = re.match(r"\d+", cells[1])
            if low and int(low[0]) >= 65:
                over_65 += int(cells[3].replace(" ", ""))
    assert margins[("bromma", 2024, "65+", "woman")] == over_65


def test_simple_file_with_bom_semicolons_and_year_column(app, cli, tmp_path):
    rows = [
        f"bromma;{g};{b};{n}"
        for (b, g), n in {
            ("16-24", "woman"): 4000,
            ("16-24", "man"): 4100,
            ("25-44", "woman"): 12000,
            ("25-44", "man"): 11500,
            ("45-64", "woman"): 10000,
            ("45-64", "man"): 9800,
            ("65+", "woman"): 9000,
            ("65+", "man"): 7000,
        }.items()
    ]
    text = "\ufeffarea;gender;age_band;count;year\n" + "\n".join(r + ";2025" for r in rows)
    result = import_margins(cli, write(tmp_path, text))
    assert result.exit_code == 0, result.output
    margins = stored(app)
    assert margins[("bromma", 2025, "65+", "man")] == 7000
    assert sum(margins.values()) == 67400
    assert "Bromma 2025: 67400 residents" in result.output
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "population.import")
        ).one()
    assert details["area"] == "bromma"
    assert details["year"] == 2025
    assert details["population"] == 67400


SIMPLE = """area,gender,age_band,count
Bromma,kvinnor,16-24,10
Bromma,män,16-24,10
Bromma,woman,25-44,20
Bromma,man,25-44,20
Bromma,woman,45-64,30
Bromma,man,45-64,30
Bromma,woman,65+,40
Bromma,man,65+,40
"""


def test_reimport_replaces_one_area_and_year_only(app, cli, tmp_path):
    assert import_margins(cli, str(DATA / "scb_be0101_ekero_2023_2024.csv")).exit_code == 0
    assert import_margins(cli, "--year", "2024", write(tmp_path, SIMPLE)).exit_code == 0
    before = stored(app)
    again = SIMPLE.replace("Bromma,man,65+,40", "Bromma,man,65+,45")
    result = import_margins(cli, "--year", "2024", write(tmp_path, again, "b.csv"))
    assert result.exit_code == 0, result.output
    after = stored(app)
    assert after[("bromma", 2024, "65+", "man")] == 45
    assert {k: v for k, v in after.items() if k[0] == "ekero"} == {
        k: v for k, v in before.items() if k[0] == "ekero"
    }
    assert len(after) == len(before)


def test_a_year_column_file_imports_one_year_when_asked(app, cli):
    path = str(DATA / "scb_be0101_ekero_2023_2024.csv")
    assert import_margins(cli, "--year", "2023", path).exit_code == 0
    assert {y for _a, y, _b, _g in stored(app)} == {2023}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("Bromma,män,16-24,10", "Atlantis,män,16-24,10"), "line 3: unknown area 'Atlantis'"),
        (("Bromma,man,25-44,20", "Bromma,man,25-44,-20"), "line 5: count -20 is negative"),
        (("Bromma,man,25-44,20", "Bromma,man,25-44,tjugo"), "line 5: count 'tjugo' is not"),
        (("Bromma,man,25-44,20", "Bromma,man,25-44,9" + "9" * 19), "line 5: count '99999"),
        (("Bromma,man,25-44,20", "Bromma,man,25-44," + "9" * 5000), "line 5: count '99999"),
        (("Bromma,woman,45-64,30", "Bromma,woman,40-49,30"), "line 6: ages 40-49 do not fit"),
        (("Bromma,woman,45-64,30", "Bromma,woman,gammal,30"), "line 6: age 'gammal' is not"),
        (("Bromma,woman,45-64,30", "Bromma,okänt,45-64,30"), "line 6: gender 'okänt' is not"),
        (("Bromma,man,65+,40", "Bromma,man,65+,40\nBromma,man,65+,41"), "line 10: repeats line 9"),
        (("Bromma,man,65+,40", "Bromma,man,65+,40\nBromma,man,total,101"), "line 10: the total"),
        (("Bromma,man,65+,40\n", ""), "line 2: Bromma 2024: no count for men 65+"),
        (("Bromma,man,65+,40", "Bromma,man,65+,40,7"), "line 9: 5 cells, the header has 4"),
    ],
)
def test_a_bad_file_says_where_and_stores_nothing(app, cli, tmp_path, change, message):
    old, new = change
    assert old in SIMPLE
    path = write(tmp_path, SIMPLE.replace(old, new))
    result = import_margins(cli, "--year", "2024", path)
    assert result.exit_code == 1
    assert message in result.output
    assert "nothing imported" in result.output
    assert stored(app) == {}


def test_the_total_of_a_statistics_sweden_file_is_checked(app, cli, tmp_path):
    text = (DATA / "scb_be0101_ekero_2023_2024.csv").read_bytes().decode("cp1252")
    lines = text.split("\r\n")
    number = next(i for i, line in enumerate(lines) if "totalt ålder" in line)
    cells = lines[number].split(",")
    lines[number] = ",".join([*cells[:3], str(int(cells[3]) + 1), cells[4]])
    result = import_margins(
        cli,
        write(tmp_path, "\r\n".join(lines), encoding="cp1252"),
    )
    assert result.exit_code == 1
    assert f"line {number + 1}: the total {int(cells[3]) + 1} is not the sum of its parts" in (
        result.output
    )
    assert stored(app) == {}


def test_a_missing_single_year_of_age_is_an_error(app, cli, tmp_path):
    text = (DATA / "scb_be0101_ekero_2023_2024.csv").read_bytes().decode("cp1252")
    lines = [line for line in text.split("\r\n") if not line.startswith('"0125 Ekerö","30 år"')]
    # The total rows no longer add up either; keep them out of this test.
    lines = [line for line in lines if "totalt ålder" not in line]
    result = import_margins(
        cli,
        write(tmp_path, "\r\n".join(lines), encoding="cp1252"),
    )
    assert result.exit_code == 1
    assert "line 4: Ekerö 2023: no count for men aged 30" in result.output
    assert "no count for women aged 30" in result.output
    assert stored(app) == {}


def test_an_unmappable_five_year_band_is_an_error(app, cli, tmp_path):
    text = "region\tålder\tkön\t2024\nBromma\t15-19 år\tmän\t1 200\n"
    result = import_margins(cli, write(tmp_path, text))
    assert result.exit_code == 1
    assert "line 2: ages 15-19 do not fit in one of the questionnaire's age bands" in result.output


def test_a_file_without_a_year_asks_for_one(app, cli, tmp_path):
    result = import_margins(cli, write(tmp_path, SIMPLE))
    assert result.exit_code == 1
    assert "line 1: no year column: give the year (--year)" in result.output


def test_every_region_added_into_one_area(app, cli, tmp_path):
    # Two small regions (DeSO codes without names) that make up one district.
    rows = ["region;ålder;kön;2024"]
    for deso in ("0180C1010", "0180C1020"):
        for band in ("16-24", "25-44", "45-64", "65+"):
            for gender in ("män", "kvinnor"):
                rows.append(f"{deso};{band} år;{gender};100")
    path = write(tmp_path, "\n".join(rows))
    refused = import_margins(cli, path)
    assert refused.exit_code == 1
    assert "line 2: unknown area '0180C1010'" in refused.output
    result = import_margins(cli, "--area", "bromma", path)
    assert result.exit_code == 0, result.output
    assert stored(app)[("bromma", 2024, "65+", "woman")] == 200


def test_export_imports_back(app, cli, tmp_path):
    assert import_margins(cli, str(DATA / "scb_stadsdelsomraden_2024.txt")).exit_code == 0
    before = stored(app)
    out = tmp_path / "margins.csv"
    result = cli("export", "population", "--out", str(out))
    assert result.exit_code == 0, result.output
    header = out.read_text("utf-8-sig").splitlines()[0]
    assert header == "area,year,gender,age_band,count"
    with app.app_context():
        db.session.execute(PopulationMargin.__table__.delete())
        db.session.commit()
    assert import_margins(cli, str(out)).exit_code == 0
    assert stored(app) == before


def _said(app, lang: str, msgid: str, **values) -> str:
    """A message as the app's catalog of ``lang`` says it (English until it is translated)."""
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **values)


def test_the_command_speaks_swedish_unless_told(app, cli, tmp_path):
    path = write(tmp_path, SIMPLE)
    result = cli("import", "population", "--year", "2024", "--area", "atlantis", path)
    assert result.exit_code == 1
    # A message the Swedish catalog has already: the default is Swedish.
    assert "Det finns inget område ”atlantis”." in result.output
    result = import_margins(cli, "--year", "2024", "--area", "x", path)
    assert "There is no area “x”." in result.output
    assert stored(app) == {}


@pytest.mark.parametrize("lang", ["sv", "en", "fi"])
def test_messages_keep_their_lines_in_every_language(app, cli, tmp_path, lang):
    path = write(tmp_path, SIMPLE.replace("Bromma,man,25-44,20", "Bromma,man,25-44,-20"))
    result = cli("import", "population", "--lang", lang, "--year", "2024", path)
    assert result.exit_code == 1
    said = _said(app, lang, "line %(n)d: count %(count)d is negative", n=5, count=-20)
    assert said in result.output.splitlines()
    nothing = _said(app, lang, "nothing imported from %(file)s", file=path)
    assert result.output.splitlines()[-1] == nothing
    assert stored(app) == {}
    good = cli("import", "population", "--lang", lang, "--year", "2024", write(tmp_path, SIMPLE))
    assert good.exit_code == 0
    summary = _said(
        app, lang, "%(area)s %(year)d: %(count)s residents", area="Bromma", year=2024, count="200"
    )
    assert summary in good.output

"""trygghet import crime-runs and undo-crime speak English, with times in a named zone;
--year refuses a CSV whose months are of another year."""

from __future__ import annotations

import re

CSV = "month;area;category;count\n2025-01;Bromma;Misshandel;3\n2025-02;Bromma;Misshandel;4\n"
WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T"


def _import(cli, tmp_path, name, text=CSV, *options):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return cli("import", "crime", str(path), *options)


def test_crime_runs_and_undo_crime_answer_in_english(cli, tmp_path):
    assert _import(cli, tmp_path, "a.csv").exit_code == 0
    second = _import(cli, tmp_path, "b.csv", CSV.replace(";3", ";5"))
    assert second.exit_code == 0, second.output
    listed = cli("import", "crime-runs")
    assert listed.exit_code == 0
    first_line, second_line = listed.stdout.splitlines()[:2]
    assert re.match(rf"import \d+: b\.csv \(csv\), {WHEN} by cli: ", first_line), first_line
    # The ids as the database gave them (PostgreSQL's sequences go on between tests).
    later, earlier = (line.split(":")[0].split()[1] for line in (first_line, second_line))
    refused = cli("import", "undo-crime", earlier, "--yes")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: Import {earlier} cannot be undone yet")
    undone = cli("import", "undo-crime", "--yes")
    assert undone.exit_code == 0, undone.output
    assert undone.stdout.startswith(f"undone import {later} from b.csv")
    assert re.search(rf"; undone {WHEN}$", cli("import", "crime-runs").stdout.splitlines()[0])
    swedish = cli("import", "crime-runs", "--lang", "sv")
    assert "; ångrad " in swedish.stdout


def test_year_refuses_a_csv_of_another_year(cli, tmp_path):
    result = _import(cli, tmp_path, "counts.csv", CSV, "--year", "2024")
    assert result.exit_code == 1
    assert "line 2: the month 2025-01 is in 2025, but --year says 2024" in result.stderr
    assert "line 3: the month 2025-02 is in 2025, but --year says 2024" in result.stderr
    assert "nothing imported from" in result.stderr
    assert cli("import", "crime-runs").stderr == "no crime imports\n"
    assert _import(cli, tmp_path, "counts.csv", CSV, "--year", "2025").exit_code == 0

"""A police event list saved under another name than *.json is still read as one."""

import shutil
from pathlib import Path

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


def test_a_saved_event_list_without_json_in_its_name_is_imported(cli, tmp_path):
    # `curl -o handelser https://polisen.se/api/events`, then `trygghet import crime handelser`:
    # refused as "the shape of this file is not known", with a list of shapes naming no
    # event list.
    path = tmp_path / "handelser"
    shutil.copy(REAL / "police-events-2023-03-25.json", path)
    result = cli("import", "crime", str(path))
    assert result.exit_code == 0, result.stderr
    assert "imported 500 events (500 new" in result.stdout


def test_an_unknown_shape_names_the_event_list_among_the_shapes_known(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Anteckningar;om;brott\n", encoding="utf-8")
    result = cli("import", "crime", str(path))
    assert result.exit_code == 1
    assert "the police's event list, JSON (events)" in result.stderr


def test_an_event_list_given_a_table_format_is_told_it_is_json(cli, tmp_path):
    # It listed four missing columns of a file that has no columns.
    for fmt in ("csv", "bra-open"):
        result = cli(
            "import", "crime", str(REAL / "police-events-2023-03-25.json"), "--format", fmt
        )
        assert result.exit_code == 1
        assert f"line 1: this file is JSON, not a {fmt} table" in result.stderr
        assert "--format events" in result.stderr
        assert "missing" not in result.stderr

"""The trygghet command: database setup and the responses export."""

import csv
import io
import json

from survey.cli.data import EXPORT_FORMATS
from survey.reports.raw_data import FORMATS, response_columns
from tests.common.web import VALID_ANSWER, submit


def test_db_upgrade_is_idempotent(cli):
    result = cli("db", "upgrade")
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_db_init_does_not_load_defaults_twice(cli):
    result = cli("db", "init")
    assert result.exit_code == 0
    assert "default data loaded" not in result.output


def test_export_csv_has_one_row_per_answer(client, cli):
    submit(
        client,
        "brommaplan",
        VALID_ANSWER
        | {"police_priority": ["presence", "drugs"], "comment": 'Sa "hej", sen gick de.'},
    )
    submit(client, "stenhamra", VALID_ANSWER | {"safety_day": "dk"})
    result = cli("export", "responses", "--format", "csv")
    assert result.exit_code == 0
    assert result.output.startswith("\ufeff")  # the byte-order mark Excel needs
    rows = list(csv.DictReader(io.StringIO(result.output.removeprefix("\ufeff"))))
    assert list(rows[0]) == response_columns()
    # Answers of one day come in random order: no submission order can be read from a file.
    rows.sort(key=lambda row: row["place"])
    assert [r["place"] for r in rows] == ["brommaplan", "stenhamra"]
    assert rows[0]["police_priority"] == "presence;drugs"
    assert rows[0]["comment"] == 'Sa "hej", sen gick de.'
    assert rows[0]["questionnaire_version"] == "1"
    assert rows[0]["source"] == "web"
    assert rows[1]["safety_day"] == "dk"
    assert rows[1]["worry"] == ""


def test_export_json_to_a_file(client, cli, tmp_path):
    submit(client, "alvik", VALID_ANSWER | {"police_priority": ["youth"]})
    out = tmp_path / "answers.json"
    result = cli("export", "responses", "--format", "json", "--out", str(out))
    assert result.exit_code == 0
    assert "1 responses written" in result.output
    [record] = json.loads(out.read_text("utf-8"))
    assert record["place"] == "alvik"
    assert record["police_priority"] == ["youth"]
    assert record["worry"] is None
    assert set(record) == set(response_columns())


def test_export_of_an_empty_database_is_valid(cli):
    assert json.loads(cli("export", "responses", "--format", "json").output) == []
    assert cli("export", "responses").output.strip() == "\ufeff" + ",".join(response_columns())


def test_the_export_offers_exactly_the_formats_the_writers_write():
    # The CLI writes the list out so that `trygghet --help` need not load the writers.
    assert EXPORT_FORMATS == FORMATS


def test_unknown_format_is_a_usage_error(cli):
    result = cli("export", "responses", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_database_errors_are_a_message_not_a_traceback(runner, tmp_path):
    from survey.cli import main

    result = runner.invoke(
        main,
        ["db", "upgrade"],
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir/x.db"},
    )
    assert result.exit_code == 1
    assert "/no/such/dir, a folder that does not exist" in result.output
    assert "Traceback" not in result.output


def test_a_missing_database_driver_is_named(runner, tmp_path):
    from survey.cli import main

    result = runner.invoke(
        main, ["db", "upgrade"], env={"DATABASE_URL": "postgresql+pg8000://u@127.0.0.1:1/x"}
    )
    assert result.exit_code == 1
    assert "missing Python package 'pg8000'" in result.output
    assert "Traceback" not in result.output


def test_a_database_without_tables_says_to_run_db_init(runner, tmp_path):
    from survey.cli import main

    result = runner.invoke(
        main, ["user", "list"], env={"DATABASE_URL": f"sqlite:///{tmp_path}/new.db"}
    )
    assert result.exit_code == 1
    assert "run 'trygghet db init' first" in result.output


def test_an_empty_database_file_says_to_run_db_init(runner, tmp_path):
    from survey.cli import main

    (tmp_path / "empty.db").write_bytes(b"")  # exists, but has no tables
    result = runner.invoke(
        main, ["user", "list"], env={"DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    )
    assert result.exit_code == 1
    assert "the database is not set up yet: run 'trygghet db init' first" in result.output
    assert "Traceback" not in result.output


def test_a_database_of_an_earlier_version_says_to_upgrade(runner, tmp_path):
    # Not "not set up yet": the answers are there, only the newest tables are not.
    from sqlalchemy import create_engine

    from survey.cli import main
    from survey.migrate import upgrade

    url = f"sqlite:///{tmp_path}/old.db"
    engine = create_engine(url)
    with engine.begin() as conn:
        upgrade(conn, "0019")
    engine.dispose()
    result = runner.invoke(main, ["import", "crime-runs"], env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert "set up by an earlier version of Trygghet: run 'trygghet db upgrade' first" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_the_default_round_opens_on_the_configured_time_zones_date(tmp_path):
    # A server in UTC is still on yesterday's date for the first hours of a Swedish day; the
    # round a new installation opens must not start the day before (or after) the local one.
    import datetime as dt
    from zoneinfo import ZoneInfo

    from click.testing import CliRunner
    from sqlalchemy import select

    from survey.cli import main
    from survey.db import make_engine
    from survey.models import SurveyRound
    from tests.common.apps import SECRET_KEY
    from tests.common.database import empty_database

    opened = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        folder = tmp_path / zone.replace("/", "-")
        folder.mkdir()
        with empty_database(folder) as url:
            env = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "TRYGGHET_TIMEZONE": zone}
            env["TRYGGHET_INSTANCE"] = str(tmp_path / f"instance-{len(opened)}")
            before = dt.datetime.now(ZoneInfo(zone)).date()
            result = CliRunner(env=env).invoke(main, ["db", "init"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            after = dt.datetime.now(ZoneInfo(zone)).date()
            engine = make_engine(url)
            with engine.connect() as conn:
                opened[zone] = conn.scalar(select(SurveyRound.opens_on))
            engine.dispose()
            assert opened[zone] in (before, after)
    assert opened["Pacific/Kiritimati"] > opened["Pacific/Pago_Pago"]  # 25 hours apart

"""Responses files as they come in real life: from another database, and from Swedish Excel."""

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.cli import main
from survey.db import make_engine
from survey.extensions import db
from survey.models import Response, SurveyRound
from tests.common import factories
from tests.common.apps import SECRET_KEY
from tests.common.database import empty_database
from tests.common.web import stored_responses


class OtherDatabase:
    """A second, new database, set up with `trygghet db init` as a new installation is."""

    def __init__(self, url: str, runner: CliRunner) -> None:
        self.url = url
        self.runner = runner
        self.engine = make_engine(url)

    def cli(self, *args: str):
        return self.runner.invoke(main, list(args), catch_exceptions=False)

    def session(self) -> Session:
        return Session(self.engine)

    def responses(self) -> list[Response]:
        with self.session() as session:
            return list(session.scalars(select(Response).order_by(Response.id)))


@pytest.fixture
def other(app, tmp_path) -> Iterator[OtherDatabase]:
    with app.app_context():  # the test database's default data, stored when the run began
        opened = factories.default_round().opens_on
    with empty_database(tmp_path) as url:
        runner = CliRunner(
            env={
                "DATABASE_URL": url,
                "TRYGGHET_INSTANCE": str(tmp_path / "other-instance"),
                "SECRET_KEY": SECRET_KEY,
            }
        )
        database = OtherDatabase(url, runner)
        assert database.cli("db", "init").exit_code == 0
        with database.session() as session:  # both installed the same day, past midnight too
            factories.default_round(session=session).opens_on = opened
            session.commit()
        yield database
        database.engine.dispose()


def _exported_answers(app, cli, tmp_path):
    """Answers in two rounds of their own and the default one; the export's path.

    One round and date per run of lines: lines 2-3 spring, 4-6 autumn, 7 the default round.
    """
    with app.app_context():
        autumn = factories.survey_round(
            "Hösten 2025", dt.date(2025, 9, 1), closes_on=dt.date(2025, 10, 31), areas="all"
        )
        spring = factories.survey_round("Våren 2025", dt.date(2025, 3, 1), areas=["bromma"])
        factories.answers("brommaplan", autumn, 3, safety_evening="4", police_priority="drugs")
        factories.answers("alvik", spring, 2, relation="visit", submitted_on=dt.date(2025, 3, 5))
        factories.answer("ekero-centrum", comment="Mörkt", submitted_on=dt.date(2025, 12, 1))
        db.session.commit()
    exported = tmp_path / "export.csv"
    assert cli("export", "responses", "--out", str(exported)).exit_code == 0
    return exported


def _rows(path_or_text) -> list[list[str]]:
    text = path_or_text if isinstance(path_or_text, str) else path_or_text.read_text("utf-8")
    _header, *body = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    return body


def test_an_export_imports_into_a_new_database_matching_rounds_by_name_and_dates(
    app, cli, tmp_path, other
):
    exported = _exported_answers(app, cli, tmp_path)
    with other.session() as session:
        # Made in another order: the same rounds get other ids here.
        factories.survey_round("Våren 2025", dt.date(2025, 3, 1), areas=["bromma"], session=session)
        factories.survey_round("Våren 2025", dt.date(2024, 3, 1), session=session)  # other dates
        factories.survey_round(
            "hösten  2025",  # letter case and spaces do not count
            dt.date(2025, 9, 1),
            closes_on=dt.date(2025, 10, 31),
            areas="all",
            session=session,
        )
        session.commit()
        ids = {(r.name, r.opens_on): r.id for r in session.scalars(select(SurveyRound)).all()}
    result = other.cli("import", "responses", "--lang", "en", str(exported))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported 6 responses from ")
    stored = {(r.submitted_on, r.round_id) for r in other.responses()}
    assert stored == {
        (dt.date(2025, 3, 5), ids[("Våren 2025", dt.date(2025, 3, 1))]),
        (factories.ANSWERED_ON, ids[("hösten  2025", dt.date(2025, 9, 1))]),
        (dt.date(2025, 12, 1), _default_round_id(other)),
    }
    # Exported again from the new database, the answers are the same; the round ids are this
    # database's, and the names as it spells them.
    again = other.cli("export", "responses")
    header = _header(exported)
    kept = [n for n, column in enumerate(header) if column not in ("round", "round_name")]

    def comparable(rows):
        return sorted([row[n] for n in kept] for row in rows)

    assert comparable(_rows(again.stdout)) == comparable(_rows(exported))


def _default_round_id(other: OtherDatabase) -> int:
    with other.session() as session:
        return factories.default_round(session=session).id


def _header(path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text("utf-8").removeprefix("\ufeff"))))


def test_rounds_missing_in_the_new_database_are_listed_once_each(app, cli, tmp_path, other):
    exported = _exported_answers(app, cli, tmp_path)
    result = other.cli("import", "responses", "--lang", "en", str(exported))
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[:-1] == [
        'lines 2–3 (2 rows), column round_name: there is no survey round "Våren 2025" from'
        " 2025-03-01 to no last day in this database; create it under Survey rounds with that"
        " name and those dates, then import the file again",
        'lines 4–6 (3 rows), column round_name: there is no survey round "Hösten 2025" from'
        " 2025-09-01 to 2025-10-31 in this database; create it under Survey rounds with that"
        " name and those dates, then import the file again",
    ]
    assert errors[-1].startswith("nothing imported from ")
    assert other.responses() == []


def test_round_ids_of_another_database_are_one_error_with_a_hint(app, cli, tmp_path, other):
    rows = "".join(f"2025-03-0{1 + n % 5},alvik,live,42\n" for n in range(1500))
    path = tmp_path / "old-export.csv"
    path.write_text("submitted_on,place,relation,round\n" + rows, encoding="utf-8")
    result = other.cli("import", "responses", "--lang", "en", str(path))
    assert result.exit_code == 1
    first, last = result.stderr.splitlines()
    assert first.startswith(
        'lines 2–1501 (1500 rows), column round: "42" is not the id of a survey round of this'
        " database; ids differ between databases, so give the round's name and dates"
    )
    assert last.startswith("nothing imported from ")


SWEDISH_EXCEL = (
    "\ufeffsubmitted_on;place;relation;police_priority;comment;round_name\r\n"
    '2025-03-01;alvik;live;drugs|presence;"Mörkt; och kallt";\r\n'
    "2025-03-02;akeshov;visit;youth;;\r\n"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("semicolons, BOM and CRLF", SWEDISH_EXCEL),
        ("semicolons without BOM, LF", SWEDISH_EXCEL.removeprefix("\ufeff").replace("\r\n", "\n")),
        ("tabs", SWEDISH_EXCEL.replace(";", "\t").replace("\t och", "; och")),
    ],
)
def test_a_semicolon_file_from_excel_imports(app, cli, tmp_path, name, content):
    path = tmp_path / "excel.csv"
    path.write_bytes(content.encode("utf-8"))
    result = cli("import", "responses", "--lang", "en", str(path))
    assert result.exit_code == 0, (name, result.stderr)
    first, second = stored_responses(app)
    assert (first.place.slug, first.relation, first.police_priority) == (
        "alvik",
        "live",
        "presence;drugs",
    )
    assert first.comment == "Mörkt; och kallt"
    assert (second.place.slug, second.police_priority, second.comment) == (
        "akeshov",
        "youth",
        None,
    )


def test_a_semicolon_file_with_errors_names_lines_and_columns(app, cli, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeffsubmitted_on;place;relation\r\n2025-03-01;alvik;granne\r\n").encode())
    result = cli("import", "responses", "--lang", "en", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        'line 2, column relation: "granne" is not an option'
    )

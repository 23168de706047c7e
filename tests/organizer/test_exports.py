"""Organizer downloads: raw answers and dialogues, an area's situation picture and PDF report."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import delete, select

from analysis.survey import Filters
from survey.extensions import db
from survey.models import Area, AuditEvent, Dialogue, DialogueIssue, Place, Response
from survey.reports.formulas import FORMULA_STARTS
from survey.reports.pictures import build_pictures
from tests.common.picture_data import build
from tests.common.survey_data import add_responses, columns, new_round
from tests.common.web import local_today

#: Comments a spreadsheet would run as formulas, or that break a line (OWASP's list).
HOSTILE = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A2)", "\tTab first", "\rCR first"]
SCRIPT = "<script>alert(1)</script>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = local_today().isoformat()


@pytest.fixture
def data(app):
    """The picture test area (Brommaplan 12 answers, Alvik 3), hostile comments and quotes."""
    with app.app_context():
        build()
        add_responses("akeshov", columns(comment=[*HOSTILE, SCRIPT], relation=["live"] * 7))
        place = db.session.scalar(select(Place).where(Place.slug == "akeshov"))
        dialogue = Dialogue(
            held_on=local_today() - dt.timedelta(days=3),
            area_id=place.area_id,
            place_id=place.id,
            kind="medborgardialog",
            residents=5,
            organizer="@Kommunpolis",
            notes="=1+1",
        )
        dialogue.issues.append(
            DialogueIssue(place_id=place.id, problem="lighting", quote="-2+3", measure=SCRIPT)
        )
        db.session.add(dialogue)
        db.session.commit()


@pytest.fixture
def organizer(auth, data):
    auth.login("organizer")
    return auth.client


@pytest.fixture
def admin(auth, data):
    """The raw answers (with the comments) are for admins only."""
    auth.login("admin")
    return auth.client


def get(client, path: str, **kwargs):
    """GET and close the response, as a server does (an XLSX is sent from a temporary file)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _assert_no_formula(cells) -> None:
    for cell in cells:
        assert not (isinstance(cell, str) and cell.startswith(FORMULA_STARTS)), repr(cell)


def _xlsx_cells(body: bytes):
    book = load_workbook(io.BytesIO(body))
    for sheet in book.worksheets:
        yield from (cell for row in sheet.iter_rows() for cell in row)


def _disposition(response, name: str) -> None:
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "stem"),
    [
        ("/organizer/export/responses.csv", "svar"),
        ("/organizer/export/responses.xlsx", "svar"),
        ("/organizer/export/dialogues.csv", "dialoger"),
        ("/organizer/export/dialogues.xlsx", "dialoger"),
        ("/organizer/areas/bromma/lagesbild.json", "lagesbild-bromma"),
        ("/organizer/areas/bromma/lagesbild.csv", "lagesbild-bromma"),
        ("/organizer/areas/bromma/lagesbild.xlsx", "lagesbild-bromma"),
        ("/organizer/areas/bromma/report.pdf", "rapport-bromma"),
    ],
)
def test_every_download_is_an_attachment_of_its_type(admin, path, stem):
    response = get(admin, path)
    assert response.status_code == 200
    fmt = path.rsplit(".", 1)[1]
    types = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "json": "application/json"}
    assert response.headers["Content-Type"] == types.get(fmt, "application/pdf")
    _disposition(response, f"trygghet-{stem}-{TODAY}.{fmt}")
    magic = {"csv": b"\xef\xbb\xbf", "xlsx": b"PK\x03\x04", "json": b"{", "pdf": b"%PDF"}
    assert response.data.startswith(magic[fmt])


def test_exports_page_links_every_download(admin):
    page = get(admin, "/organizer/export").get_data(as_text=True)
    for href in (
        "/organizer/export/responses.csv",
        "/organizer/export/responses.xlsx",
        "/organizer/export/dialogues.csv",
        "/organizer/export/dialogues.xlsx",
        "/organizer/areas/ekero/report.pdf",
        "/organizer/areas/ekero/report.pdf?lang=en",
        "/organizer/areas/bromma/lagesbild.xlsx",
    ):
        assert f'href="{href}"' in page
    assert 'href="/organizer/export" aria-current="page"' in page  # in the menu


def test_responses_csv_is_the_cli_file_with_formulas_neutralised(admin, cli):
    body = get(admin, "/organizer/export/responses.csv").data
    rows = _csv_rows(body)
    # The same rows as the command's file; within a day in random order.
    cli_rows = _csv_rows(cli("export", "responses", "--format", "csv").stdout_bytes)
    assert cli_rows[0] == rows[0]
    assert sorted(cli_rows[1:]) == sorted(rows[1:])
    comments = [row[rows[0].index("comment")] for row in rows[1:]]
    for text in HOSTILE:
        assert "'" + text in comments
    assert SCRIPT in comments
    assert '\'=HYPERLINK("http://x")' in comments
    _assert_no_formula(cell for row in rows for cell in row)
    assert len(rows) == 1 + 12 + 3 + 10 + 7


def test_responses_xlsx_keeps_text_as_text(admin, app, cli, tmp_path):
    body = get(admin, "/organizer/export/responses.xlsx").data
    book = load_workbook(io.BytesIO(body))
    sheet = book["responses"]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    comments = [row[header.index("comment")] for row in rows[1:]]
    texts = {c.value for c in comments if c.value}
    # XML reads a bare CR back as a line feed; the text is still text, not a formula.
    hostile = {text.replace("\r", "\n") for text in HOSTILE}
    assert hostile | {SCRIPT, '=HYPERLINK("http://x")'} <= texts
    assert all(c.data_type == "s" for c in comments if c.value)
    assert all(c.data_type != "f" for c in _xlsx_cells(body))
    with app.app_context():
        stored = db.session.scalars(select(Response.safety_evening)).all()
    exported = [row[header.index("safety_evening")].value for row in rows[1:]]
    assert sorted(exported, key=str) == sorted(stored, key=str)
    out = tmp_path / "svar.xlsx"
    assert cli("export", "responses", "--format", "xlsx", "--out", str(out)).exit_code == 0
    cli_rows = list(load_workbook(out)["responses"].iter_rows(values_only=True))
    web_rows = [tuple(c.value for c in row) for row in rows]
    assert cli_rows[0] == web_rows[0]
    assert sorted(cli_rows[1:], key=repr) == sorted(web_rows[1:], key=repr)


def test_dialogues_csv_and_xlsx_neutralise_and_keep_text(organizer, cli):
    body = get(organizer, "/organizer/export/dialogues.csv").data
    assert body == cli("export", "dialogues").stdout_bytes
    rows = _csv_rows(body)
    _assert_no_formula(cell for row in rows for cell in row)
    hostile = [r for r in rows if r[rows[0].index("organizer")] == "'@Kommunpolis"]
    assert hostile[0][rows[0].index("quote")] == "'-2+3"
    assert hostile[0][rows[0].index("notes")] == "'=1+1"
    cells = list(_xlsx_cells(get(organizer, "/organizer/export/dialogues.xlsx").data))
    values = {c.value for c in cells}
    assert {"@Kommunpolis", "=1+1", "-2+3", SCRIPT} <= values
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))


def test_an_exported_csv_imports_back_with_the_same_comments(admin, app, cli, tmp_path):
    with app.app_context():
        db.session.execute(delete(Response).where(Response.comment.like("%\r%")))
        db.session.execute(delete(Response).where(Response.comment.like("\t%")))
        db.session.commit()
        before = db.session.scalars(select(Response.comment)).all()
    exported = tmp_path / "svar.csv"
    exported.write_bytes(get(admin, "/organizer/export/responses.csv").data)
    with app.app_context():
        db.session.execute(delete(Response))
        db.session.commit()
    result = cli("import", "responses", str(exported))
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = db.session.scalars(select(Response.comment)).all()
    assert sorted(after, key=repr) == sorted(before, key=repr)
    assert "=cmd|' /C calc'!A0" in after


def test_lagesbild_json_is_the_situation_picture(organizer, app):
    got = get(organizer, "/organizer/areas/bromma/lagesbild.json").get_json()
    with app.app_context(), db.engine.connect() as conn:
        [expected] = build_pictures(conn, ["bromma"], Filters(), 10)
    assert got.pop("generated_at")
    assert expected.pop("generated_at")
    assert got == expected
    alvik = next(p for p in got["places"] if p["place"] == "alvik")
    # Hidden, and without its count (organizer_form): its own n would say what the few answered.
    assert alvik["times"]["evening"] == {"n": None, "suppressed": True, "protects": False}


def test_lagesbild_csv_and_xlsx_hold_the_same_figures(organizer, cli):
    body = get(organizer, "/organizer/areas/bromma/lagesbild.csv").data
    assert body == cli("lagesbild", "--area", "bromma", "--format", "csv").stdout_bytes
    rows = _csv_rows(body)
    _assert_no_formula(cell for row in rows for cell in row)
    evening = [r for r in rows if len(r) > 6 and r[1] == "brommaplan" and r[3] == "evening"]
    assert float(evening[0][6]) == pytest.approx(8 / 11, abs=1e-4)
    alvik = [r for r in rows if len(r) > 6 and r[1] == "alvik" and r[3] == "evening"][0]
    assert alvik[6:] == ["", "", ""]  # suppressed: never a share
    assert any("'-2+3" in cell for row in rows for cell in row)  # the dialogue quote
    book = load_workbook(io.BytesIO(get(organizer, "/organizer/areas/bromma/lagesbild.xlsx").data))
    sheet = list(book["unsafe_by_time"].iter_rows(values_only=True))
    evening = [r for r in sheet if r[1] == "brommaplan" and r[3] == "evening"][0]
    assert evening[6] == pytest.approx(8 / 11, abs=1e-4)
    assert [r for r in sheet if r[1] == "alvik" and r[3] == "evening"][0][6:] == (None,) * 3
    quotes = [c for row in book["dialogue_mentions"].iter_rows() for c in row if c.value == "-2+3"]
    assert quotes
    assert quotes[0].data_type == "s"


def test_filters_narrow_the_picture(organizer, app):
    with app.app_context():
        round_id = new_round("Höst", dt.date(2020, 1, 1))
        db.session.commit()
    # Six women: too few for any figure, not even their count.
    women = get(organizer, "/organizer/areas/bromma/lagesbild.json?gender=woman")
    assert women.status_code == 400
    assert "För få svar med de här filtren" in women.get_data(as_text=True)
    may = get(organizer, "/organizer/areas/bromma/lagesbild.json?month_from=2025-01").get_json()
    assert may["filters"]["date_from"] == "2025-01-01"
    assert may["n"] >= 10
    to = get(organizer, "/organizer/areas/bromma/lagesbild.json?month_to=2030-02").get_json()
    assert to["filters"]["date_to"] == "2030-02-28"
    by_round = get(organizer, f"/organizer/areas/bromma/lagesbild.json?round={round_id}")
    assert by_round.status_code == 400  # no answers in that round


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("round=abc", "Survey round: Choose one of the options shown."),
        ("round=99999", "Survey round: Choose one of the options shown."),
        ("month_from=2026-13", "Month from: Enter a month as YYYY-MM"),
        ("month_to=yesterday", "Month to: Enter a month as YYYY-MM"),
        ("month_from=2026-05&month_to=2026-01", "Month to: The end month must not be before"),
        ("date_from=2026-05-01", "Month from: Single days cannot be chosen"),
        ("gender=robot", "Gender: Choose one of the options shown."),
        ("age_band=12-15", "Age: Choose one of the options shown."),
        ("lang=de", "lang must be sv or en"),
    ],
)
def test_bad_filters_are_a_clear_400(organizer, query, message):
    english = {"Accept-Language": "en"}
    if not query.startswith("lang="):
        query += "&lang=en"
    for path in ("lagesbild.json", "lagesbild.xlsx", "report.pdf"):
        response = get(organizer, f"/organizer/areas/bromma/{path}?{query}", headers=english)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_unknown_area_and_format_are_404(organizer):
    assert get(organizer, "/organizer/areas/atlantis/lagesbild.json").status_code == 404
    assert get(organizer, "/organizer/areas/atlantis/report.pdf").status_code == 404
    assert get(organizer, "/organizer/areas/bromma/lagesbild.html").status_code == 404
    assert get(organizer, "/organizer/export/responses.json").status_code == 404


def test_hostile_text_is_escaped_in_html(organizer, cli):
    page = get(organizer, f"/organizer/areas/bromma/report.pdf?gender={SCRIPT}&lang=en")
    assert page.status_code == 400
    assert SCRIPT not in page.get_data(as_text=True)
    html = cli("lagesbild", "--area", "bromma", "--format", "html").output
    assert "-2+3" in html
    assert SCRIPT not in get(organizer, "/organizer/export").get_data(as_text=True)


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_pdf_report_in_swedish_and_english(organizer):
    swedish = _pdf_text(get(organizer, "/organizer/areas/bromma/report.pdf").data)
    english = _pdf_text(get(organizer, "/organizer/areas/bromma/report.pdf?lang=en").data)
    for text in (swedish, english):
        assert "Bromma" in text
        assert "Brommaplan" in text
        assert "Alvik" in text
        assert "Tryggare Brommaplan på kvällen" in text  # the promise
        assert "Misshandel" in text  # the deviation
        assert "Berusade personer vid bussarna" in text  # the dialogue's quote
        assert "(43–90)" in text  # 8 of 11 unsafe in the evening, Wilson interval
        assert any(line.startswith("Brommaplan 12 ") for line in text.splitlines())  # n
    assert "73 % (43–90)" in swedish.replace("\xa0", " ")
    assert "73% (43–90)" in english
    assert "för få svar" in swedish
    assert "Lokal lägesbild" in swedish
    assert "too few answers" in english
    assert "How the figures are made" in english
    assert "Key figures for the whole area" in english
    assert "fewer than 10 answers" in english


def test_pdf_never_prints_a_share_for_a_suppressed_figure(organizer):
    text = _pdf_text(get(organizer, "/organizer/areas/bromma/report.pdf?lang=en").data)
    alvik = [line for line in text.splitlines() if line.startswith("Alvik")]
    assert alvik, text
    assert all("%" not in line for line in alvik)
    assert all("too few answers" in line for line in alvik)


def test_pdf_names_the_filter_used(organizer, app):
    with app.app_context():
        round_id = new_round("Trygghetsmätning hösten", dt.date(2020, 1, 1))
        db.session.commit()
        # Enough answers in that round for figures (a smaller group gets none).
        add_responses(
            "brommaplan",
            columns(safety_evening=["1"] * 10),
            round_id=round_id,
            submitted_on=dt.date(2021, 3, 1),
        )
    text = _pdf_text(
        get(
            organizer,
            f"/organizer/areas/bromma/report.pdf?lang=en&round={round_id}&month_from=2021-01",
        ).data
    )
    assert "survey round Trygghetsmätning hösten" in text
    assert "answers from 2021-01-01 to" in text


def test_cli_export_xlsx_needs_a_file_on_a_terminal(cli, data):
    result = cli("export", "dialogues", "--format", "xlsx")
    # The test runner's standard output is no terminal: the workbook goes there.
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"PK\x03\x04")


def test_areas_without_answers_still_make_a_report(organizer, app):
    with app.app_context():
        slug = db.session.scalar(select(Area.slug).where(Area.slug == "ekero"))
    response = get(organizer, f"/organizer/areas/{slug}/report.pdf")
    assert response.status_code == 200
    assert "Ekerö" in _pdf_text(response.data)


def test_raw_downloads_are_on_the_audit_record(app, admin):
    get(admin, "/organizer/export/responses.csv")
    get(admin, "/organizer/export/dialogues.xlsx")
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.details).order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.details) for e in events[-2:]] == [
        ("export.responses", {"format": "csv"}),
        ("export.dialogues", {"format": "xlsx"}),
    ]
    assert events[-1].actor == "admin@trygghet.test"


# -- insiders ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_organizer_cannot_download_the_raw_answers(app, organizer, fmt):
    response = get(organizer, f"/organizer/export/responses.{fmt}")
    assert response.status_code == 403
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "export.responses" not in actions
    page = get(organizer, "/organizer/export").get_data(as_text=True)
    assert "/organizer/export/responses." not in page
    assert "kan bara laddas ner av en administratör" in page
    # The figures per area stay open to organizers.
    assert get(organizer, "/organizer/areas/bromma/lagesbild.csv").status_code == 200


def test_raw_rows_carry_no_id_and_no_submission_order(app, admin, cli):
    with app.app_context():
        rows = db.session.execute(
            select(Response.id, Response.submitted_on, Response.comment, Response.place_id)
        ).all()
    header, *body = _csv_rows(get(admin, "/organizer/export/responses.csv").data)
    assert not {"id", "response_id", "answer_id"} & set(header)
    ids = {str(row.id) for row in rows}
    assert not any(cell in ids for line in body for cell in line[:2])  # no id beside the date
    dates = [line[header.index("submitted_on")] for line in body]
    assert dates == sorted(dates)  # by date
    # Within a day the order is drawn anew each time: ids (submission order) are not its key.
    by_id = [row.comment or "" for row in sorted(rows, key=lambda r: (r.submitted_on, r.id))]
    orders = set()
    for _attempt in range(6):
        _header, *again = _csv_rows(get(admin, "/organizer/export/responses.csv").data)
        orders.add(tuple(tuple(line) for line in again))
    comment = header.index("comment")
    assert len(orders) > 1
    assert any([line[comment].lstrip("'") for line in order] != by_id for order in orders)

"""Admin: an upload with a typo'd key, a key given twice, a retyped code or a file not in
UTF-8 is refused with its line, in Swedish, and writes nothing."""

import io

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, QuestionnaireVersion
from tests.common.web import csrf_token
from tests.questionnaire.test_keys import SOURCE


def _upload(client, raw: bytes):
    token = csrf_token(client, "/organizer/questionnaires")
    return client.post(
        "/organizer/questionnaires",
        data={"csrf_token": token, "file": (io.BytesIO(raw), "v2.yaml")},
        content_type="multipart/form-data",
    )


def _rows(app) -> tuple[list[int], int]:
    with app.app_context():
        versions = list(db.session.scalars(select(QuestionnaireVersion.version)))
        return versions, db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            SOURCE.replace("max_choices:", "max_choice:").encode(),
            "Rad 17: okänd nyckel &#39;max_choice&#39; – menade du &#39;max_choices&#39;?",
        ),
        (
            SOURCE.replace("version: 2\n", "version: 2\nauthor: Ekerö kommun\n").encode(),
            "Rad 2: okänd nyckel &#39;author&#39;; här gäller nycklarna version, title,",
        ),
        (
            SOURCE.replace("title: {sv: Enkät}", "title: {sv: Enkät, sv: Trygghet}").encode(),
            "Rad 2: nyckeln &#39;sv&#39; står två gånger: första gången på rad 2",
        ),
        (
            SOURCE.replace("        type: single\n", "        type: text\n").encode(),
            "Rad 11: victim: en fråga från version 1 behåller sin typ single",
        ),
        (
            SOURCE.replace("Enkät", "Enkät på platsen").encode("latin-1"),
            "Rad 2: filen är inte UTF-8-text: byten 0xE4 kan inte läsas som UTF-8",
        ),
        (SOURCE.encode("utf-16"), "filen är UTF-16-text: spara den som UTF-8"),
        (SOURCE.encode("utf-16-le"), "filen är UTF-16-text: spara den som UTF-8"),
    ],
)
def test_a_bad_upload_is_refused_in_swedish_and_writes_nothing(app, client, auth, raw, expected):
    auth.login("admin")
    client.get("/?lang=sv")
    before = _rows(app)
    response = _upload(client, raw)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert expected in page
    assert "bara frågor av typen single och multi har svarsalternativ" not in page
    assert _rows(app) == before


def test_the_same_file_without_its_typo_is_saved(app, client, auth):
    auth.login("admin")
    response = _upload(client, SOURCE.encode())
    assert response.status_code == 303
    assert 2 in _rows(app)[0]

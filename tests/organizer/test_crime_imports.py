"""The admin page of crime imports: who imported what, and 'Ångra' for the newest one."""

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select, update

from survey.extensions import db
from survey.models.crime import CrimeEvent
from survey.models.crime_imports import CrimeImportRun
from tests.common.web import post_form

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real"
MARCH_2023 = REAL / "police-events-2023-03-25.json"
AUGUST_2026 = REAL / "police-events-2026-08-22.json"
PAGE = "/organizer/crime-imports"
STORED = dt.datetime(2026, 11, 29, 15, 49, tzinfo=dt.UTC)
SHOWN = "2026-11-29 16:49"


def _runs(app):
    with app.app_context():
        return list(db.session.scalars(select(CrimeImportRun.id).order_by(CrimeImportRun.id)))


def _events(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CrimeEvent))


def test_the_page_lists_the_imports_and_undoes_only_the_newest(app, cli, client, auth, users):
    for path in (MARCH_2023, AUGUST_2026):
        result = cli("import", "crime", str(path))
        assert result.exit_code == 0, result.stderr
    a, b = _runs(app)
    auth.login("admin")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Brottsimporter" in page
    assert MARCH_2023.name in page
    assert AUGUST_2026.name in page
    assert "kommandoraden" in page  # who: the command line
    assert page.count(">Ångra</a>") == 1  # the newest only, asking first
    assert f"/organizer/crime-imports/{b}/undo" in page
    assert f"Ångra import {b} först" in page
    # An older import, posted by hand: refused, naming the later one; nothing changes.
    response = post_form(client, f"/organizer/crime-imports/{a}/undo", {}, token_from=PAGE)
    assert response.status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    assert f"Import {a} kan inte ångras än: den senare importen {b} (" in page
    assert _events(app) == 1000
    response = post_form(client, f"/organizer/crime-imports/{b}/undo", {}, token_from=PAGE)
    assert response.status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    assert f"Import {b} ({AUGUST_2026.name}) är ångrad: brottsdata är som före den." in page
    assert "Ångrad " in page
    assert "av admin@trygghet.test" in page
    assert _events(app) == 500
    assert f"/organizer/crime-imports/{a}/undo" in page
    audit = client.get("/organizer/audit?lang=sv").get_data(as_text=True)
    assert f"Brottsimport {b}" in audit  # not the class name, CrimeImportRun
    assert "CrimeImportRun" not in audit


def test_undo_asks_first_and_changes_nothing_until_confirmed(app, cli, client, auth, users):
    for path in (MARCH_2023, AUGUST_2026):
        assert cli("import", "crime", str(path)).exit_code == 0
    a, b = _runs(app)
    auth.login("admin")
    # Ångra was a form button that undid the import at one click.
    page = client.get(PAGE).get_data(as_text=True)
    assert f'href="/organizer/crime-imports/{b}/undo"' in page
    assert f'<form method="post" action="/organizer/crime-imports/{b}/undo"' not in page
    confirm = client.get(f"{PAGE}/{b}/undo")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert f"Ångra import {b}?" in text
    assert AUGUST_2026.name in text
    assert "tillagda 500, ändrade 0, oförändrade 0" in text
    assert "går inte att hämta igen" in text
    assert ">Ångra importen</button>" in text
    assert _events(app) == 1000
    # An older one is refused before any question, naming the later one.
    older = client.get(f"{PAGE}/{a}/undo")
    assert older.status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    assert f"Import {a} kan inte ångras än: den senare importen {b} (" in page
    response = post_form(client, f"{PAGE}/{b}/undo", {}, token_from=f"{PAGE}/{b}/undo")
    assert response.status_code == 303
    assert _events(app) == 500
    # Undone: asking again says so.
    client.get(f"{PAGE}/{b}/undo")
    assert f"Import {b} är redan ångrad" in client.get(PAGE).get_data(as_text=True)


def test_only_admins_see_the_page_or_undo(app, cli, client, auth, users):
    result = cli("import", "crime", str(MARCH_2023))
    assert result.exit_code == 0, result.stderr
    [run] = _runs(app)
    auth.login("organizer")
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/{run}/undo").status_code == 403
    assert client.post(f"/organizer/crime-imports/{run}/undo").status_code in (400, 403)
    assert _events(app) == 500


def test_a_post_without_its_token_undoes_nothing(app, cli, client, auth, users):
    result = cli("import", "crime", str(MARCH_2023))
    assert result.exit_code == 0, result.stderr
    [run] = _runs(app)
    auth.login("admin")
    client.post(f"/organizer/crime-imports/{run}/undo", data={})
    assert _events(app) == 500


def test_times_on_the_page_in_messages_and_in_the_list_are_local(app, cli, client, auth, users):
    # 15:49 UTC on 29 November is 16:49 in Stockholm: the page, its messages and the command
    # line show the moment as every other organizer page does, never UTC.
    for path in (MARCH_2023, AUGUST_2026):
        result = cli("import", "crime", str(path))
        assert result.exit_code == 0, result.stderr
    a, b = _runs(app)
    with app.app_context():
        db.session.execute(update(CrimeImportRun).values(imported_at=STORED))
        db.session.commit()
    auth.login("admin")
    page = client.get(PAGE).get_data(as_text=True)
    assert page.count(SHOWN) == 2
    post_form(client, f"/organizer/crime-imports/{a}/undo", {}, token_from=PAGE)
    page = client.get(PAGE).get_data(as_text=True)
    assert f"den senare importen {b} ({AUGUST_2026.name}, {SHOWN}) ändrade" in page
    assert "15:49" not in page
    listed = cli("import", "crime-runs", "--lang", "sv").stdout
    assert f"(events), {SHOWN} CET av cli: tillagda 500" in listed  # local time, its zone named
    assert "UTC" not in listed
    assert "15:49" not in listed
    assert cli("import", "undo-crime", "--yes").exit_code == 0
    with app.app_context():
        db.session.execute(
            update(CrimeImportRun).where(CrimeImportRun.id == b).values(undone_at=STORED)
        )
        db.session.commit()
    result = cli("import", "undo-crime", str(b), "--yes")
    assert f"Import {b} is already undone ({SHOWN})." in result.stderr
    assert f"; ångrad {SHOWN}" in cli("import", "crime-runs", "--lang", "sv").stdout


def test_untranslated_organizer_text_is_marked_swedish_on_an_arabic_page(client, auth, users):
    # Organizer texts without an Arabic translation are shown in Swedish: marked so, a
    # right-to-left page sets them left to right ("ångrade." ends on the right).
    auth.login("admin")
    page = client.get(PAGE + "?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<p><span lang="sv" dir="ltr">Inga brottsimporter än.</span></p>' in page
    assert '<span lang="sv" dir="ltr">Varje importerad brottsfil' in page
    # A translated text is not marked; in Swedish nothing is.
    assert '<span lang="sv" dir="ltr">' not in client.get(PAGE + "?lang=sv").get_data(as_text=True)
